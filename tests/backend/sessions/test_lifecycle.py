"""A prepaid session's whole life, at a native facility and at one run by a provider (the sandbox,
over real HTTP): start, extend, stop with `refund_unused` and with `no_refund`, receipts, events."""

from datetime import UTC, datetime, timedelta

import pytest

from backend.models import Facility, OutboundEmail, ParkingSession, Quote
from tests.backend.sessions.support import (
    PRICE_60,
    events,
    extend,
    payments_of,
    row,
    run_jobs,
    start,
    stop,
)

FACILITIES = {"native": "kamppi-p1", "provider": "forum-p2"}


async def _age(session_id: str, minutes: int) -> None:
    """As if the session had started `minutes` ago (what it costs so far depends on it)."""
    shift = timedelta(minutes=minutes)
    session = await ParkingSession.get(id=session_id)
    await ParkingSession.filter(id=session_id).update(
        starts_at=session.starts_at - shift, ends_at=session.ends_at - shift
    )


@pytest.mark.parametrize("where", list(FACILITIES))
async def test_start_extend_stop_refunds_the_unused_increments(client, lot, where: str) -> None:
    facility = FACILITIES[where]
    started = await start(client, lot, facility, "abc-123", 60)
    assert started["status"] == "active"
    assert started["facility"] == facility
    assert started["license_plate"] == "abc-123"
    assert (started["parking_amount"], started["service_fee_amount"], started["total_amount"]) == PRICE_60
    assert started["refunded_amount"] == 0
    starts_at = datetime.fromisoformat(started["starts_at"])
    ends_at = datetime.fromisoformat(started["ends_at"])
    assert ends_at - starts_at == timedelta(minutes=60)
    assert abs(starts_at - datetime.now(UTC)) < timedelta(seconds=5)
    if where == "native":
        assert started["provider"] == "native"
        assert started["provider_session_id"].startswith("native_")
    else:
        assert started["provider"] == "passport"
        assert started["provider_session_id"].startswith("pp_")
        [remote] = await lot.remote_sessions("ABC123")
        assert remote["session_id"] == started["provider_session_id"]
        assert remote["zone_number"] == "4102"  # the facility's provider zone id
        assert remote["receipt_email"] == "aino@example.test"
    [payment] = await payments_of(started["id"])
    assert (payment.status, payment.amount, payment.purpose) == ("captured", 231, "session")
    assert (payment.parking_amount, payment.service_fee_amount) == (225, 6)

    # 90 min: 6 increments, 5 paid = 375 (+150); fee 9.375 -> 9 (+3).
    extended = await extend(client, lot, started["id"], 30)
    assert extended.status_code == 200, extended.text
    body = extended.json()
    extended_end = body["ends_at"]
    assert datetime.fromisoformat(extended_end) == ends_at + timedelta(minutes=30)
    assert (body["parking_amount"], body["service_fee_amount"], body["total_amount"]) == (375, 9, 384)
    first, extra = await payments_of(started["id"])
    assert (extra.status, extra.amount, extra.purpose) == ("captured", 153, "extension")
    if where == "provider":
        [remote] = await lot.remote_sessions("ABC123")
        assert datetime.fromisoformat(remote["end_time"]) == ends_at + timedelta(minutes=30)

    # Stopped after 40 min: 3 increments started, 2 paid = 150, fee 3.75 -> 4 kept; 225 + 5 back.
    await _age(started["id"], 40)
    stopped = await stop(client, lot, started["id"])
    assert stopped.status_code == 200, stopped.text
    body = stopped.json()
    assert body["status"] == "stopped"
    assert body["refunded_amount"] == 230
    assert abs(datetime.fromisoformat(body["stopped_at"]) - datetime.now(UTC)) < timedelta(seconds=5)
    first, extra = await payments_of(started["id"])
    assert (extra.refunded_amount, extra.status) == (153, "refunded")  # newest payment first
    assert (first.refunded_amount, first.status) == (77, "partially_refunded")
    assert (await row(started["id"])).live_slot is None
    if where == "provider":
        [remote] = await lot.remote_sessions("ABC123")
        assert remote["status"] == "stopped"

    again = await stop(client, lot, started["id"])
    assert again.status_code == 200
    assert again.json() == body
    assert sum(p.refunded_amount for p in await payments_of(started["id"])) == 230  # nothing twice

    late = await extend(client, lot, started["id"], 30)
    assert late.status_code == 409
    assert late.json()["code"] == "session_not_active"

    await run_jobs(client, "session_refund", "session_stop_receipt")
    assert sum(p.refunded_amount for p in await payments_of(started["id"])) == 230
    receipts = await OutboundEmail.filter(kind="receipt").order_by("created_at")
    assert len(receipts) == 3  # start, extension, stop
    closing = next(r for r in receipts if "-END" in r.subject)
    assert "Refunded" in closing.body_text
    assert "-2.30" in closing.body_text
    assert [e["session_id"] for e in await events("session_started")] == [started["id"]]
    assert [e["ends_at"] for e in await events("session_extended")] == [extended_end]
    [stopped_event] = await events("session_stopped")
    assert stopped_event["refunded_amount"] == 230


@pytest.mark.parametrize("where", list(FACILITIES))
async def test_no_refund_facility_keeps_the_money(client, lot, where: str) -> None:
    await Facility.filter(slug=FACILITIES[where]).update(early_stop="no_refund")
    started = await start(client, lot, FACILITIES[where], "ABC-123", 60)
    stopped = await stop(client, lot, started["id"])
    assert stopped.status_code == 200
    assert stopped.json()["status"] == "stopped"
    assert stopped.json()["refunded_amount"] == 0
    [payment] = await payments_of(started["id"])
    assert (payment.status, payment.refunded_amount) == ("captured", 0)


async def test_a_free_session_needs_no_payment(client, lot) -> None:
    started = await start(client, lot, "kamppi-p1", "ABC-123", 15)
    assert started["status"] == "active"
    assert started["total_amount"] == 0
    assert await payments_of(started["id"]) == []
    extended = await extend(client, lot, started["id"], 15)  # now one paid increment: 75 + 2
    assert extended.status_code == 200, extended.text
    assert extended.json()["total_amount"] == 77
    [payment] = await payments_of(started["id"])
    assert (payment.purpose, payment.amount, payment.status) == ("extension", 77, "captured")


async def test_extension_respects_the_maximum_stay_and_changes_nothing(client, lot) -> None:
    started = await start(client, lot, "kamppi-p1", "ABC-123", 23 * 60)
    response = await extend(client, lot, started["id"], 61)
    assert response.status_code == 422
    assert response.json()["code"] == "max_stay_exceeded"
    assert (await row(started["id"])).ends_at == datetime.fromisoformat(started["ends_at"])
    assert len(await payments_of(started["id"])) == 1
    assert not await Quote.exists(purpose="extension")


async def test_extension_under_the_daily_cap_costs_nothing_more(client, lot) -> None:
    started = await start(client, lot, "kamppi-p1", "ABC-123", 20 * 60)  # 79 paid increments: capped
    assert started["parking_amount"] == 2400
    response = await extend(client, lot, started["id"], 60)
    assert response.status_code == 200
    assert response.json()["total_amount"] == started["total_amount"]
    assert len(await payments_of(started["id"])) == 1


async def test_someone_elses_session_is_unknown(client, lot) -> None:
    from tests.backend.helpers import bearer, driver_token

    started = await start(client, lot)
    other = bearer(await driver_token(client, "other@example.test"))
    for path in ("stop", "extend"):
        response = await client.post(
            f"/api/v1/sessions/{started['id']}/{path}", json={"duration_minutes": 10}, headers=other
        )
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert (await client.post("/api/v1/sessions/not-a-uuid/stop", headers=lot.auth)).status_code == 404


async def test_the_session_appears_in_the_drivers_list(client, lot) -> None:
    started = await start(client, lot, "forum-p2")
    listed = (await client.get("/api/v1/sessions?status=active", headers=lot.auth)).json()
    assert [item["id"] for item in listed["items"]] == [started["id"]]
    one = (await client.get(f"/api/v1/sessions/{started['id']}", headers=lot.auth)).json()
    assert one["kind"] == "session"
    assert one["status"] == "active"
    assert one["paid_amount"] == 231
