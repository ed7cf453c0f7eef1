"""`GET /api/v1/me/events`: a driver's notifications as server-sent events, over a real server."""

import asyncio
import json
import statistics
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from backend.models import DriverEvent
from backend.notifications.broker import EXTRAS_KEY as BROKER_KEY
from backend.notifications.events import notify_driver
from tests.backend.helpers import app_of, bearer
from tests.backend.notifications.factories import signed_in_driver

OTHER_EMAIL = "ville@example.test"


async def sse(response: httpx.Response) -> AsyncIterator[dict]:
    """Parse a text/event-stream into dicts: {"id", "event", "data", "comment", "retry"}."""
    fields: dict = {}
    async for line in response.aiter_lines():
        if line == "":
            if fields:
                yield fields
            fields = {}
        elif line.startswith(":"):
            fields["comment"] = line[1:].strip()
        else:
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            fields[name] = json.loads(value) if name == "data" else value


class Stream:
    """An open event stream read by a background task into a queue (with arrival times)."""

    def __init__(self, http: httpx.AsyncClient, token: str, headers=None, params=None) -> None:
        self.http, self.token = http, token
        self.headers, self.params = headers or {}, params or {}
        self.queue: asyncio.Queue = asyncio.Queue()
        self.status: int | None = None

    async def __aenter__(self) -> "Stream":
        opened = asyncio.get_running_loop().create_future()

        async def read() -> None:
            headers = {**bearer(self.token), **self.headers}
            async with self.http.stream("GET", "/api/v1/me/events", headers=headers, params=self.params) as r:
                self.status = r.status_code
                async for message in sse(r):
                    if message.get("comment") == "connected" and not opened.done():
                        opened.set_result(message)
                    elif "event" in message:
                        await self.queue.put((time.perf_counter(), message))

        self.task = asyncio.create_task(read())
        await asyncio.wait_for(asyncio.shield(opened), timeout=5)
        return self

    async def next(self, wait_seconds: float = 3.0) -> dict:
        return (await asyncio.wait_for(self.queue.get(), wait_seconds))[1]

    async def nothing_more(self, seconds: float = 0.3) -> None:
        await asyncio.sleep(seconds)
        assert self.queue.empty(), f"unexpected event: {self.queue.get_nowait()}"

    async def __aexit__(self, *exc) -> None:
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)


@pytest.fixture
async def live(live_url) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=live_url, timeout=10) as http:
        yield http


async def test_the_stream_needs_a_driver_token(client) -> None:
    response = await client.get("/api/v1/me/events")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    response = await client.get("/api/v1/me/events", headers=bearer("not-a-token"))
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


async def test_a_malformed_last_event_id_is_a_422(client) -> None:
    _, token = await signed_in_driver(client)
    response = await client.get("/api/v1/me/events", headers={**bearer(token), "Last-Event-ID": "yesterday"})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    response = await client.get("/api/v1/me/events", headers=bearer(token), params={"since": -1})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


async def test_new_events_arrive_and_only_your_own(client, live) -> None:
    services = app_of(client).state.services
    aino, token = await signed_in_driver(client)
    ville, _ = await signed_in_driver(client, OTHER_EMAIL)
    await notify_driver(services, aino.id, "entry_detected", {"stay_id": "before-connecting"})

    async with Stream(live, token) as stream:
        await notify_driver(services, ville.id, "entry_detected", {"stay_id": "ville's"})
        mine = await notify_driver(services, aino.id, "exit_charged", {"stay_id": "s1", "total_amount": 615})
        event = await stream.next()
        assert event == {
            "id": str(mine.id),
            "event": "exit_charged",
            "data": {"stay_id": "s1", "total_amount": 615},
        }
        await stream.nothing_more()  # neither the older event nor Ville's
    assert stream.status == 200


@pytest.mark.parametrize("how", ["header", "query"])
async def test_a_reconnecting_app_gets_what_it_missed_in_order(client, live, how) -> None:
    services = app_of(client).state.services
    aino, token = await signed_in_driver(client)
    ville, _ = await signed_in_driver(client, OTHER_EMAIL)
    seen = await notify_driver(services, aino.id, "entry_detected", {"n": 1})
    await notify_driver(services, ville.id, "entry_detected", {"n": "ville"})
    missed = [
        await notify_driver(services, aino.id, kind, {"n": n})
        for n, kind in [(2, "free_period_ending"), (3, "exit_charged"), (4, "receipt_sent")]
    ]

    since = {"header": {"headers": {"Last-Event-ID": str(seen.id)}}, "query": {"params": {"since": seen.id}}}
    async with Stream(live, token, **since[how]) as stream:
        replayed = [await stream.next() for _ in missed]
        assert [(e["id"], e["event"], e["data"]) for e in replayed] == [
            (str(m.id), m.kind, m.payload) for m in missed
        ]
        later = await notify_driver(services, aino.id, "stay_paid", {"n": 5})
        assert (await stream.next())["id"] == str(later.id)
        await stream.nothing_more()


async def test_the_header_wins_over_since(client, live) -> None:
    services = app_of(client).state.services
    aino, token = await signed_in_driver(client)
    first = await notify_driver(services, aino.id, "entry_detected", {"n": 1})
    second = await notify_driver(services, aino.id, "exit_charged", {"n": 2})
    async with Stream(live, token, headers={"Last-Event-ID": str(first.id)}, params={"since": 0}) as stream:
        assert (await stream.next())["id"] == str(second.id)
        await stream.nothing_more()


async def test_events_written_by_another_process_arrive_within_a_second_or_so(client, live) -> None:
    aino, token = await signed_in_driver(client)
    async with Stream(live, token) as stream:
        # A row inserted without waking this process's broker, as `parkflow worker` would.
        row = await DriverEvent.create(driver_id=aino.id, kind="receipt_sent", payload={"from": "worker"})
        started = time.perf_counter()
        event = await stream.next(wait_seconds=5)
        assert event["id"] == str(row.id)
        assert time.perf_counter() - started < 2.5


async def test_notify_to_event_latency_p95_under_100_ms(client, live) -> None:
    services = app_of(client).state.services
    aino, token = await signed_in_driver(client)
    latencies = []
    async with Stream(live, token) as stream:
        for n in range(25):
            started = time.perf_counter()
            await notify_driver(services, aino.id, "exit_charged", {"n": n})
            arrived, event = await asyncio.wait_for(stream.queue.get(), 3)
            assert event["data"] == {"n": n}
            latencies.append(arrived - started)
            await asyncio.sleep(0.02)
    latencies = latencies[5:]  # the first few warm up connections and caches
    p95 = statistics.quantiles(latencies, n=20)[-1]
    assert p95 < 0.100, f"p95 {p95 * 1000:.1f} ms over {len(latencies)} events"


async def test_a_closed_stream_leaves_nothing_running(client, live) -> None:
    broker = app_of(client).state.services.extras[BROKER_KEY]
    _, token = await signed_in_driver(client)
    async with Stream(live, token), Stream(live, token):
        assert broker.open_streams == 2
        assert broker.polling
    for _ in range(100):  # the server notices the disconnect, the poller its last look
        if not (broker.open_streams or broker.polling):
            break
        await asyncio.sleep(0.05)
    assert broker.open_streams == 0
    assert not broker.polling
