"""`free_period_ending`: tell the driver a few minutes before an open stay's free period ends."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from backend.config import get_settings
from backend.kit.services import AppServices
from backend.models import DriverEvent, Stay
from backend.notifications.events import notify_driver
from backend.worker.runner import enqueue
from shared.schemas.events import DriverEventKind

FREE_PERIOD_ENDING = "free_period_ending"


async def schedule_free_period_reminder(
    stay_id: UUID, free_until: datetime | None, *, lead_minutes: int | None = None
) -> None:
    """Queue the reminder for an open stay (call inside the transaction that opened it, then
    `services.jobs.wake()` after the commit). It runs `lead_minutes` before `free_until` (default
    `PARKFLOW_FREE_PERIOD_REMINDER_MINUTES`, 5), at once when that moment has passed, and not at all
    when the free period is already over or there is none. Once per stay, however often called."""
    if free_until is None:
        return
    now = datetime.now(UTC)
    if free_until <= now:
        return
    if lead_minutes is None:
        lead_minutes = get_settings().free_period_reminder_minutes
    delay = max(free_until - timedelta(minutes=lead_minutes) - now, timedelta())
    await enqueue(
        FREE_PERIOD_ENDING,
        {"stay_id": str(stay_id)},
        delay=delay,
        dedupe_key=f"free-ending:{stay_id}",
        max_attempts=3,
    )


async def send_free_period_reminder(services: AppServices, payload: dict[str, Any]) -> None:
    """Job handler: notify only while the stay is open, unpaid past its free period, and the free
    period has not ended yet (a reminder after the fact helps no one); never to a driver who turned
    reminders off (`reminder_minutes` 0)."""
    stay = await Stay.get_or_none(id=UUID(payload["stay_id"])).select_related("facility", "driver")
    now = datetime.now(UTC)
    if stay is None or stay.driver_id is None or stay.status != "open" or stay.free_until is None:
        return
    if stay.driver.reminder_minutes <= 0:
        return
    if stay.free_until <= now:
        return
    if stay.paid_until is not None and stay.paid_until >= stay.free_until:
        return
    # A job may run twice (runner died after notifying): say it once.
    recent = await DriverEvent.filter(
        driver_id=stay.driver_id, kind=FREE_PERIOD_ENDING, created_at__gte=now - timedelta(hours=2)
    ).values_list("payload", flat=True)
    if any(isinstance(sent, dict) and sent.get("stay_id") == str(stay.id) for sent in recent):
        return
    await notify_driver(
        services,
        stay.driver_id,
        DriverEventKind.free_period_ending,
        {
            "stay_id": str(stay.id),
            "facility": stay.facility.slug,
            "facility_name": stay.facility.name,
            "timezone": stay.facility.timezone,
            "license_plate": stay.plate,
            "free_until": stay.free_until.isoformat(),
            "minutes_left": int((stay.free_until - now).total_seconds() // 60),
        },
    )
