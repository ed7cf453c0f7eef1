"""When the card or the provider fails: no double charge, no lost session, money voided when the
provider fails, a clear error for the driver. Provider faults are the sandbox's, over real HTTP."""

from datetime import UTC, datetime, timedelta

from backend.models import ParkingSession, Payment, SandboxCharge
from backend.payments.gateways.base import PaymentGatewayUnavailableError
from backend.sessions.holds import NOT_CHARGED
from tests.backend.helpers import app_of
from tests.backend.sessions.support import extend, pay, payments_of, quote, row, run_jobs, start, stop


async def _only_session() -> ParkingSession:
    [session] = await ParkingSession.all()
    return session


async def test_a_declined_card_starts_nothing(client, lot) -> None:
    offer = await quote(client, lot, "forum-p2")
    response = await pay(client, lot, offer["id"], lot.declined)
    assert response.status_code == 402
    assert response.json()["code"] == "payment_declined"
    assert "declined" in response.json()["detail"]
    session = await _only_session()
    assert (session.status, session.live_slot) == ("failed", None)
    assert (await lot.stats()).get("start", 0) == 0  # the provider was never asked
    [payment] = await Payment.all()
    assert payment.status == "failed"
    assert not await SandboxCharge.exists()
    # Nothing holds the plate or the quote: the same quote with a good card works.
    retry = await pay(client, lot, offer["id"])
    assert retry.status_code == 201, retry.text


async def test_provider_says_already_parked_the_authorization_is_voided(client, lot) -> None:
    await lot.fault(connection="passport-s", endpoint="start", kind="status", status=409)
    offer = await quote(client, lot, "forum-p2")
    response = await pay(client, lot, offer["id"])
    assert response.status_code == 409
    assert response.json()["code"] == "already_parked"
    assert "already parked" in response.json()["detail"]
    session = await _only_session()
    assert session.status == "failed"
    [payment] = await payments_of(str(session.id))
    assert payment.status == "voided"
    [charge] = await SandboxCharge.all()
    assert (charge.status, charge.captured_amount) == ("voided", 0)


async def test_provider_refusal_tells_the_driver_why(client, lot) -> None:
    await lot.fault(connection="passport-s", endpoint="start", kind="status", status=422)
    offer = await quote(client, lot, "forum-p2")
    response = await pay(client, lot, offer["id"])
    assert response.status_code == 422
    assert response.json()["code"] == "provider_rejected"
    [payment] = await Payment.all()
    assert payment.status == "voided"


async def test_provider_down_is_a_503_and_the_driver_is_not_charged(client, lot) -> None:
    await lot.fault(connection="passport-s", endpoint="start", kind="status", status=503, times=None)
    offer = await quote(client, lot, "forum-p2")
    response = await pay(client, lot, offer["id"])
    assert response.status_code == 503
    assert response.json()["code"] == "provider_unavailable"
    assert "not charged" in response.json()["detail"]
    assert (await _only_session()).status == "failed"
    [payment] = await Payment.all()
    assert payment.status == "voided"
    assert (await lot.stats()).get("sessions_created", 0) == 0


async def test_a_start_that_timed_out_after_creating_is_adopted_once(client, lot) -> None:
    await lot.fault(connection="passport-s", endpoint="start", kind="timeout_after_create", hold_seconds=3)
    offer = await quote(client, lot, "forum-p2")
    response = await pay(client, lot, offer["id"], key="k-timeout")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "active"
    assert (await lot.stats())["sessions_created"] == 1
    [remote] = await lot.remote_sessions("ABC123")
    assert remote["session_id"] == body["provider_session_id"]
    [payment] = await Payment.all()
    assert (payment.status, payment.amount) == ("captured", 231)
    [charge] = await SandboxCharge.all()
    assert charge.captured_amount == 231
    again = await pay(client, lot, offer["id"], key="k-timeout")
    assert again.status_code == 201
    assert again.json() == body
    assert (await lot.stats())["sessions_created"] == 1


async def test_an_undecided_start_is_settled_later_never_started_twice(client, lot) -> None:
    # The start times out after creating the session, and `rights` cannot be read either.
    await lot.fault(connection="passport-s", endpoint="start", kind="timeout_after_create", hold_seconds=3)
    await lot.fault(connection="passport-s", endpoint="rights", kind="status", status=503, times=None)
    offer = await quote(client, lot, "forum-p2")
    response = await pay(client, lot, offer["id"], key="k-doubt")
    assert response.status_code == 503
    assert response.json()["code"] == "provider_unavailable"
    assert "charged only if the session started" in response.json()["detail"]
    session = await _only_session()
    assert session.status == "pending"
    [payment] = await Payment.all()
    assert payment.status == "authorized"  # held, not taken

    # A retry with the same key while the provider still cannot say: not started again.
    again = await pay(client, lot, offer["id"], key="k-doubt")
    assert again.status_code == 409
    assert (await lot.stats())["sessions_created"] == 1

    assert (await lot.admin.delete("/_sandbox/faults")).status_code == 204
    await run_jobs(client, "session_reconcile")
    session = await _only_session()
    assert session.status == "active"
    [remote] = await lot.remote_sessions("ABC123")
    assert session.provider_session_id == remote["session_id"]
    [payment] = await Payment.all()
    assert payment.status == "captured"
    assert (await lot.stats())["sessions_created"] == 1
    replay = await pay(client, lot, offer["id"], key="k-doubt")
    assert replay.status_code == 201
    assert replay.json()["id"] == str(session.id)


async def test_a_start_that_never_happened_is_voided_by_the_reconcile_job(client, lot) -> None:
    # A 5xx on start may hide a session created anyway; with `rights` down too, nobody can say.
    await lot.fault(connection="passport-s", endpoint="start", kind="status", status=503, times=None)
    await lot.fault(connection="passport-s", endpoint="rights", kind="status", status=503, times=None)
    offer = await quote(client, lot, "forum-p2")
    response = await pay(client, lot, offer["id"])
    assert response.status_code == 503
    session = await _only_session()
    assert session.status == "pending"
    [payment] = await Payment.all()
    assert payment.status == "authorized"

    await lot.admin.delete("/_sandbox/faults")
    await run_jobs(client, "session_reconcile")  # the provider has no such session: void
    session = await _only_session()
    assert (session.status, session.live_slot) == ("failed", None)
    assert session.failure_code == "provider_unavailable"
    assert (await Payment.get(id=payment.id)).status == "voided"
    [charge] = await SandboxCharge.all()
    assert (charge.status, charge.captured_amount) == ("voided", 0)
    assert (await lot.stats()).get("sessions_created", 0) == 0
    # The quote is free again for a new attempt.
    assert (await pay(client, lot, offer["id"])).status_code == 201


async def test_a_second_session_for_the_plate_is_refused(client, lot) -> None:
    first = await start(client, lot, "kamppi-p1", "ABC-123")
    offer = await quote(client, lot, "kamppi-p1", "abc 123")
    response = await pay(client, lot, offer["id"])
    assert response.status_code == 409
    assert response.json()["code"] == "already_parked"
    assert "extend" in response.json()["detail"]
    assert await ParkingSession.filter(status="active").count() == 1
    # Another facility, or the first session over: fine.
    elsewhere = await quote(client, lot, "forum-p2", "ABC-123")
    assert (await pay(client, lot, elsewhere["id"])).status_code == 201
    await ParkingSession.filter(id=first["id"]).update(ends_at=datetime.now(UTC) - timedelta(seconds=1))
    later = await quote(client, lot, "kamppi-p1", "ABC-123")
    assert (await pay(client, lot, later["id"])).status_code == 201
    assert (await row(first["id"])).status == "expired"


async def test_extension_failures_change_nothing_and_charge_nothing(client, lot) -> None:
    started = await start(client, lot, "forum-p2")
    ends_at = datetime.fromisoformat(started["ends_at"])

    declined = await client.post(
        f"/api/v1/sessions/{started['id']}/extend",
        json={"duration_minutes": 30, "payment_method_id": lot.declined},
        headers=lot.auth,
    )
    assert declined.status_code == 402
    assert declined.json()["code"] == "payment_declined"

    await lot.fault(connection="passport-s", endpoint="extend", kind="status", status=503, times=None)
    down = await extend(client, lot, started["id"], 30)
    assert down.status_code == 503
    assert down.json()["code"] == "provider_unavailable"
    assert "not charged" in down.json()["detail"]

    session = await row(started["id"])
    assert (session.ends_at, session.total_amount) == (ends_at, 231)
    statuses = sorted(p.status for p in await payments_of(started["id"]) if p.purpose == "extension")
    assert statuses == ["failed", "voided"]
    [remote] = await lot.remote_sessions("ABC123")
    assert datetime.fromisoformat(remote["end_time"]) == ends_at


async def test_stop_with_the_provider_down_keeps_the_session_running(client, lot) -> None:
    started = await start(client, lot, "forum-p2")
    await lot.fault(connection="passport-s", endpoint="stop", kind="status", status=503, times=None)
    response = await stop(client, lot, started["id"])
    assert response.status_code == 503
    assert response.json()["code"] == "provider_unavailable"
    assert "still running" in response.json()["detail"]
    session = await row(started["id"])
    assert (session.status, session.refunded_amount, session.busy_until) == ("active", 0, None)
    await lot.admin.delete("/_sandbox/faults")
    assert (await stop(client, lot, started["id"])).status_code == 200


async def test_a_processor_that_does_not_answer_starts_and_extends_nothing(client, lot, monkeypatch) -> None:
    sandbox = app_of(client).state.services.extras["gateways"].get("sandbox")
    started = await start(client, lot, "forum-p2")

    async def silent(*args, **kwargs):
        raise PaymentGatewayUnavailableError("The payment processor did not answer in time.")

    monkeypatch.setattr(sandbox, "authorize", silent)
    offer = await quote(client, lot, "kamppi-p1", "XYZ-987")
    refused = await pay(client, lot, offer["id"])
    assert refused.status_code == 502, refused.text
    assert refused.json() == {"detail": NOT_CHARGED, "code": "payment_failed"}
    extension = await extend(client, lot, started["id"], 30)
    assert extension.status_code == 502, extension.text
    assert extension.json() == {"detail": NOT_CHARGED, "code": "payment_failed"}

    assert await ParkingSession.filter(plate_normalized="XYZ987", status="active").count() == 0
    session = await row(started["id"])
    assert session.total_amount == 231  # only the first hour was ever charged
    assert (await lot.stats()).get("extend", 0) == 0  # the provider was never asked to extend
