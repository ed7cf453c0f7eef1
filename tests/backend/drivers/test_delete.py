"""`DELETE /api/v1/me`: confirmed with the password, refused while parking is in progress, then the
person is gone and the bookkeeping stays, unlinked."""

import pytest

from backend.models import (
    Driver,
    DriverEvent,
    OutboundEmail,
    ParkingPass,
    ParkingSession,
    Payment,
    PaymentMethod,
    Quote,
    RefreshToken,
    SandboxCharge,
    Stay,
    Vehicle,
)
from backend.payments.gateways import PaymentGatewayUnavailableError
from tests.backend.anpr.world import accepted, ago, send
from tests.backend.anpr.world import run_jobs as run_camera_jobs
from tests.backend.drivers.history import make_history
from tests.backend.enforcement.conftest import headers as enforcement_key
from tests.backend.helpers import (
    DRIVER_EMAIL,
    DRIVER_PASSWORD,
    app_of,
    bearer,
    driver_tokens,
    login_driver,
    register_driver,
)
from tests.backend.sessions.support import run_jobs, start, stop

ME = "/api/v1/me"


async def _delete(client, auth, password: str | None = DRIVER_PASSWORD):
    body = None if password is None else {"password": password}
    return await client.request("DELETE", ME, json=body, headers=auth)


async def test_the_password_must_confirm_it(client) -> None:
    auth = bearer((await driver_tokens(client))["access_token"])
    wrong = await _delete(client, auth, "not my password at all")
    assert wrong.status_code == 403
    assert wrong.json() == {
        "detail": "The password is wrong; your account was not deleted.",
        "code": "forbidden",
    }
    missing = await _delete(client, auth, None)
    assert missing.status_code == 422
    assert missing.json()["code"] == "validation_error"
    empty = await _delete(client, auth, "")
    assert empty.status_code == 422
    assert "'password'" in empty.json()["detail"]
    assert (await client.get(ME, headers=auth)).status_code == 200
    assert await Driver.exists(email=DRIVER_EMAIL)
    assert (await _delete(client, {})).status_code == 401


async def test_guessing_the_password_is_rate_limited(client) -> None:
    auth = bearer((await driver_tokens(client))["access_token"])
    statuses = [(await _delete(client, auth, f"guess number {n}")).status_code for n in range(6)]
    assert statuses == [403] * 5 + [429]
    limited = await _delete(client, auth)
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    assert await Driver.exists(email=DRIVER_EMAIL)


async def test_a_running_session_must_be_stopped_first(client, lot) -> None:
    started = await start(client, lot, "kamppi-p1", "ABC-123", 60)
    refused = await _delete(client, lot.auth)
    assert refused.status_code == 409
    error = refused.json()
    assert error["code"] == "parking_in_progress"
    assert "ABC-123 at Kamppi P1 is still running; stop it first" in error["detail"]
    assert await Driver.exists(email=DRIVER_EMAIL)
    assert (await stop(client, lot, started["id"])).status_code == 200
    assert (await _delete(client, lot.auth)).status_code == 204
    assert not await Driver.exists(email=DRIVER_EMAIL)


class _DownGateway:
    """The sandbox while the processor is not answering: exit charges stay `payment_pending`."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name = inner.name

    async def authorize(self, *args, **kwargs):
        raise PaymentGatewayUnavailableError("The payment processor did not answer in time.")

    def __getattr__(self, name):
        return getattr(self.inner, name)


@pytest.fixture
def processor_down(client):
    registry = app_of(client).state.services.extras["gateways"]
    original = registry.get("sandbox")
    registry.register(_DownGateway(original))
    yield
    registry.register(original)


async def test_a_car_still_parked_must_leave_first(client, lots) -> None:
    await accepted(await send(client, lots.camera, "entry", ago(60)))
    refused = await _delete(client, lots.auth)
    assert refused.status_code == 409
    assert refused.json()["code"] == "parking_in_progress"
    assert "ABC-123 is still parked at Camera P3" in refused.json()["detail"]
    await accepted(await send(client, lots.camera, "exit", ago(1)))
    await run_camera_jobs(app_of(client))
    assert (await _delete(client, lots.auth)).status_code == 204


async def test_an_exit_charge_in_progress_must_finish_first(client, lots, processor_down) -> None:
    await accepted(await send(client, lots.camera, "entry", ago(60)))
    left = await accepted(await send(client, lots.camera, "exit", ago(1)))
    await run_camera_jobs(app_of(client))  # the processor does not answer: retried later
    assert (await Stay.get(id=left["session_id"])).status == "payment_pending"
    charging = await _delete(client, lots.auth)
    assert charging.status_code == 409
    assert charging.json()["code"] == "parking_in_progress"
    assert "charge for your stay at Camera P3 is still being made" in charging.json()["detail"]
    assert await Driver.exists(email=DRIVER_EMAIL)


async def test_the_person_is_erased_and_the_bookkeeping_kept(client, lots) -> None:
    history = await make_history(client, lots)
    await accepted(await send(client, lots.camera, "exit", ago(1)))  # leaves inside what was paid
    mail_jobs = ("send_receipt", "session_refund", "session_stop_receipt")
    await run_jobs(client, *mail_jobs)
    await run_camera_jobs(app_of(client), mail_jobs)  # and wait for the ones the runner holds
    mails = await OutboundEmail.all().count()
    assert mails == 6  # start, extension, the stop's statement, pass, exit charge, paid in the app
    assert await OutboundEmail.filter(to_address=DRIVER_EMAIL).count() == mails
    tokens = (await login_driver(client)).json()
    payments = {p.id: (p.amount, p.refunded_amount, p.status) for p in await Payment.all()}
    charges = await SandboxCharge.all().count()
    counts = (await ParkingSession.all().count(), await Stay.all().count(), await ParkingPass.all().count())

    assert (await _delete(client, lots.auth)).status_code == 204

    # The person: gone, and every way back in with it.
    for auth in (lots.auth, bearer(tokens["access_token"])):
        gone = await client.get(ME, headers=auth)
        assert gone.status_code == 401
        assert gone.json()["code"] == "invalid_token"
    refresh = await client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refresh.status_code == 401
    assert (await login_driver(client)).status_code == 401
    assert not await Driver.exists()
    for model in (Vehicle, PaymentMethod, RefreshToken, DriverEvent, Quote):
        assert not await model.exists(), model.__name__
    for mail in await OutboundEmail.all():
        assert mail.to_address != DRIVER_EMAIL
        assert mail.body_html is None
        for personal in ("Aino", "ABC-123", "4242", "@example.test"):
            assert personal not in mail.body_text
        assert mail.subject.startswith("Receipt PF-")  # the bookkeeping part stays
    assert await OutboundEmail.all().count() == mails

    # The bookkeeping: every payment, session, stay and pass, with no link to the person.
    kept = await Payment.all()
    assert {p.id: (p.amount, p.refunded_amount, p.status) for p in kept} == payments
    assert all(p.driver_id is None and p.payment_method_id is None for p in kept)  # type: ignore[attr-defined]
    assert all(p.charge_id for p in kept if p.status != "failed")
    assert (
        await ParkingSession.all().count(),
        await Stay.all().count(),
        await ParkingPass.all().count(),
    ) == counts
    for model in (ParkingSession, Stay, ParkingPass):
        assert not await model.exclude(driver_id=None).exists(), model.__name__
        assert set(await model.all().values_list("plate", flat=True)) == {"ABC-123"}
    assert await SandboxCharge.all().count() == charges  # nothing refunded or charged by deleting

    # The pass paid for still covers its plate.
    check = await client.get(
        "/api/enforcement/check/ABC123", params={"facility": "kamppi-p1"}, headers=enforcement_key()
    )
    assert check.json()["status"] == "pass_active"
    assert history.pass_id

    # The e-mail is free again: a new, empty account.
    assert (await register_driver(client)).status_code == 201
    fresh = bearer((await login_driver(client)).json()["access_token"])
    assert (await client.get(f"{ME}/receipts", headers=fresh)).json()["items"] == []
    assert (await client.get(f"{ME}/vehicles", headers=fresh)).json()["items"] == []
    assert (await client.get("/api/v1/sessions", headers=fresh)).json()["items"] == []


async def test_another_driver_is_untouched(client, lot) -> None:
    bo = await driver_tokens(client, "bo@example.test")
    bo_auth = bearer(bo["access_token"])
    assert (
        await client.post(f"{ME}/vehicles", json={"license_plate": "ABC-123"}, headers=bo_auth)
    ).status_code == 201
    assert (
        await client.post(f"{ME}/payment-methods", json={"token": "tok_visa"}, headers=bo_auth)
    ).status_code == 201
    assert (await _delete(client, lot.auth)).status_code == 204
    assert (await client.get(ME, headers=bo_auth)).json()["email"] == "bo@example.test"
    assert [
        v["license_plate"] for v in (await client.get(f"{ME}/vehicles", headers=bo_auth)).json()["items"]
    ] == ["ABC-123"]
    assert (await client.get(f"{ME}/payment-methods", headers=bo_auth)).json()["count"] == 1
    renewed = await client.post("/api/v1/auth/refresh", json={"refresh_token": bo["refresh_token"]})
    assert renewed.status_code == 200
