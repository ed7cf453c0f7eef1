"""`Idempotency-Key`: the same key and body answer the first result and do nothing twice, even when
twenty requests race; another body with the key is a 409."""

import asyncio
from datetime import datetime, timedelta

import pytest

from backend.models import ParkingSession, Payment, Quote, SandboxCharge
from tests.backend.sessions.support import extend, pay, payments_of, quote, row, start, stop

FACILITIES = {"native": "kamppi-p1", "provider": "forum-p2"}


async def test_the_same_key_answers_the_first_session(client, lot) -> None:
    offer = await quote(client, lot)
    first = await pay(client, lot, offer["id"], key="tap-1")
    again = await pay(client, lot, offer["id"], key="tap-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert await ParkingSession.all().count() == 1
    assert await Payment.all().count() == 1


async def test_the_same_key_with_another_body_is_a_conflict(client, lot) -> None:
    offer = await quote(client, lot)
    assert (await pay(client, lot, offer["id"], key="tap-1")).status_code == 201
    other = await pay(client, lot, offer["id"], lot.declined, key="tap-1")
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_conflict"
    assert "new key" in other.json()["detail"]


async def test_a_declined_start_answers_the_same_decline(client, lot) -> None:
    offer = await quote(client, lot)
    first = await pay(client, lot, offer["id"], lot.declined, key="tap-2")
    again = await pay(client, lot, offer["id"], lot.declined, key="tap-2")
    assert first.status_code == again.status_code == 402
    assert again.json() == first.json()
    assert await Payment.all().count() == 1


async def test_a_bad_key_is_refused(client, lot) -> None:
    offer = await quote(client, lot)
    response = await pay(client, lot, offer["id"], key="x" * 101)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


@pytest.mark.parametrize("where", list(FACILITIES))
async def test_twenty_concurrent_starts_with_one_key_make_one_session(client, lot, where: str) -> None:
    offer = await quote(client, lot, FACILITIES[where])
    responses = await asyncio.gather(*(pay(client, lot, offer["id"], key="race-1") for _ in range(20)))
    failed = [r.text for r in responses if r.status_code != 201]
    assert not failed, failed
    assert len({r.json()["id"] for r in responses}) == 1
    assert await ParkingSession.all().count() == 1
    [payment] = await Payment.all()
    assert payment.status == "captured"
    assert await SandboxCharge.all().count() == 1  # one authorization at the processor
    if where == "provider":
        assert (await lot.stats())["sessions_created"] == 1


async def test_an_extension_with_the_same_key_is_charged_once(client, lot) -> None:
    started = await start(client, lot, "forum-p2")
    ends_at = datetime.fromisoformat(started["ends_at"])
    responses = await asyncio.gather(
        *(extend(client, lot, started["id"], 30, key="ext-1") for _ in range(20))
    )
    failed = [r.text for r in responses if r.status_code != 200]
    assert not failed, failed
    assert {r.json()["ends_at"] for r in responses} == {responses[0].json()["ends_at"]}
    assert (await row(started["id"])).ends_at == ends_at + timedelta(minutes=30)
    assert [p.purpose for p in await payments_of(started["id"])] == ["session", "extension"]
    assert await Quote.filter(purpose="extension").count() == 1
    assert (await lot.stats())["extend"] == 1

    other = await extend(client, lot, started["id"], 45, key="ext-1")
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_conflict"

    # Without a key every request is a new extension.
    assert (await extend(client, lot, started["id"], 15)).status_code == 200
    assert (await row(started["id"])).ends_at == ends_at + timedelta(minutes=45)


async def test_concurrent_stops_refund_once(client, lot) -> None:
    started = await start(client, lot, "forum-p2")
    responses = await asyncio.gather(*(stop(client, lot, started["id"]) for _ in range(10)))
    assert [r.status_code for r in responses] == [200] * 10
    assert {r.json()["refunded_amount"] for r in responses} == {231}
    [payment] = await payments_of(started["id"])
    assert (payment.refunded_amount, payment.status) == (231, "refunded")
    assert (await lot.stats())["stop"] == 1
