"""`POST /api/v1/sessions/{id}/pay`: paying a stay in the app, ahead or after a failed exit charge."""

import asyncio
from datetime import timedelta

from backend.models import Driver, DriverEvent, Job, ParkingSession, Payment, SandboxCharge, Stay
from tests.backend.anpr.world import accepted, ago, driver_with_plate, iso, run_jobs, send
from tests.backend.helpers import app_of

SESSIONS = "/api/v1/sessions"


async def _pay(client, headers, stay_id: str, body: dict | None = None, key: str | None = None):
    extra = {"Idempotency-Key": key} if key else {}
    return await client.post(f"{SESSIONS}/{stay_id}/pay", json=body, headers={**headers, **extra})


async def test_paying_an_open_stay_covers_the_started_increments(client, operator) -> None:
    headers = await driver_with_plate(client)
    entered = ago(40)
    entry = await accepted(await send(client, operator, "entry", entered))
    response = await _pay(client, headers, entry["session_id"])
    assert response.status_code == 200, response.text
    item = response.json()
    assert item["status"] == "open"
    assert item["paid_amount"] == 154
    assert item["paid_until"] == iso(entered + timedelta(minutes=45))
    assert item["amount_due"] == 0
    payment = await Payment.get(stay_id=entry["session_id"])
    assert (payment.purpose, payment.status, payment.amount) == ("stay_prepay", "captured", 154)
    assert (payment.parking_amount, payment.service_fee_amount) == (150, 4)
    assert await Job.filter(kind="send_receipt", dedupe_key=f"receipt:{payment.id}").exists()
    driver = await Driver.get(email="aino@example.test")
    paid = await DriverEvent.get(driver_id=driver.id, kind="stay_paid")
    assert paid.payload["amount"] == 154


async def test_leaving_before_paid_until_charges_nothing_more(client, operator) -> None:
    headers = await driver_with_plate(client)
    entered = ago(40)
    entry = await accepted(await send(client, operator, "entry", entered))
    assert (await _pay(client, headers, entry["session_id"])).status_code == 200
    leaving = await accepted(await send(client, operator, "exit", entered + timedelta(minutes=44)))
    assert leaving == {"session_id": entry["session_id"], "status": "paid"}
    stay = await Stay.get(id=entry["session_id"])
    assert (stay.total_amount, stay.paid_amount) == (154, 154)
    assert await Payment.all().count() == 1
    assert not await Job.filter(kind="charge_stay_exit").exists()


async def test_leaving_after_paid_until_charges_only_the_difference(client, operator) -> None:
    headers = await driver_with_plate(client)
    entered = ago(40)
    entry = await accepted(await send(client, operator, "entry", entered))
    assert (await _pay(client, headers, entry["session_id"])).status_code == 200
    leaving = await accepted(await send(client, operator, "exit", entered + timedelta(minutes=65)))
    assert leaving["status"] == "payment_pending"
    await run_jobs(app_of(client))
    stay = await Stay.get(id=entry["session_id"])
    assert (stay.status, stay.total_amount, stay.paid_amount) == ("paid", 308, 308)
    exit_payment = await Payment.get(stay_id=stay.id, purpose="stay")
    assert (exit_payment.amount, exit_payment.parking_amount, exit_payment.service_fee_amount) == (
        154,
        150,
        4,
    )
    assert exit_payment.covers_from == entered + timedelta(minutes=45)
    assert sum(c.captured_amount for c in await SandboxCharge.all()) == 308


async def test_inside_the_free_period_nothing_is_due(client, operator) -> None:
    headers = await driver_with_plate(client)
    entry = await accepted(await send(client, operator, "entry", ago(5)))
    response = await _pay(client, headers, entry["session_id"])
    assert response.status_code == 200
    assert (response.json()["paid_amount"], response.json()["paid_until"]) == (0, None)
    assert not await Payment.exists()


async def test_a_declined_card_is_402_and_changes_nothing(client, operator) -> None:
    for card, code in [
        ("tok_chargeDeclined", "payment_declined"),
        ("tok_insufficientFunds", "insufficient_funds"),
    ]:
        email = f"{code}@example.test"
        headers = await driver_with_plate(client, email=email, plate=f"DEC-{len(code)}", card=card)
        entry = await accepted(await send(client, operator, "entry", ago(40), plate=f"DEC-{len(code)}"))
        response = await _pay(client, headers, entry["session_id"])
        assert response.status_code == 402, response.text
        assert response.json()["code"] == code
        stay = await Stay.get(id=entry["session_id"])
        assert (stay.status, stay.paid_amount, stay.paid_until) == ("open", 0, None)
        assert (await Payment.get(stay_id=stay.id)).status == "failed"
    assert not await SandboxCharge.exists()


async def test_paying_with_another_card_after_a_decline(client, operator) -> None:
    headers = await driver_with_plate(client, card="tok_chargeDeclined")
    entry = await accepted(await send(client, operator, "entry", ago(40)))
    assert (await _pay(client, headers, entry["session_id"])).status_code == 402
    added = await client.post("/api/v1/me/payment-methods", json={"token": "tok_mastercard"}, headers=headers)
    response = await _pay(client, headers, entry["session_id"], {"payment_method_id": added.json()["id"]})
    assert response.status_code == 200, response.text
    assert response.json()["paid_amount"] == 154


async def test_an_unpaid_stay_can_be_settled_in_the_app(client, operator) -> None:
    headers = await driver_with_plate(client, card="tok_chargeDeclined")
    entered = ago(70)
    await send(client, operator, "entry", entered)
    leaving = await accepted(await send(client, operator, "exit", entered + timedelta(minutes=65)))
    await run_jobs(app_of(client))
    assert (await Stay.get(id=leaving["session_id"])).status == "unpaid"
    added = await client.post("/api/v1/me/payment-methods", json={"token": "tok_visa"}, headers=headers)
    response = await _pay(client, headers, leaving["session_id"], {"payment_method_id": added.json()["id"]})
    assert response.status_code == 200, response.text
    item = response.json()
    assert (item["status"], item["paid_amount"], item["amount_due"], item["failure_reason"]) == (
        "paid",
        308,
        0,
        None,
    )
    payment = await Payment.get(stay_id=leaving["session_id"], status="captured")
    assert (payment.purpose, payment.amount) == ("stay", 308)
    again = await _pay(client, headers, leaving["session_id"])
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"


async def test_only_open_or_unpaid_stays_can_be_paid(client, operator) -> None:
    headers = await driver_with_plate(client)
    review = await accepted(await send(client, operator, "exit", ago(1)))
    response = await _pay(client, headers, review["session_id"])
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


async def test_the_same_idempotency_key_pays_once(client, operator) -> None:
    headers = await driver_with_plate(client)
    entry = await accepted(await send(client, operator, "entry", ago(40)))
    first = await _pay(client, headers, entry["session_id"], key="pay-1")
    second = await _pay(client, headers, entry["session_id"], key="pay-1")
    assert first.status_code == second.status_code == 200
    assert second.json()["paid_amount"] == first.json()["paid_amount"] == 154
    assert await Payment.all().count() == 1
    await client.post("/api/v1/me/vehicles", json={"license_plate": "OTHER-1"}, headers=headers)
    other = await accepted(await send(client, operator, "entry", ago(30), plate="OTHER-1"))
    reused = await _pay(client, headers, other["session_id"], key="pay-1")
    assert reused.status_code == 409
    assert reused.json()["code"] == "conflict"


async def test_a_double_tap_without_a_key_charges_once(client, operator) -> None:
    headers = await driver_with_plate(client)
    entry = await accepted(await send(client, operator, "entry", ago(40)))
    responses = await asyncio.gather(*(_pay(client, headers, entry["session_id"]) for _ in range(3)))
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert (await Stay.get(id=entry["session_id"])).paid_amount == 154
    assert sum(c.captured_amount - c.refunded_amount for c in await SandboxCharge.all()) == 154


async def test_someone_elses_stay_or_card_is_404(client, operator) -> None:
    owner = await driver_with_plate(client)
    other = await driver_with_plate(client, email="other@example.test", plate="XYZ-999")
    entry = await accepted(await send(client, operator, "entry", ago(40)))
    response = await _pay(client, other, entry["session_id"])
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    mine = await accepted(await send(client, operator, "entry", ago(40), plate="XYZ-999"))
    owner_cards = await client.get("/api/v1/me/payment-methods", headers=owner)
    card_id = owner_cards.json()["items"][0]["id"]
    response = await _pay(client, other, mine["session_id"], {"payment_method_id": card_id})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not await Payment.exists()


async def test_without_a_card_paying_is_422(client, operator) -> None:
    headers = await driver_with_plate(client, card=None)
    entry = await accepted(await send(client, operator, "entry", ago(40)))
    response = await _pay(client, headers, entry["session_id"])
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


async def test_a_prepaid_session_cannot_be_paid_again(client, operator) -> None:
    headers = await driver_with_plate(client)
    driver = await Driver.get(email="aino@example.test")
    session = await ParkingSession.create(
        tenant=operator.tenant,
        facility=operator.facility,
        driver=driver,
        plate="ABC-123",
        plate_normalized="ABC123",
        status="active",
        starts_at=ago(10),
        ends_at=ago(-50),
        currency="EUR",
        total_amount=308,
    )
    response = await _pay(client, headers, str(session.id))
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


class ExitDuringCapture:
    """The sandbox, but the car leaves (the exit webhook is processed) while the card is captured."""

    def __init__(self, inner, leave) -> None:
        self.inner = inner
        self.name = inner.name
        self.leave = leave

    async def capture(self, *args, **kwargs):
        await self.leave()
        return await self.inner.capture(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.inner, name)


async def test_paying_while_the_car_leaves_is_refunded_and_charged_once_at_the_exit(client, operator) -> None:
    headers = await driver_with_plate(client)
    entered = ago(40)
    entry = await accepted(await send(client, operator, "entry", entered))
    registry = app_of(client).state.services.extras["gateways"]
    sandbox = registry.get("sandbox")

    async def leave() -> None:
        await accepted(await send(client, operator, "exit", entered + timedelta(minutes=41)))

    registry.register(ExitDuringCapture(sandbox, leave))
    try:
        response = await _pay(client, headers, entry["session_id"])
    finally:
        registry.register(sandbox)
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "conflict"
    assert "refunded" in response.json()["detail"]
    prepay = await Payment.get(stay_id=entry["session_id"], purpose="stay_prepay")
    assert (prepay.status, prepay.refunded_amount) == ("refunded", 154)
    await run_jobs(app_of(client))
    stay = await Stay.get(id=entry["session_id"])
    assert (stay.status, stay.total_amount, stay.paid_amount) == ("paid", 154, 154)
    charges = await SandboxCharge.all()
    assert sum(c.captured_amount - c.refunded_amount for c in charges) == 154
