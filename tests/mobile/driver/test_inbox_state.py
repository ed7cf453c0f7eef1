"""Notifications from `/me/events` written for people, and parking refreshed as they arrive."""

import asyncio
import contextlib
from datetime import UTC, datetime
from typing import Any

import pytest

from mobile.driver.state.inbox import KEEP, InboxState, describe
from mobile.services.events import DriverEvent
from shared.schemas.events import PAYLOADS, DriverEventKind
from tests.mobile.fakes import FakeEventSource

AT = datetime(2026, 3, 30, 11, 23, tzinfo=UTC)
LATER = datetime(2026, 3, 30, 12, 38, tzinfo=UTC)
STAY = {"stay_id": "st-1", "facility": "kamppi-p1", "facility_name": "Kamppi P1", "license_plate": "ABC-123"}
SESSION = {
    "session_id": "se-1",
    "facility": "kamppi-p1",
    "facility_name": "Kamppi P1",
    "license_plate": "ABC-123",
    "status": "active",
    "starts_at": AT,
    "ends_at": LATER,
    "total_amount": 615,
    "currency": "EUR",
}
# One realistic payload per kind, validated by the contract's own models below.
DATA: dict[DriverEventKind, dict[str, Any]] = {
    DriverEventKind.entry_detected: {**STAY, "entered_at": AT, "free_until": LATER},
    DriverEventKind.free_period_ending: {**STAY, "free_until": LATER, "minutes_left": 5},
    DriverEventKind.exit_charged: {
        **STAY,
        "exited_at": LATER,
        "parking_amount": 600,
        "service_fee_amount": 15,
        "total_amount": 615,
        "currency": "EUR",
    },
    DriverEventKind.payment_failed: {
        "stay_id": "st-1",
        "amount": 615,
        "currency": "EUR",
        "reason": "The card was declined; use another payment method.",
    },
    DriverEventKind.stay_paid: {**STAY, "payment_id": "pa-1", "amount": 300, "currency": "EUR"},
    DriverEventKind.pass_purchased: {
        "pass_id": "pp-1",
        "facility": "kamppi-p1",
        "product": "monthly",
        "license_plate": "ABC-123",
        "valid_from": AT,
        "valid_until": LATER,
        "amount": 9900,
        "currency": "EUR",
    },
    DriverEventKind.receipt_sent: {
        "payment_id": "pa-1",
        "receipt_number": "PF-5F0C2A9E",
        "email": "aino@example.test",
    },
    DriverEventKind.session_started: SESSION,
    DriverEventKind.session_extended: SESSION,
    DriverEventKind.session_stopped: {
        **SESSION,
        "status": "stopped",
        "stopped_at": AT,
        "refunded_amount": 150,
    },
    DriverEventKind.expiring_soon: {**SESSION, "minutes_left": 10},
    DriverEventKind.session_expired: {**SESSION, "status": "expired"},
    DriverEventKind.ticket_reply: {
        "ticket_id": "ti-1",
        "number": 12,
        "operator": "Helsinki Parking Oy",
        "subject": "Charged twice",
        "status": "pending",
        "message": "We refunded the second charge.",
    },
    DriverEventKind.ticket_resolved: {
        "ticket_id": "ti-1",
        "number": 12,
        "operator": "Helsinki Parking Oy",
        "subject": "Charged twice",
        "status": "resolved",
        "message": "Refunded.",
        "outcome": "upheld",
    },
}
URGENT = {"free_period_ending", "payment_failed", "expiring_soon", "session_expired"}
PARKING_CHANGES = {
    "entry_detected",
    "exit_charged",
    "payment_failed",
    "stay_paid",
    "session_started",
    "session_extended",
    "session_stopped",
    "session_expired",
}


def event(kind: DriverEventKind | str, event_id: int | None = 1, **changes: Any) -> DriverEvent:
    """The event as it arrives on the wire: the payload model dumped to JSON types."""
    kind = DriverEventKind(kind)
    payload = PAYLOADS[kind].model_validate({**DATA[kind], **changes})
    return DriverEvent(event_id, kind.value, payload.model_dump(mode="json", exclude_none=True))


def test_every_kind_of_the_contract_has_a_payload_here() -> None:
    assert set(DATA) == set(DriverEventKind)


@pytest.mark.parametrize("kind", list(DriverEventKind))
def test_every_kind_reads_as_a_sentence_for_people(kind: DriverEventKind) -> None:
    notice = describe(event(kind, 7))

    assert (notice.id, notice.kind) == (7, kind.value)
    assert notice.title
    assert notice.title[0].isupper()
    assert "_" not in notice.title
    assert notice.body.strip(), f"{kind}: empty body"
    assert "None" not in notice.body
    assert "{" not in notice.body
    assert "_" not in notice.body
    assert notice.urgent == (kind.value in URGENT)


NAMES_PLATE = [
    k for k in DriverEventKind if "license_plate" in DATA[k] and k is not DriverEventKind.stay_paid
]


@pytest.mark.parametrize("kind", NAMES_PLATE)
def test_the_plate_is_named(kind: DriverEventKind) -> None:
    assert "ABC-123" in describe(event(kind)).body


@pytest.mark.parametrize(
    ("kind", "amount"),
    [
        (DriverEventKind.exit_charged, "6.15 EUR"),
        (DriverEventKind.stay_paid, "3.00 EUR"),
        (DriverEventKind.pass_purchased, "99.00 EUR"),
        (DriverEventKind.session_stopped, "1.50 EUR"),
    ],
)
def test_money_is_written_with_its_currency(kind: DriverEventKind, amount: str) -> None:
    assert amount in describe(event(kind)).body


def test_an_entry_says_where_since_when_and_free_until_when() -> None:
    body = describe(event(DriverEventKind.entry_detected)).body

    assert body.startswith("ABC-123 parked at Kamppi P1 since ")
    # Shown in a local time; the minutes are the same in every whole-hour zone.
    assert ":23, free until " in body
    assert body.endswith(":38.")


def test_an_entry_without_a_free_period_does_not_mention_one() -> None:
    body = describe(event(DriverEventKind.entry_detected, free_until=None)).body

    assert "free" not in body
    assert body.endswith(":23.")


def test_a_stop_without_refund_does_not_mention_a_refund() -> None:
    body = describe(event(DriverEventKind.session_stopped, refunded_amount=0)).body

    assert body == "ABC-123 at Kamppi P1."


def test_the_reminder_says_how_long_is_left_and_what_to_do() -> None:
    notice = describe(event(DriverEventKind.expiring_soon))

    assert notice.title == "Parking ends soon"
    assert "(10 min left)" in notice.body
    assert "Extend" in notice.body


def test_without_a_facility_name_the_slug_is_shown_rather_than_nothing() -> None:
    body = describe(event(DriverEventKind.session_started, facility_name=None)).body

    assert "kamppi-p1" in body


def test_an_unknown_kind_from_a_newer_backend_still_shows_a_title() -> None:
    notice = describe(DriverEvent(3, "parking_permit_granted", {"whatever": 1}))

    assert notice.title == "Parking permit granted"


def test_receiving_puts_the_newest_first_and_keeps_the_last_50() -> None:
    inbox = InboxState(FakeEventSource())

    for n in range(KEEP + 10):
        inbox.receive(event(DriverEventKind.session_extended, n))

    assert len(inbox.notices) == KEEP
    assert [n.id for n in inbox.notices[:3]] == [59, 58, 57]
    assert inbox.latest is not None
    assert inbox.latest.id == 59
    assert inbox.unread == KEEP + 10


def test_the_banner_can_be_dismissed_and_the_badge_cleared() -> None:
    inbox = InboxState(FakeEventSource())
    inbox.receive(event(DriverEventKind.session_started))

    inbox.dismiss()
    inbox.mark_read()

    assert inbox.latest is None
    assert inbox.unread == 0
    assert len(inbox.notices) == 1


async def test_listening_refreshes_parking_only_for_events_that_change_it() -> None:
    events = [event(kind, n) for n, kind in enumerate(DriverEventKind, start=1)]
    refreshed: list[str] = []
    inbox = InboxState(FakeEventSource(events))

    async def on_change() -> None:
        refreshed.append(inbox.notices[0].kind)

    inbox.on_change = on_change

    await inbox.listen()

    assert refreshed == [k.value for k in DriverEventKind if k.value in PARKING_CHANGES]
    assert [n.id for n in inbox.notices] == list(range(len(events), 0, -1))
    assert inbox.unread == len(events)


async def test_a_failing_refresh_does_not_end_the_stream() -> None:
    kinds = [
        DriverEventKind.session_started,
        DriverEventKind.session_extended,
        DriverEventKind.session_stopped,
    ]
    calls = 0

    async def on_change() -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("the parking list could not be read")

    inbox = InboxState(FakeEventSource([event(k, n) for n, k in enumerate(kinds)]), on_change=on_change)

    await inbox.listen()

    assert calls == 3
    assert [n.kind for n in inbox.notices] == [k.value for k in reversed(kinds)]


async def test_listening_without_a_refresh_callback_still_shows_notices() -> None:
    inbox = InboxState(FakeEventSource([event(DriverEventKind.session_expired)]))

    await inbox.listen()

    assert inbox.latest is not None
    assert inbox.latest.title == "Parking ended"


async def test_signing_out_cancels_the_listener() -> None:
    source = FakeEventSource([event(DriverEventKind.entry_detected)], keep_open=True)
    inbox = InboxState(source)
    task = asyncio.create_task(inbox.listen())
    for _ in range(5):
        await asyncio.sleep(0)

    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task

    assert task.cancelled()
    assert source.opened == 1
    assert inbox.unread == 1


def test_a_receipt_email_does_not_cover_the_charge_in_the_banner() -> None:
    inbox = InboxState(FakeEventSource())
    inbox.receive(event(DriverEventKind.exit_charged, 1))
    inbox.receive(event(DriverEventKind.receipt_sent, 2))

    assert inbox.latest is not None
    assert inbox.latest.kind == "exit_charged"
    assert [n.id for n in inbox.notices] == [2, 1]  # the receipt is still listed
