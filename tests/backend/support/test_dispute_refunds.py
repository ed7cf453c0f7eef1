"""An upheld dispute refunded on the operator's word: the money goes back to the card through the
payment gateway (the sandbox, over its real charge rows), once, even when the job runs again or a
crash left the gateway ahead of our rows; the ticket and the driver are told."""

from backend.models import ParkingSession, SandboxCharge, TicketMessage
from backend.payments.gateways.registry import EXTRAS_KEY
from backend.support.refunds import DISPUTE_REFUND, dispute_refund_job, gave_up
from tests.backend.anpr.world import run_jobs
from tests.backend.helpers import app_of
from tests.backend.support.conftest import (
    TICKETS,
    add_session,
    add_stay,
    ago,
    charged_payment,
    open_ticket,
)


async def _resolve(client, operator, number: int, **body):
    body = {"resolution": "The barrier was broken; sorry.", "outcome": "upheld", **body}
    return await client.post(f"{TICKETS}/{number}/resolve", json=body, headers=operator.operator)


async def _disputed_stay(client, alpha, aino, amount: int, key: str, **ticket):
    """A stay the driver paid `amount` for on their card, and their dispute of it: (payment, ticket)."""
    stay = await add_stay(
        alpha, "ABC-123", ago(hours=5), driver=aino.driver, exited_at=ago(hours=3), total=amount, paid=amount
    )
    payment = await charged_payment(client, alpha, aino, amount, key, stay=stay)
    return payment, await open_ticket(client, aino, kind="dispute", stay_id=str(stay.id), **ticket)


async def test_an_upheld_dispute_is_refunded_to_the_card_once(client, alpha, aino) -> None:
    payment, opened = await _disputed_stay(client, alpha, aino, 615, "stay-exit-1", body="The gate was open")

    response = await _resolve(client, alpha, opened["number"], refund=True)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["refund_started"] is True
    assert body["refund_due"] == {"payment_ids": [str(payment.id)], "amount": 615, "currency": "EUR"}
    assert body["next_step"].startswith("Refunding 6.15 EUR to the driver's card")

    await run_jobs(app_of(client), (DISPUTE_REFUND,))
    await payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("refunded", 615)
    charge = await SandboxCharge.get(id=payment.charge_id)
    assert (charge.status, charge.refunded_amount) == ("refunded", 615)
    said = await TicketMessage.filter(ticket__number=opened["number"], author_kind="system").order_by("id")
    assert (
        said[-1].body
        == "Refunded 6.15 EUR to Visa •••• 4242. It shows on the card statement within a few days."
    )
    driver_view = (await client.get(f"/api/v1/me/tickets/{opened['id']}", headers=aino.headers)).json()
    assert driver_view["messages"][-1]["body"].startswith("Refunded 6.15 EUR to Visa")

    # The job again (a retry after a lost acknowledgement): nothing more leaves, nothing more is said.
    payload = {"ticket_id": opened["id"], "due": {str(payment.id): 615}}
    await dispute_refund_job(app_of(client).state.services, payload)
    assert (await SandboxCharge.get(id=payment.charge_id)).refunded_amount == 615
    assert await TicketMessage.filter(ticket__number=opened["number"]).count() == len(driver_view["messages"])


async def test_a_crash_after_the_gateway_refunded_is_not_refunded_twice(client, alpha, aino) -> None:
    payment, opened = await _disputed_stay(client, alpha, aino, 400, "stay-exit-2")
    gateway = app_of(client).state.services.extras[EXTRAS_KEY].get("sandbox")
    await gateway.refund(payment.charge_id, 400)  # the gateway did it; our row never heard

    assert (await _resolve(client, alpha, opened["number"], refund=True)).status_code == 200
    await run_jobs(app_of(client), (DISPUTE_REFUND,))

    await payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("refunded", 400)
    assert (await SandboxCharge.get(id=payment.charge_id)).refunded_amount == 400


async def test_a_refunded_session_shows_what_went_back(client, alpha, aino) -> None:
    session = await add_session(alpha, "ABC-123", ago(hours=2), 60, driver=aino.driver, total=300)
    first = await charged_payment(client, alpha, aino, 200, "session-1", session=session)
    extension = await charged_payment(client, alpha, aino, 100, "extension-1", session=session)
    opened = await open_ticket(client, aino, kind="dispute", session_id=str(session.id))

    body = (await _resolve(client, alpha, opened["number"], refund=True)).json()
    assert body["refund_due"]["amount"] == 300
    await run_jobs(app_of(client), (DISPUTE_REFUND,))

    for payment in (first, extension):
        await payment.refresh_from_db()
        assert payment.status == "refunded"
    assert (await ParkingSession.get(id=session.id)).refunded_amount == 300


async def test_without_asking_nothing_moves_and_a_refund_needs_an_upheld_dispute(client, alpha, aino) -> None:
    payment, opened = await _disputed_stay(client, alpha, aino, 615, "stay-exit-3")
    question = await open_ticket(client, aino, facility=alpha.facility, subject="Opening hours?")

    rejected = await _resolve(client, alpha, opened["number"], outcome="rejected", refund=True)
    assert (rejected.status_code, rejected.json()["code"]) == (422, "validation_error")
    assert "upheld disputes only" in rejected.json()["detail"]
    asked = await _resolve(client, alpha, question["number"], outcome=None, refund=True)
    assert asked.status_code == 422

    body = (await _resolve(client, alpha, opened["number"])).json()
    assert body["refund_started"] is False
    assert "nothing was refunded automatically" in body["next_step"]
    await run_jobs(app_of(client), (DISPUTE_REFUND,))
    await payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("captured", 0)
    assert (await SandboxCharge.get(id=payment.charge_id)).refunded_amount == 0


async def test_a_job_that_stopped_after_refunding_still_tells_the_driver_once(client, alpha, aino) -> None:
    payment, opened = await _disputed_stay(client, alpha, aino, 615, "stay-exit-5")
    assert (await _resolve(client, alpha, opened["number"], refund=True)).status_code == 200
    services = app_of(client).state.services
    await run_jobs(app_of(client), (DISPUTE_REFUND,))
    # As if that run had died after the refund, before its message: the message is gone.
    await TicketMessage.filter(ticket__number=opened["number"], body__startswith="Refunded ").delete()

    payload = {"ticket_id": opened["id"], "due": {str(payment.id): 615}}
    await dispute_refund_job(services, payload)  # the retry
    await dispute_refund_job(services, payload)  # and once more

    said = await TicketMessage.filter(ticket__number=opened["number"], body__startswith="Refunded ").all()
    assert [m.body for m in said] == [
        "Refunded 6.15 EUR to Visa •••• 4242. It shows on the card statement within a few days."
    ]
    assert (await SandboxCharge.get(id=payment.charge_id)).refunded_amount == 615


async def test_a_processor_down_for_every_attempt_is_said_on_the_ticket(client, alpha, aino) -> None:
    """The job gave up (the runner calls `gave_up` after its last attempt): the operator and the
    driver read that the refund was not made, once, rather than waiting for it."""
    payment, opened = await _disputed_stay(client, alpha, aino, 615, "stay-exit-6")
    assert (await _resolve(client, alpha, opened["number"])).status_code == 200  # no job of its own
    payload = {"ticket_id": opened["id"], "due": {str(payment.id): 615}}

    await gave_up(app_of(client).state.services, payload)
    await gave_up(app_of(client).state.services, payload)

    failed = TicketMessage.filter(ticket__number=opened["number"], body__startswith="The refund of ")
    said = await failed.all()
    assert [m.body for m in said] == [
        "The refund of 6.15 EUR could not be made: the payment processor did not answer. "
        "The operator will refund it another way."
    ]
    await payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("captured", 0)
