"""The driver's profile and settings: name, auto-pay, reminder lead time."""

from tortoise.transactions import in_transaction

from backend.kit.services import AppServices
from backend.models import Driver, ParkingSession
from backend.sessions.followups import schedule_reminder
from backend.sessions.repository import utcnow
from shared.schemas.account import DriverProfile, ProfileUpdate


def profile_out(driver: Driver) -> DriverProfile:
    return DriverProfile(
        id=str(driver.id),
        email=driver.email,
        name=driver.name,
        auto_pay=driver.auto_pay,
        reminder_minutes=driver.reminder_minutes,
        created_at=driver.created_at,
    )


async def update_profile(services: AppServices, driver: Driver, body: ProfileUpdate) -> DriverProfile:
    """Change what was sent. A new reminder lead time also applies to the sessions running now: each
    gets a reminder at its new moment, or at once when that has passed (the one queued for the old
    lead time stays quiet; 0 silences them all)."""
    changes = body.model_dump(exclude_unset=True)
    minutes = changes.get("reminder_minutes", driver.reminder_minutes)
    rescheduled = False
    async with in_transaction():
        if changes:
            await Driver.filter(id=driver.id).update(**changes)
        if minutes != driver.reminder_minutes and minutes > 0:
            running = await ParkingSession.filter(
                driver_id=driver.id, status="active", ends_at__gt=utcnow()
            ).values_list("id", "ends_at")
            for session_id, ends_at in running:
                await schedule_reminder(session_id, ends_at, minutes, catch_up=True)
                rescheduled = True
    if rescheduled:
        services.jobs.wake()
    for name, value in changes.items():
        setattr(driver, name, value)
    return profile_out(driver)
