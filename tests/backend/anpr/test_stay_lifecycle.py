"""Entry to exit: pricing, charging the driver's card in the background, and the unpaid paths."""

from datetime import UTC, datetime

import pytest

from backend.models import Driver, DriverEvent, Job, Payment, SandboxCharge, Stay, StayEvent
from backend.payments.gateways import PaymentGatewayUnavailableError
from backend.stays.settle import charge_stay_exit
from shared.pricing import quote
from shared.schemas.tariff import Tariff
from tests.backend.anpr.world import (
    ENTRY_IMAGE,
    EXIT_IMAGE,
    TARIFF,
    accepted,
    at,
    driver_with_plate,
    run_jobs,
    send,
)
from tests.backend.helpers import app_of

ENTRY_AT = "2026-03-30T10:00:00Z"
EXIT_AT = "2026-03-30T11:05:00Z"  # 65 minutes: 15 free, then 4 started increments of 0.75
PARKING, FEE = 300, 8  # 2.5 % of 3.00 is 0.075, rounded half-up


async def _stay(body: dict) -> Stay:
    return await Stay.get(id=body["session_id"])


async def test_exit_charges_the_drivers_card_and_queues_a_receipt(client, operator) -> None:
    await driver_with_plate(client)
    driver = await Driver.get(email="aino@example.test")
    entry = await accepted(await send(client, operator, "entry", ENTRY_AT, image_url=ENTRY_IMAGE))
    assert entry["status"] == "open"
    leaving = await accepted(await send(client, operator, "exit", EXIT_AT, image_url=EXIT_IMAGE))
    assert leaving == {"session_id": entry["session_id"], "status": "payment_pending"}

    await run_jobs(app_of(client))
    stay = await _stay(entry)
    assert stay.status == "paid"
    assert stay.driver_id == driver.id
    assert (stay.parking_amount, stay.service_fee_amount, stay.total_amount) == (PARKING, FEE, PARKING + FEE)
    assert stay.paid_amount == PARKING + FEE
    assert (stay.entry_image_url, stay.exit_image_url) == (ENTRY_IMAGE, EXIT_IMAGE)
    assert stay.free_until == at("2026-03-30T10:15:00Z")
    payment = await Payment.get(stay_id=stay.id)
    assert payment.status == "captured"
    assert (payment.amount, payment.parking_amount, payment.service_fee_amount) == (308, 300, 8)
    assert payment.idempotency_key == f"stay-exit:{stay.id}"
    assert (await SandboxCharge.get()).captured_amount == 308
    assert await Job.filter(kind="send_receipt", dedupe_key=f"receipt:{payment.id}").exists()
    kinds = await DriverEvent.filter(driver_id=driver.id).order_by("id").values_list("kind", flat=True)
    assert "entry_detected" in kinds
    assert "exit_charged" in kinds
    charged = await DriverEvent.get(driver_id=driver.id, kind="exit_charged")
    assert charged.payload["stay_id"] == str(stay.id)
    assert (charged.payload["total_amount"], charged.payload["currency"]) == (308, "EUR")
    timeline = (
        await StayEvent.filter(stay_id=stay.id).order_by("occurred_at").values_list("event", "image_url")
    )
    assert timeline == [("entry", ENTRY_IMAGE), ("exit", EXIT_IMAGE)]


async def test_the_amount_is_the_tariff_quote_plus_the_fee(client, operator) -> None:
    entry = await accepted(await send(client, operator, "entry", ENTRY_AT))
    await accepted(await send(client, operator, "exit", "2026-03-30T13:47:12Z"))
    stay = await _stay(entry)
    expected = quote(Tariff.model_validate(TARIFF), stay.entered_at, stay.exited_at, "Europe/Helsinki")
    assert stay.parking_amount == expected.parking_amount == 15 * 75  # 16 started, the first free
    assert stay.service_fee_amount == 28
    assert stay.total_amount == 1153


async def test_leaving_in_the_free_period_is_paid_with_nothing_charged(client, operator) -> None:
    await driver_with_plate(client)
    entry = await accepted(await send(client, operator, "entry", ENTRY_AT))
    leaving = await accepted(await send(client, operator, "exit", "2026-03-30T10:14:59Z"))
    assert leaving["status"] == "paid"
    stay = await _stay(entry)
    assert (stay.total_amount, stay.paid_amount, stay.failure_reason) == (0, 0, None)
    assert not await Payment.exists()
    assert not await Job.filter(kind="charge_stay_exit").exists()


async def test_a_plate_without_a_driver_is_left_unpaid(client, operator) -> None:
    entry = await accepted(await send(client, operator, "entry", ENTRY_AT))
    leaving = await accepted(await send(client, operator, "exit", EXIT_AT))
    assert leaving["status"] == "unpaid"
    stay = await _stay(entry)
    assert stay.failure_reason == "No driver account for this plate"
    assert (stay.total_amount, stay.paid_amount) == (308, 0)
    assert not await Job.filter(kind="charge_stay_exit").exists()


async def test_auto_pay_off_leaves_it_unpaid_and_tells_the_driver(client, operator) -> None:
    await driver_with_plate(client)
    await Driver.filter(email="aino@example.test").update(auto_pay=False)
    await send(client, operator, "entry", ENTRY_AT)
    leaving = await accepted(await send(client, operator, "exit", EXIT_AT))
    assert leaving["status"] == "unpaid"
    stay = await _stay(leaving)
    assert stay.failure_reason == "Auto-pay is off"
    driver = await Driver.get(email="aino@example.test")
    failed = await DriverEvent.get(driver_id=driver.id, kind="payment_failed")
    assert failed.payload["amount"] == 308
    assert not await Payment.exists()


async def test_a_driver_without_a_card_is_left_unpaid(client, operator) -> None:
    await driver_with_plate(client, card=None)
    await send(client, operator, "entry", ENTRY_AT)
    stay = await _stay(await accepted(await send(client, operator, "exit", EXIT_AT)))
    assert (stay.status, stay.failure_reason) == ("unpaid", "No payment method")


@pytest.mark.parametrize("card", ["tok_chargeDeclined", "tok_insufficientFunds"])
async def test_a_declined_card_leaves_the_stay_unpaid_with_the_reason(client, operator, card) -> None:
    await driver_with_plate(client, card=card)
    await send(client, operator, "entry", ENTRY_AT)
    leaving = await accepted(await send(client, operator, "exit", EXIT_AT))
    assert leaving["status"] == "payment_pending"
    await run_jobs(app_of(client))
    stay = await _stay(leaving)
    assert stay.status == "unpaid"
    assert stay.failure_reason.startswith("Card declined: ")
    assert "declined" in stay.failure_reason.removeprefix("Card declined: ")
    assert (stay.total_amount, stay.paid_amount) == (308, 0)  # still owed, never lost
    payment = await Payment.get(stay_id=stay.id)
    assert payment.status == "failed"
    assert payment.failure_code in ("payment_declined", "insufficient_funds")
    assert not await SandboxCharge.exists()
    assert not await Job.filter(kind="send_receipt").exists()
    driver = await Driver.get(email="aino@example.test")
    failed = await DriverEvent.get(driver_id=driver.id, kind="payment_failed")
    assert failed.payload["reason"] == stay.failure_reason


class FlakyGateway:
    """The sandbox, but the processor times out on the first `failures` authorizations."""

    def __init__(self, inner, failures: int = 1) -> None:
        self.inner = inner
        self.name = inner.name
        self.failures = failures
        self.authorize_calls = 0

    async def authorize(self, *args, **kwargs):
        self.authorize_calls += 1
        if self.failures > 0:
            self.failures -= 1
            raise PaymentGatewayUnavailableError("The payment processor did not answer in time.")
        return await self.inner.authorize(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.inner, name)


@pytest.fixture
def flaky_gateway(client):
    registry = app_of(client).state.services.extras["gateways"]
    original = registry.get("sandbox")
    flaky = FlakyGateway(original)
    registry.register(flaky)
    yield flaky
    registry.register(original)


async def test_a_processor_outage_is_retried_without_charging_twice(client, operator, flaky_gateway) -> None:
    await driver_with_plate(client)
    await send(client, operator, "entry", ENTRY_AT)
    leaving = await accepted(await send(client, operator, "exit", EXIT_AT))
    app = app_of(client)
    await run_jobs(app)
    job = await Job.get(kind="charge_stay_exit")
    assert (job.status, job.attempts) == ("pending", 1)
    assert "did not answer" in job.last_error
    stay = await _stay(leaving)
    assert stay.status == "payment_pending"
    assert (await Payment.get(stay_id=stay.id)).status == "pending"

    await Job.filter(id=job.id).update(run_at=datetime.now(UTC))  # the backoff has passed
    await run_jobs(app)
    stay = await _stay(leaving)
    assert (stay.status, stay.paid_amount) == ("paid", 308)
    assert flaky_gateway.authorize_calls == 2
    # The job running once more (a runner died after charging) changes nothing.
    await charge_stay_exit(app.state.services, {"stay_id": str(stay.id)})
    assert await Payment.filter(stay_id=stay.id).count() == 1
    assert await SandboxCharge.all().count() == 1
    assert (await SandboxCharge.get()).captured_amount == 308
    assert (await _stay(leaving)).paid_amount == 308


async def test_a_charge_job_for_a_settled_stay_does_nothing(client, operator) -> None:
    await driver_with_plate(client)
    await send(client, operator, "entry", ENTRY_AT)
    leaving = await accepted(await send(client, operator, "exit", EXIT_AT))
    await run_jobs(app_of(client))
    for _ in range(2):
        await charge_stay_exit(app_of(client).state.services, {"stay_id": leaving["session_id"]})
    assert await Payment.all().count() == 1
    assert (await _stay(leaving)).paid_amount == 308


async def test_daily_cap_is_counted_in_the_facilitys_local_days(client, operator) -> None:
    """Helsinki moved its clocks forward on 2026-03-29: the first local day of a stay entering at noon
    on the 28th lasted 23 hours. 23.5 hours of parking is two started local days (capped 24.00, then
    1.50), where 24-hour UTC days would make it one capped day."""
    entry = await accepted(await send(client, operator, "entry", "2026-03-28T12:00:00+02:00"))
    await accepted(await send(client, operator, "exit", "2026-03-29T12:30:00+03:00"))
    stay = await _stay(entry)
    assert stay.parking_amount == 2400 + 150
    assert stay.service_fee_amount == 64
    utc_days = quote(Tariff.model_validate(TARIFF), stay.entered_at, stay.exited_at, "UTC")
    assert utc_days.parking_amount == 2400


async def test_a_plate_shared_by_two_drivers_is_charged_to_the_one_who_can_pay(client, operator) -> None:
    await driver_with_plate(client, email="first@example.test", card=None)
    await driver_with_plate(client, email="second@example.test")
    await driver_with_plate(client, email="third@example.test")
    await send(client, operator, "entry", ENTRY_AT)
    stay = await _stay(await accepted(await send(client, operator, "exit", EXIT_AT)))
    assert stay.driver_id == (await Driver.get(email="second@example.test")).id
    await run_jobs(app_of(client))
    assert (await _stay({"session_id": str(stay.id)})).status == "paid"


async def test_a_charge_that_never_gets_through_leaves_the_stay_unpaid(client, operator) -> None:
    """After the last retry the stay is invoiced (unpaid with the reason), never stuck pending."""
    from backend.stays.settle import CHARGE_STAY_EXIT

    await driver_with_plate(client)
    await accepted(await send(client, operator, "entry", ENTRY_AT))
    leaving = await accepted(await send(client, operator, "exit", EXIT_AT))
    runner = app_of(client).state.services.jobs
    registered = runner._handlers[CHARGE_STAY_EXIT]

    async def processor_down(payload: dict) -> None:
        raise PaymentGatewayUnavailableError("The processor timed out.")

    runner._handlers[CHARGE_STAY_EXIT] = processor_down
    try:
        await Job.filter(kind=CHARGE_STAY_EXIT).update(max_attempts=1)
        await runner.drain()
    finally:
        runner._handlers[CHARGE_STAY_EXIT] = registered
    stay = await Stay.get(id=leaving["session_id"])
    assert stay.status == "unpaid"
    assert "unavailable" in stay.failure_reason
    assert not await Payment.filter(stay_id=stay.id, status="captured").exists()
