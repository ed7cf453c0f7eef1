"""`free_period_ending`: a reminder job N minutes before an open, unpaid stay's free period ends."""

from datetime import UTC, datetime, timedelta

import pytest
from tortoise.transactions import in_transaction

from backend.models import DriverEvent, Job, Stay
from backend.notifications.reminders import FREE_PERIOD_ENDING, schedule_free_period_reminder
from tests.backend.helpers import app_of
from tests.backend.notifications.factories import make_facility, make_stay, signed_in_driver


async def open_stay(client, *, free_minutes: float, paid_until: datetime | None = None) -> Stay:
    driver, _ = await signed_in_driver(client)
    now = datetime.now(UTC)
    return await make_stay(
        driver,
        await make_facility(),
        status="open",
        entered_at=now - timedelta(minutes=10),
        exited_at=None,
        free_until=now + timedelta(minutes=free_minutes),
        paid_until=paid_until,
    )


async def schedule(stay: Stay, **kwargs) -> None:
    async with in_transaction():
        await schedule_free_period_reminder(stay.id, stay.free_until, **kwargs)


async def run_jobs(client) -> None:
    await app_of(client).state.services.jobs.drain()


async def test_the_reminder_runs_n_minutes_before_the_free_period_ends(client) -> None:
    stay = await open_stay(client, free_minutes=30)
    await schedule(stay)
    await schedule(stay)  # once per stay

    [job] = await Job.filter(kind=FREE_PERIOD_ENDING)
    expected = stay.free_until - timedelta(minutes=5)  # the default lead
    assert abs((job.run_at - expected).total_seconds()) < 5
    assert job.dedupe_key == f"free-ending:{stay.id}"
    await run_jobs(client)
    assert not await DriverEvent.exists()  # not due yet


async def test_the_driver_is_told_when_it_is_due(client) -> None:
    stay = await open_stay(client, free_minutes=3)  # already inside the 5 minutes: due at once
    await schedule(stay)
    await run_jobs(client)

    event = await DriverEvent.get(kind="free_period_ending", driver_id=stay.driver_id)
    assert event.payload == {
        "stay_id": str(stay.id),
        "facility": "kamppi-p1",
        "facility_name": "Kamppi P1",
        "timezone": "Europe/Helsinki",
        "license_plate": "ABC-123",
        "free_until": stay.free_until.isoformat(),
        "minutes_left": 2,
    }


async def test_the_lead_time_can_be_given(client) -> None:
    stay = await open_stay(client, free_minutes=12)
    await schedule(stay, lead_minutes=15)
    await run_jobs(client)
    assert await DriverEvent.filter(kind="free_period_ending").count() == 1


@pytest.mark.parametrize("change", ["exited", "paid_in_app", "free_period_moved_past"])
async def test_no_reminder_when_it_no_longer_applies(client, change) -> None:
    stay = await open_stay(client, free_minutes=3)
    await schedule(stay)
    if change == "exited":
        await Stay.filter(id=stay.id).update(status="payment_pending", exited_at=datetime.now(UTC))
    elif change == "paid_in_app":
        await Stay.filter(id=stay.id).update(paid_until=stay.free_until + timedelta(hours=1))
    else:
        await Stay.filter(id=stay.id).update(free_until=datetime.now(UTC) - timedelta(seconds=1))
    await run_jobs(client)
    assert not await DriverEvent.exists()
    assert (await Job.get(kind=FREE_PERIOD_ENDING)).status == "done"


async def test_a_job_run_twice_tells_the_driver_once(client) -> None:
    stay = await open_stay(client, free_minutes=3)
    await schedule(stay)
    await run_jobs(client)
    # As if a runner had died after notifying: the job is claimed and run again.
    await Job.filter(kind=FREE_PERIOD_ENDING).update(status="pending", run_at=datetime.now(UTC))
    await run_jobs(client)
    assert await DriverEvent.filter(kind="free_period_ending").count() == 1


async def test_nothing_is_scheduled_without_a_future_free_period(client) -> None:
    stay = await open_stay(client, free_minutes=-1)
    await schedule(stay)
    await schedule_free_period_reminder(stay.id, None)
    assert not await Job.exists()
