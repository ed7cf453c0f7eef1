"""The driver's notifications over server-sent events: parsing blocks, and reconnecting with
Last-Event-ID (against a real server on 127.0.0.1) so nothing is missed or shown twice."""

import asyncio
import contextlib

from mobile.services.events import DriverEvent, HttpEventSource, parse_sse
from mobile.services.http import HttpTransport
from mobile.services.tokens import MemoryTokenStore
from tests.mobile.services.wire_backend import Wire, sse

RETRY_S = 0.01


# -- parse_sse ------------------------------------------------------------------------------------


def test_a_block_gives_id_kind_and_json_data() -> None:
    event = parse_sse(["id: 42", "event: session_started", 'data: {"session_id": "se-1"}'])

    assert event == DriverEvent(42, "session_started", {"session_id": "se-1"})


def test_comments_and_keepalive_pings_are_not_events() -> None:
    assert parse_sse([": ping"]) is None
    assert parse_sse([":"]) is None
    assert parse_sse(["retry: 3000"]) is None


def test_comment_lines_inside_a_block_are_ignored() -> None:
    event = parse_sse([": server time 12:00", "event: stay_paid", ": another", 'data: {"amount": 300}'])

    assert event == DriverEvent(None, "stay_paid", {"amount": 300})


def test_data_over_several_lines_is_joined_with_newlines() -> None:
    event = parse_sse(["id: 7", "event: receipt_sent", 'data: {"email":', 'data:  "a@b.c",', 'data: "n": 1}'])

    assert event == DriverEvent(7, "receipt_sent", {"email": "a@b.c", "n": 1})


def test_only_one_space_after_the_colon_is_dropped() -> None:
    event = parse_sse(['data:{"text": "no space"}'])
    spaced = parse_sse(['data:  {"text": "two spaces"}'])

    assert event is not None
    assert event.data == {"text": "no space"}
    assert spaced is not None
    assert spaced.data == {"text": "two spaces"}


def test_without_event_field_the_kind_is_message() -> None:
    event = parse_sse(['data: {"a": 1}'])

    assert event is not None
    assert event.kind == "message"
    assert event.id is None


def test_an_id_that_is_not_a_number_is_ignored() -> None:
    event = parse_sse(["id: abc", "event: x", "data: {}"])

    assert event is not None
    assert event.id is None


def test_a_block_without_data_or_with_broken_json_is_dropped() -> None:
    assert parse_sse(["id: 3", "event: session_started"]) is None
    assert parse_sse(["event: x", "data: {not json"]) is None


def test_json_that_is_not_an_object_is_wrapped() -> None:
    event = parse_sse(["event: x", "data: [1, 2]"])

    assert event is not None
    assert event.data == {"value": [1, 2]}


# -- HttpEventSource against the server -----------------------------------------------------------


async def first(source: HttpEventSource, count: int, timeout_s: float = 5.0) -> list[DriverEvent]:
    """The first `count` events of the stream, then the stream is closed."""
    events: list[DriverEvent] = []

    async def collect() -> None:
        stream = source.stream()
        try:
            async for event in stream:
                events.append(event)
                if len(events) == count:
                    return
        finally:
            await stream.aclose()

    await asyncio.wait_for(collect(), timeout_s)
    return events


async def signed_in(transport: HttpTransport, wire: Wire, *, stale: bool = False) -> HttpEventSource:
    await transport.set_tokens("access-0" if stale else wire.access, wire.refresh)
    return HttpEventSource(transport, retry_s=RETRY_S)


async def test_events_arrive_in_order_with_their_payloads(transport: HttpTransport, wire: Wire) -> None:
    wire.batches.append(
        [
            ": connected\n\n",
            sse(1, "entry_detected", {"facility_name": "Kamppi P1"}),
            ": ping\n\n",
            sse(2, "stay_paid", {"amount": 300, "currency": "EUR"}),
        ]
    )
    source = await signed_in(transport, wire)

    events = await first(source, 2)

    assert [(e.id, e.kind) for e in events] == [(1, "entry_detected"), (2, "stay_paid")]
    assert events[1].data == {"amount": 300, "currency": "EUR"}
    assert wire.event_requests[0]["authorization"] == "Bearer access-1"
    assert wire.event_requests[0]["accept"] == "text/event-stream"
    assert source.last_event_id == 2


async def test_a_dropped_connection_resumes_after_the_last_event_seen(
    transport: HttpTransport, wire: Wire
) -> None:
    wire.batches.extend(
        [
            [sse(1, "session_started", {}), sse(2, "session_extended", {})],  # then the cell tower changes
            [sse(3, "session_stopped", {})],
        ]
    )
    source = await signed_in(transport, wire)

    events = await first(source, 3)

    assert [e.id for e in events] == [1, 2, 3]
    assert [r["last_event_id"] for r in wire.event_requests] == [None, "2"]


async def test_events_without_id_do_not_move_the_resume_point(transport: HttpTransport, wire: Wire) -> None:
    wire.batches.extend(
        [[sse(5, "session_started", {}), sse(None, "message", {"hello": 1})], [sse(6, "x", {})]]
    )
    source = await signed_in(transport, wire)

    await first(source, 3)

    assert [r["last_event_id"] for r in wire.event_requests] == [None, "5"]


async def test_a_server_error_is_retried_with_the_same_resume_point(
    transport: HttpTransport, wire: Wire
) -> None:
    wire.batches.extend([[sse(1, "session_started", {})], 503, [sse(2, "session_stopped", {})]])
    source = await signed_in(transport, wire)

    events = await first(source, 2)

    assert [e.id for e in events] == [1, 2]
    assert [r["last_event_id"] for r in wire.event_requests] == [None, "1", "1"]


async def test_an_expired_token_is_renewed_and_the_stream_reopened(
    transport: HttpTransport, wire: Wire
) -> None:
    wire.batches.append([sse(9, "expiring_soon", {"minutes_left": 10})])
    source = await signed_in(transport, wire, stale=True)

    events = await first(source, 1)

    assert [e.id for e in events] == [9]
    assert wire.refresh_calls == 1
    assert [r["authorization"] for r in wire.event_requests] == ["Bearer access-0", "Bearer access-2"]


async def test_a_refused_renewal_stops_asking_the_server(transport: HttpTransport, wire: Wire) -> None:
    signed_out: list[bool] = []
    transport.on_signed_out = lambda: signed_out.append(True)
    wire.refresh_ok = False
    source = await signed_in(transport, wire, stale=True)

    with contextlib.suppress(TimeoutError):
        await first(source, 1, timeout_s=0.3)

    assert signed_out == [True]
    assert not transport.signed_in
    assert len(wire.event_requests) == 1  # signed out: no more connections with a dead token
    assert wire.refresh_calls == 1


async def test_signed_out_the_stream_waits_without_calling(transport: HttpTransport, wire: Wire) -> None:
    source = HttpEventSource(transport, retry_s=RETRY_S)

    with contextlib.suppress(TimeoutError):
        await first(source, 1, timeout_s=0.1)

    assert wire.event_requests == []


async def test_no_server_is_retried_quietly(closed_port_url: str) -> None:
    transport = HttpTransport(closed_port_url, MemoryTokenStore())
    await transport.set_tokens("access-1", "rt-1")
    source = HttpEventSource(transport, retry_s=RETRY_S)
    try:
        with contextlib.suppress(TimeoutError):
            await first(source, 1, timeout_s=0.2)  # no exception escapes: it keeps reconnecting
    finally:
        await transport.aclose()


async def test_cancelling_the_listener_closes_the_stream(transport: HttpTransport, wire: Wire) -> None:
    source = await signed_in(transport, wire)

    async def listen() -> None:
        async for _ in source.stream():
            pass

    task = asyncio.create_task(listen())
    await asyncio.sleep(0.1)

    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task

    assert task.cancelled()
    assert len(wire.event_requests) >= 1
