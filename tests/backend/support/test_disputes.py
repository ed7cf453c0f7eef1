"""Disputes: raised on a stay or a session, shown with the enforcement check log as evidence, and
resolved as upheld (the invoice is voided, a refund is named as the next step) or rejected."""

from datetime import UTC, datetime, timedelta

from backend.models import AuditEntry, Invoice, Payment, StayEvent
from tests.backend.admin.conftest import ADMIN, created
from tests.backend.anpr.world import iso, run_jobs
from tests.backend.helpers import app_of
from tests.backend.support.conftest import (
    ME,
    TICKETS,
    add_payment,
    add_session,
    add_stay,
    ago,
    enforcement_key,
    open_ticket,
)


async def _check(client, key: str, plate: str, facility: str, at: datetime | None = None) -> dict:
    params = {"facility": facility} | ({"at": iso(at)} if at else {})
    response = await client.get(f"/api/enforcement/check/{plate}", params=params, headers={"x-api-key": key})
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_dispute_shows_the_check_that_said_parked_unpaid(client, alpha, bravo, aino) -> None:
    token = (
        await created(
            await client.post(f"{ADMIN}/webhook-tokens", json={"name": "gates"}, headers=alpha.admin)
        )
    )["token"]
    key = await enforcement_key(client, alpha)
    key_b = await enforcement_key(client, bravo)
    entered = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=60)
    gate = {"Authorization": f"Bearer {token}"}
    entry = {"event": "entry", "plate": "ABC-123", "facility_id": "alpha-p1", "timestamp": iso(entered)}
    assert (await client.post("/webhook", json=entry, headers=gate)).status_code == 202

    unpaid = await _check(client, key, "abc 123", "alpha-p1")  # 45 minutes past the free period
    assert unpaid["status"] == "parked_unpaid"
    before = await _check(client, key, "ABC123", "alpha-p1", at=entered - timedelta(minutes=30))
    await _check(client, key, "ABC123", "alpha-p1", at=entered - timedelta(hours=3))  # outside the window
    await _check(client, key, "XYZ987", "alpha-p1")  # another plate
    await _check(client, key_b, "ABC123", "bravo-p1")  # another operator

    exited = entered + timedelta(minutes=50)  # the exit event arrives late; its time is what counts
    leave = {**entry, "event": "exit", "timestamp": iso(exited)}
    stay_id = (await client.post("/webhook", json=leave, headers=gate)).json()["session_id"]
    await run_jobs(app_of(client))

    opened = await open_ticket(
        client, aino, kind="dispute", stay_id=stay_id, subject="I had paid", body="I paid at the machine."
    )
    assert opened["kind"] == "dispute"

    ticket = (await client.get(f"{TICKETS}/{opened['number']}", headers=alpha.operator)).json()
    evidence = ticket["evidence"]
    assert evidence["window_from"] == iso(entered - timedelta(hours=1))
    assert evidence["window_until"] == iso(exited + timedelta(hours=1))
    assert [(c["status"], c["should_fine"], c["facility"], c["key_name"]) for c in evidence["checks"]] == [
        (before["status"], False, "alpha-p1", "handheld 7"),
        ("parked_unpaid", True, "alpha-p1", "handheld 7"),
    ]
    assert evidence["checks"][1]["plate"] == "abc 123"  # as the officer typed it
    stay = evidence["stay"]
    assert (stay["id"], stay["status"], stay["plate"]) == (stay_id, "unpaid", "ABC-123")
    assert (stay["entered_at"], stay["exited_at"]) == (iso(entered), iso(exited))
    assert [(e["event"], e["occurred_at"]) for e in stay["events"]] == [
        ("entry", iso(entered)),
        ("exit", iso(exited)),
    ]
    # 35 minutes past the free 15: 3 started increments of 0.75, and the 2.5 % service fee.
    assert (stay["total_amount"], stay["paid_amount"]) == (231, 0)
    assert stay["failure_reason"] == "No payment method"
    assert evidence["session"] is None
    assert await StayEvent.filter(stay_id=stay_id).count() == 2


async def test_a_session_dispute_shows_its_times_and_checks(client, alpha, aino) -> None:
    key = await enforcement_key(client, alpha)
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)
    session = await add_session(alpha, "ABC-123", start, 60, driver=aino.driver)
    await add_payment(alpha, 615, driver=aino.driver, session=session, key="s1")
    paid = await _check(client, key, "ABC-123", "alpha-p1")

    opened = await open_ticket(client, aino, kind="dispute", session_id=str(session.id), body="Fined anyway")

    evidence = (await client.get(f"{TICKETS}/{opened['number']}", headers=alpha.operator)).json()["evidence"]
    assert evidence["stay"] is None
    assert evidence["session"]["starts_at"] == iso(start)
    assert evidence["session"]["ends_at"] == iso(start + timedelta(minutes=60))
    assert [(p["amount"], p["status"]) for p in evidence["session"]["payments"]] == [(615, "captured")]
    assert [c["status"] for c in evidence["checks"]] == [paid["status"]] == ["paid"]
    assert evidence["window_until"] == iso(start + timedelta(minutes=120))


async def test_upholding_a_dispute_voids_the_issued_invoice_and_is_audited(client, alpha, aino) -> None:
    stay = await add_stay(
        alpha,
        "ABC-123",
        ago(days=2),
        driver=aino.driver,
        exited_at=ago(days=2, hours=-3),
        status="unpaid",
        total=1200,
    )
    invoice = await Invoice.create(
        tenant_id=alpha.tenant.id,
        stay=stay,
        driver=aino.driver,
        number=7,
        plate="ABC-123",
        currency="EUR",
        amount=1200,
        issued_at=ago(days=1),
        due_at=ago(days=-13),
    )
    opened = await open_ticket(client, aino, kind="dispute", stay_id=str(stay.id), body="I had a pass")

    response = await client.post(
        f"{TICKETS}/{opened['number']}/resolve",
        json={"resolution": "Your pass was valid; the invoice is voided.", "outcome": "upheld"},
        headers=alpha.operator,
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["voided_invoice"] == "INV-000007"
    assert body["refund_due"] is None
    assert body["next_step"] is None
    assert body["ticket"]["outcome"] == "upheld"
    assert body["ticket"]["evidence"]["stay"]["invoice"] is None  # no invoice counts any more
    await invoice.refresh_from_db()
    assert (invoice.status, invoice.live_slot, invoice.void_reason) == ("void", None, "Dispute #1 upheld")
    assert invoice.voided_at is not None
    actions = (
        await AuditEntry.filter(tenant_id=alpha.tenant.id).order_by("id").values_list("action", flat=True)
    )
    assert [a for a in actions if a.startswith(("ticket", "invoice"))] == [
        "invoice.voided",
        "ticket.resolved",
    ]
    resolved = await AuditEntry.get(action="ticket.resolved")
    assert resolved.details["outcome"] == "upheld"
    assert resolved.details["voided_invoice"] == "INV-000007"
    driver_view = (await client.get(f"{ME}/{opened['id']}", headers=aino.headers)).json()
    assert (driver_view["status"], driver_view["outcome"]) == ("resolved", "upheld")
    assert (
        driver_view["messages"][-1]["body"] == "Dispute upheld: Your pass was valid; the invoice is voided."
    )


async def test_upholding_a_paid_dispute_names_the_refund_and_moves_no_money(client, alpha, aino) -> None:
    stay = await add_stay(
        alpha, "ABC-123", ago(hours=5), driver=aino.driver, exited_at=ago(hours=3), total=615, paid=615
    )
    payment = await add_payment(alpha, 615, driver=aino.driver, stay=stay, key="p1")
    await add_payment(alpha, 300, driver=aino.driver, stay=stay, key="p2", status="failed")
    opened = await open_ticket(client, aino, kind="dispute", stay_id=str(stay.id), body="Gate was open")

    body = (
        await client.post(
            f"{TICKETS}/{opened['number']}/resolve",
            json={"resolution": "Refund coming.", "outcome": "upheld"},
            headers=alpha.operator,
        )
    ).json()

    assert body["refund_due"] == {"payment_ids": [str(payment.id)], "amount": 615, "currency": "EUR"}
    assert "6.15 EUR" in body["next_step"]
    assert "refund" in body["next_step"]
    await payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("captured", 0)


async def test_a_rejected_dispute_keeps_the_invoice(client, alpha, aino) -> None:
    stay = await add_stay(
        alpha, "ABC-123", ago(hours=5), driver=aino.driver, exited_at=ago(hours=3), status="unpaid", total=615
    )
    invoice = await Invoice.create(
        tenant_id=alpha.tenant.id,
        stay=stay,
        number=1,
        plate="ABC-123",
        currency="EUR",
        amount=615,
        issued_at=ago(hours=2),
        due_at=ago(days=-14),
    )
    await add_payment(alpha, 615, driver=aino.driver, stay=stay, key="p1")
    opened = await open_ticket(client, aino, kind="dispute", stay_id=str(stay.id))

    body = (
        await client.post(
            f"{TICKETS}/{opened['number']}/resolve",
            json={"resolution": "The check log shows no payment.", "outcome": "rejected"},
            headers=alpha.operator,
        )
    ).json()

    assert (body["voided_invoice"], body["refund_due"]) == (None, None)
    assert body["ticket"]["evidence"]["stay"]["invoice"] == {
        "number": "INV-000001",
        "status": "issued",
        "amount": 615,
        "currency": "EUR",
    }
    await invoice.refresh_from_db()
    assert invoice.status == "issued"


async def test_resolving_asks_for_what_the_kind_needs(client, alpha, aino) -> None:
    stay = await add_stay(alpha, "ABC-123", ago(hours=2), driver=aino.driver)
    await open_ticket(client, aino, kind="dispute", stay_id=str(stay.id))
    await open_ticket(client, aino, facility="alpha-p1")

    no_outcome = await client.post(
        f"{TICKETS}/1/resolve", json={"resolution": "Fine."}, headers=alpha.operator
    )
    assert no_outcome.status_code == 422
    assert "'outcome'" in no_outcome.json()["detail"]
    assert "upheld" in no_outcome.json()["detail"]
    outcome_on_question = await client.post(
        f"{TICKETS}/2/resolve", json={"resolution": "Yes.", "outcome": "upheld"}, headers=alpha.operator
    )
    assert outcome_on_question.status_code == 422
    assert "disputes only" in outcome_on_question.json()["detail"]
    bad_outcome = await client.post(
        f"{TICKETS}/1/resolve", json={"resolution": "Hm.", "outcome": "maybe"}, headers=alpha.operator
    )
    assert bad_outcome.status_code == 422
    empty = await client.post(f"{TICKETS}/2/resolve", json={"resolution": ""}, headers=alpha.operator)
    assert empty.status_code == 422

    ok = await client.post(f"{TICKETS}/2/resolve", json={"resolution": "Yes."}, headers=alpha.operator)
    assert ok.status_code == 200
    twice = await client.post(f"{TICKETS}/2/resolve", json={"resolution": "Yes!"}, headers=alpha.operator)
    assert twice.status_code == 409
    assert "already resolved" in twice.json()["detail"]
    assert await AuditEntry.filter(action="ticket.resolved").count() == 1


async def test_a_dispute_needs_a_stay_or_a_session_and_only_one_is_open_at_a_time(
    client, alpha, aino
) -> None:
    stay = await add_stay(alpha, "ABC-123", ago(hours=2), driver=aino.driver)

    about_facility = await client.post(
        ME,
        json={"subject": "s", "body": "b", "kind": "dispute", "facility": "alpha-p1"},
        headers=aino.headers,
    )
    assert about_facility.status_code == 422
    assert "a dispute is about a stay or a session" in about_facility.json()["detail"]
    nothing = await client.post(ME, json={"subject": "s", "body": "b"}, headers=aino.headers)
    assert nothing.status_code == 422
    assert "exactly one of" in nothing.json()["detail"]
    both = await client.post(
        ME,
        json={"subject": "s", "body": "b", "stay_id": str(stay.id), "facility": "alpha-p1"},
        headers=aino.headers,
    )
    assert both.status_code == 422

    await open_ticket(client, aino, kind="dispute", stay_id=str(stay.id))
    second = await client.post(
        ME,
        json={"subject": "s", "body": "b", "kind": "dispute", "stay_id": str(stay.id)},
        headers=aino.headers,
    )
    assert second.status_code == 409
    assert "#1" in second.json()["detail"]
    question = await client.post(
        ME, json={"subject": "s", "body": "b", "stay_id": str(stay.id)}, headers=aino.headers
    )
    assert question.status_code == 201


async def test_an_unresolved_dispute_cannot_be_closed(client, alpha, aino) -> None:
    stay = await add_stay(alpha, "ABC-123", ago(hours=2), driver=aino.driver)
    await open_ticket(client, aino, kind="dispute", stay_id=str(stay.id))

    response = await client.patch(f"{TICKETS}/1", json={"status": "closed"}, headers=alpha.operator)

    assert response.status_code == 409
    assert "resolve it as upheld or rejected" in response.json()["detail"]
    assert (await client.get(f"{TICKETS}/1", headers=alpha.operator)).json()["status"] == "open"


async def test_payments_of_other_stays_are_not_named_for_refund(client, alpha, aino) -> None:
    disputed = await add_stay(alpha, "ABC-123", ago(hours=5), driver=aino.driver, exited_at=ago(hours=4))
    other = await add_stay(alpha, "ABC-123", ago(hours=3), driver=aino.driver, exited_at=ago(hours=2))
    await add_payment(alpha, 900, driver=aino.driver, stay=other, key="other")
    opened = await open_ticket(client, aino, kind="dispute", stay_id=str(disputed.id))

    body = (
        await client.post(
            f"{TICKETS}/{opened['number']}/resolve",
            json={"resolution": "Ok", "outcome": "upheld"},
            headers=alpha.operator,
        )
    ).json()

    assert body["refund_due"] is None
    assert await Payment.filter(status="captured").count() == 1
