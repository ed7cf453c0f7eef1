"""`GET` and `PATCH /api/v1/me`: the driver's profile and settings, and what they change: auto-pay at
a camera lot's exit, and the reminders before a session ends or a free period runs out."""

from datetime import UTC, datetime, timedelta

import pytest

from backend.models import DriverEvent, Job, Payment, SandboxCharge, Stay
from tests.backend.anpr.world import accepted, ago, driver_with_plate, send
from tests.backend.anpr.world import run_jobs as run_camera_jobs
from tests.backend.helpers import app_of, bearer, driver_token
from tests.backend.sessions.support import events, start
from tests.backend.sessions.support import run_jobs as make_due

ME = "/api/v1/me"


async def run_jobs(client, kind: str) -> None:
    """Make the pending `kind` jobs due now, and wait until the runner has done them all."""
    await make_due(client, kind)
    await run_camera_jobs(app_of(client), (kind,))


async def _patch(client, auth, body) -> dict:
    response = await client.patch(ME, json=body, headers=auth)
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_profile_shows_the_settings(client) -> None:
    auth = bearer(await driver_token(client))
    response = await client.get(ME, headers=auth)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["email"] == "aino@example.test"
    assert body["name"] == "Aino"
    assert (body["auto_pay"], body["reminder_minutes"]) == (True, 10)
    assert datetime.fromisoformat(body["created_at"]) <= datetime.now(UTC)
    assert (await client.get(ME)).status_code == 401


async def test_only_the_fields_sent_change(client) -> None:
    auth = bearer(await driver_token(client))
    changed = await _patch(client, auth, {"auto_pay": False})
    assert (changed["auto_pay"], changed["reminder_minutes"], changed["name"]) == (False, 10, "Aino")
    changed = await _patch(client, auth, {"name": "  Aino Virtanen ", "reminder_minutes": 0})
    assert (changed["auto_pay"], changed["reminder_minutes"], changed["name"]) == (False, 0, "Aino Virtanen")
    assert (await client.get(ME, headers=auth)).json() == changed
    assert await _patch(client, auth, {}) == changed
    changed = await _patch(client, auth, {"reminder_minutes": 120, "auto_pay": True})
    assert (changed["auto_pay"], changed["reminder_minutes"]) == (True, 120)


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"reminder_minutes": 121}, "reminder_minutes", "from 0 (no reminders) to 120"),
        ({"reminder_minutes": -1}, "reminder_minutes", "from 0 (no reminders) to 120"),
        ({"reminder_minutes": 2.5}, "reminder_minutes", "whole number of minutes"),
        ({"reminder_minutes": True}, "reminder_minutes", "whole number of minutes"),
        ({"reminder_minutes": "15"}, "reminder_minutes", "whole number of minutes"),
        ({"reminder_minutes": None}, "reminder_minutes", "must not be null"),
        ({"auto_pay": "yes"}, "auto_pay", "must be true or false"),
        ({"auto_pay": None}, "auto_pay", "must not be null"),
        ({"name": "x" * 201}, "name", "at most 200 characters"),
        ({"email": "mallory@example.test"}, "email", "Extra inputs are not permitted"),
    ],
)
async def test_bad_settings_are_a_clear_422_and_change_nothing(client, body, field, words) -> None:
    auth = bearer(await driver_token(client))
    before = (await client.get(ME, headers=auth)).json()
    response = await client.patch(ME, json=body, headers=auth)
    assert response.status_code == 422, response.text
    error = response.json()
    assert error["code"] == "validation_error"
    assert error["detail"].startswith(f"'{field}'")
    assert words in error["detail"]
    assert (await client.get(ME, headers=auth)).json() == before


async def test_auto_pay_off_leaves_the_exit_unpaid_and_on_charges_it(client, lots) -> None:
    camera = lots.camera
    assert (await _patch(client, lots.auth, {"auto_pay": False}))["auto_pay"] is False
    await accepted(await send(client, camera, "entry", ago(100)))
    left = await accepted(await send(client, camera, "exit", ago(60)))
    assert left["status"] == "unpaid"
    await run_camera_jobs(app_of(client))
    stay = await Stay.get(id=left["session_id"])
    assert (stay.status, stay.failure_reason, stay.paid_amount) == ("unpaid", "Auto-pay is off", 0)
    assert stay.total_amount > 0
    assert not await Payment.filter(stay_id=stay.id).exists()
    assert not await SandboxCharge.exists()  # nothing reached the card
    [failed] = await events("payment_failed")
    assert failed["stay_id"] == str(stay.id)

    await _patch(client, lots.auth, {"auto_pay": True})
    await accepted(await send(client, camera, "entry", ago(50)))
    left = await accepted(await send(client, camera, "exit", ago(10)))
    assert left["status"] == "payment_pending"
    await run_camera_jobs(app_of(client))
    stay = await Stay.get(id=left["session_id"])
    assert stay.status == "paid"
    [payment] = await Payment.filter(stay_id=stay.id)
    assert (payment.status, payment.amount) == ("captured", stay.total_amount)


async def test_a_longer_reminder_lead_moves_the_running_sessions_reminder(client, lot) -> None:
    started = await start(client, lot, minutes=60)
    ends_at = datetime.fromisoformat(started["ends_at"])
    await _patch(client, lot.auth, {"reminder_minutes": 30})
    jobs = await Job.filter(kind="session_expiring_soon", status="pending").order_by("run_at")
    assert [job.payload["minutes"] for job in jobs] == [30, 10]
    assert abs(jobs[0].run_at - (ends_at - timedelta(minutes=30))) < timedelta(seconds=2)

    await run_jobs(client, "session_expiring_soon")  # both made due now: only the 30-minute one speaks
    [reminder] = await events("expiring_soon")
    assert reminder["session_id"] == started["id"]
    assert await Job.filter(kind="session_expiring_soon", status="done").count() == 2


async def test_a_lead_longer_than_the_time_left_reminds_at_once(client, lot) -> None:
    started = await start(client, lot, minutes=20)  # the default 10 minutes: due in 10 minutes
    await _patch(client, lot.auth, {"reminder_minutes": 45})
    await run_camera_jobs(app_of(client), ("session_expiring_soon",))  # only what is due now runs
    [reminder] = await events("expiring_soon")
    assert reminder["session_id"] == started["id"]
    assert 18 <= reminder["minutes_left"] <= 20


async def test_reminders_off_silences_the_session_reminder(client, lot) -> None:
    await start(client, lot, minutes=60)
    assert await Job.filter(kind="session_expiring_soon").count() == 1
    await _patch(client, lot.auth, {"reminder_minutes": 0})
    await run_jobs(client, "session_expiring_soon")
    assert await events("expiring_soon") == []
    assert await Job.filter(kind="session_expiring_soon", status="done").count() == 1

    await _patch(client, lot.auth, {"reminder_minutes": 10})  # back on: the queued job applies again
    await start(client, lot, plate="XYZ-789", minutes=60)
    await run_jobs(client, "session_expiring_soon")
    [reminder] = await events("expiring_soon")
    assert reminder["license_plate"] == "XYZ-789"


@pytest.mark.parametrize(("minutes", "reminded"), [(10, True), (0, False)])
async def test_free_period_reminder_follows_the_setting(client, lots, minutes, reminded) -> None:
    await _patch(client, lots.auth, {"reminder_minutes": minutes})
    entry = await accepted(await send(client, lots.camera, "entry", datetime.now(UTC)))
    await run_jobs(client, "free_period_ending")
    sent = await DriverEvent.filter(kind="free_period_ending").values_list("payload", flat=True)
    assert [p["stay_id"] for p in sent] == ([entry["session_id"]] if reminded else [])


async def test_another_driver_keeps_their_own_settings(client) -> None:
    aino = bearer(await driver_token(client))
    bo = await driver_with_plate(client, "bo@example.test", "BO-1", card=None)
    await _patch(client, aino, {"auto_pay": False, "reminder_minutes": 0, "name": "A"})
    other = (await client.get(ME, headers=bo)).json()
    assert (other["email"], other["auto_pay"], other["reminder_minutes"]) == ("bo@example.test", True, 10)
