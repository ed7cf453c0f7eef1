"""The session jobs: local expiry (the provider may be down), reminders that follow extensions,
provider polling, and handlers that do their work once however often they run."""

from datetime import UTC, datetime, timedelta
from uuid import UUID

from backend.models import Job, ParkingSession
from backend.sessions.jobs import expire_job, remind_job
from backend.sessions.reconcile import reconcile_job
from backend.sessions.repository import expire_if_over
from tests.backend.helpers import app_of
from tests.backend.sessions.support import events, extend, iso, row, run_jobs, start


async def _end_now(session_id: str) -> None:
    await ParkingSession.filter(id=session_id).update(ends_at=datetime.now(UTC) - timedelta(seconds=1))


async def test_expiry_is_applied_locally_even_with_the_provider_down(client, lot) -> None:
    started = await start(client, lot, "forum-p2")
    await lot.fault(connection="passport-s", endpoint="any", kind="status", status=503, times=None)
    await _end_now(started["id"])
    await run_jobs(client, "session_expire")
    session = await row(started["id"])
    assert (session.status, session.live_slot) == ("expired", None)
    [event] = await events("session_expired")
    assert event["session_id"] == started["id"]
    assert event["status"] == "expired"

    services = app_of(client).state.services
    for job in await Job.filter(kind="session_expire"):
        await expire_job(services, job.payload)  # a job run again does nothing more
    assert len(await events("session_expired")) == 1


async def test_an_expiry_job_killed_halfway_notifies_once_when_run_again(client, lot) -> None:
    started = await start(client, lot)
    await _end_now(started["id"])
    # The runner died after expiring the session, before telling the driver.
    assert await expire_if_over(UUID(started["id"]))
    await Job.filter(kind="session_expire").update(
        status="running", locked_until=datetime.now(UTC) - timedelta(seconds=1)
    )
    await app_of(client).state.services.jobs.drain()
    assert len(await events("session_expired")) == 1
    assert await Job.filter(kind="session_expire", status="done").count() == 1
    await app_of(client).state.services.jobs.drain()
    assert len(await events("session_expired")) == 1


async def test_an_extended_session_does_not_expire_at_its_old_end(client, lot) -> None:
    started = await start(client, lot)
    assert (await extend(client, lot, started["id"], 30)).status_code == 200
    [old, new] = await Job.filter(kind="session_expire").order_by("id")
    await Job.filter(id=old.id).update(run_at=datetime.now(UTC) - timedelta(seconds=1))
    await app_of(client).state.services.jobs.drain()
    assert (await row(started["id"])).status == "active"
    assert datetime.fromisoformat(new.payload["ends_at"]) == (await row(started["id"])).ends_at


async def test_the_reminder_comes_before_the_end_once_per_end(client, lot) -> None:
    started = await start(client, lot, minutes=60)
    [job] = await Job.filter(kind="session_expiring_soon")
    ends_at = datetime.fromisoformat(started["ends_at"])
    assert abs(job.run_at - (ends_at - timedelta(minutes=10))) < timedelta(seconds=2)  # the driver's setting

    await run_jobs(client, "session_expiring_soon")
    [event] = await events("expiring_soon")
    assert event["session_id"] == started["id"]
    assert 58 <= event["minutes_left"] <= 60
    await remind_job(app_of(client).state.services, job.payload)
    assert len(await events("expiring_soon")) == 1

    assert (await extend(client, lot, started["id"], 30)).status_code == 200
    await run_jobs(client, "session_expiring_soon")
    reminders = await events("expiring_soon")
    assert len(reminders) == 2
    assert reminders[1]["ends_at"] == iso((await row(started["id"])).ends_at)


async def test_no_reminder_for_a_session_shorter_than_the_reminder(client, lot) -> None:
    await start(client, lot, minutes=5)
    assert not await Job.exists(kind="session_expiring_soon")


async def test_polling_applies_what_the_provider_says(client, lot, providers) -> None:
    started = await start(client, lot, "forum-p2")
    [first_poll] = await Job.filter(kind="session_poll")
    assert first_poll.payload == {"session_id": started["id"], "seq": 1}
    adapter = await providers.for_facility(lot.remote)

    # Extended at the provider by other means: the end follows it.
    await adapter.extend(started["provider_session_id"], 15)
    await run_jobs(client, "session_poll")
    session = await row(started["id"])
    assert session.ends_at == datetime.fromisoformat(started["ends_at"]) + timedelta(minutes=15)
    assert session.provider_status == "active"
    assert await Job.filter(kind="session_poll", status="pending").count() == 1  # the next poll

    # The provider down: nothing changes, polling goes on.
    await lot.fault(connection="passport-s", endpoint="get", kind="status", status=503, times=None)
    await run_jobs(client, "session_poll")
    assert (await row(started["id"])).status == "active"
    assert await Job.filter(kind="session_poll", status="pending").count() == 1
    await lot.admin.delete("/_sandbox/faults")

    # Stopped at the provider: stopped here too, and polling ends.
    await adapter.stop(started["provider_session_id"])
    await run_jobs(client, "session_poll")
    session = await row(started["id"])
    assert (session.status, session.live_slot) == ("stopped", None)
    assert session.stopped_at is not None
    assert [e["session_id"] for e in await events("session_stopped")] == [started["id"]]
    assert not await Job.exists(kind="session_poll", status="pending")


async def test_native_sessions_are_not_polled(client, lot) -> None:
    await start(client, lot, "kamppi-p1")
    assert not await Job.exists(kind="session_poll")


async def test_the_reconcile_job_of_a_settled_session_changes_nothing(client, lot) -> None:
    started = await start(client, lot, "forum-p2")
    services = app_of(client).state.services
    [job] = await Job.filter(kind="session_reconcile")
    await reconcile_job(services, job.payload)
    await reconcile_job(services, job.payload)
    session = await row(started["id"])
    assert session.status == "active"
    assert (await lot.stats())["sessions_created"] == 1
