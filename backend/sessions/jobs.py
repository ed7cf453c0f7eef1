"""Background work of prepaid sessions: expiry, reminders, provider polling (plus the reconcile,
refund and receipt handlers of the use-case modules), registered by `install_sessions`.

Every handler is idempotent: state changes are conditional updates, and a notification is sent
only if the driver has not had it yet, so a job that a dying runner leaves half-done and that runs
again does its work once.
"""

import logging
from datetime import datetime
from functools import partial
from typing import Any
from uuid import UUID

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from backend.kit.services import AppServices
from backend.models import Driver, Facility, ParkingSession
from backend.providers.base import ProviderError, ProviderSession
from backend.sessions.extend_settle import extension_reconcile_job
from backend.sessions.followups import (
    EXPIRE,
    EXTENSION_RECONCILE,
    POLL,
    RECONCILE,
    REFUND,
    REMIND,
    STOP_RECEIPT,
    schedule_end,
    schedule_poll,
    tell_driver,
)
from backend.sessions.receipts import send_stop_receipt
from backend.sessions.reconcile import SessionBusyError, providers_of, reconcile_job
from backend.sessions.repository import ENDED, already_notified, expire_if_over, facility_of, utcnow
from backend.sessions.stop import refund_job
from backend.sessions.views import session_event
from shared.schemas.events import DriverEventKind

log = logging.getLogger("parkflow.sessions")


async def _notify_expired(services: AppServices, session: ParkingSession, facility: Facility) -> None:
    driver_id = session.driver_id  # type: ignore[attr-defined]
    kind = DriverEventKind.session_expired
    if not await already_notified(driver_id, kind, session.starts_at, session_id=str(session.id)):
        await tell_driver(services, driver_id, kind, session_event(session, facility))


async def expire_job(services: AppServices, payload: dict[str, Any]) -> None:
    """`session_expire`: at the paid end the session is `expired` here, whatever the provider says
    (or does not say: it may be down)."""
    session = await ParkingSession.get_or_none(id=UUID(payload["session_id"]))
    if session is None:
        return
    if session.status == "active":
        if session.ends_at > utcnow():
            return  # extended: the job of its new end takes over
        if not await expire_if_over(session.id):
            await session.refresh_from_db()
            if session.status == "active":
                raise SessionBusyError(f"session {session.id} is being changed; expiring it later")
        await session.refresh_from_db()
    if session.status == "expired":
        await _notify_expired(services, session, await facility_of(session))


async def remind_job(services: AppServices, payload: dict[str, Any]) -> None:
    """`session_expiring_soon`: tell the driver the session ends soon (once per end: an extension
    moves the end and schedules its own reminder). Quiet when the driver has turned reminders off
    (`reminder_minutes` 0) or changed the lead time since it was queued (that queued its own)."""
    session = await ParkingSession.get_or_none(id=UUID(payload["session_id"]))
    if session is None or session.status != "active":
        return
    now = utcnow()
    if session.ends_at != datetime.fromisoformat(payload["ends_at"]) or session.ends_at <= now:
        return
    driver_id = session.driver_id  # type: ignore[attr-defined]
    setting = await Driver.filter(id=driver_id).values_list("reminder_minutes", flat=True)
    if not setting or setting[0] <= 0 or payload.get("minutes", setting[0]) != setting[0]:
        return
    kind = DriverEventKind.expiring_soon
    marker = payload["ends_at"]
    if await already_notified(
        driver_id, kind, session.starts_at, session_id=str(session.id), reminder_for=marker
    ):
        return
    facility = await facility_of(session)
    minutes_left = int((session.ends_at - now).total_seconds() // 60)
    await tell_driver(
        services,
        driver_id,
        kind,
        session_event(session, facility, minutes_left=minutes_left, reminder_for=marker),
    )


async def _apply_remote(
    services: AppServices, session: ParkingSession, facility: Facility, remote: ProviderSession
) -> None:
    """What the provider says the session is, applied here (only if nobody changed it meanwhile)."""
    now = utcnow()
    unchanged = ParkingSession.filter(
        Q(busy_until=None) | Q(busy_until__lt=now), id=session.id, status="active", ends_at=session.ends_at
    )
    seen = {"provider_status": remote.status, "provider_checked_at": now}
    if remote.status == "stopped":
        stopped_at = min(max(remote.ends_at, session.starts_at), session.ends_at)
        if await unchanged.update(status="stopped", stopped_at=stopped_at, **seen, **ENDED):
            log.info("session %s was stopped at the provider", session.id)
            await session.refresh_from_db()
            await tell_driver(
                services,
                session.driver_id,  # type: ignore[attr-defined]
                DriverEventKind.session_stopped,
                session_event(session, facility),
            )
    elif remote.status == "expired" or remote.ends_at <= now:
        ends_at = min(remote.ends_at, session.ends_at)
        if await unchanged.update(status="expired", ends_at=ends_at, **seen, **ENDED):
            await session.refresh_from_db()
            await _notify_expired(services, session, facility)
    elif abs((remote.ends_at - session.ends_at).total_seconds()) > 1:
        log.warning(
            "session %s: the provider's end %s differs from ours; taking it", session.id, remote.ends_at
        )
        reminder = None
        if session.driver_id is not None:  # type: ignore[attr-defined]
            driver = await session.driver
            reminder = driver.reminder_minutes
        async with in_transaction():
            if await unchanged.update(ends_at=remote.ends_at, **seen):
                await schedule_end(session.id, remote.ends_at, reminder)
    else:
        await ParkingSession.filter(id=session.id, status="active").update(**seen)


async def poll_job(services: AppServices, payload: dict[str, Any]) -> None:
    """`session_poll`: ask the provider how an active session is (nothing is pushed back), then
    schedule the next poll while it stays active. A provider that does not answer changes nothing."""
    session = await ParkingSession.get_or_none(id=UUID(payload["session_id"]))
    if session is None or session.status != "active":
        return
    facility = await facility_of(session)
    if facility.provider_connection_id is None or session.provider_session_id is None:  # type: ignore[attr-defined]
        return  # native: this database is the provider
    try:
        provider = await providers_of(services).for_facility(facility)
        remote = await provider.get(session.provider_session_id)
    except ProviderError as exc:
        log.warning("session %s: provider status unknown this time: %s", session.id, exc.detail)
        remote = None
    if remote is not None:
        await _apply_remote(services, session, facility, remote)
    await session.refresh_from_db()
    if session.status == "active" and session.ends_at > utcnow():
        await schedule_poll(session.id, int(payload.get("seq", 1)) + 1, services.settings)


def install_sessions(services: AppServices) -> None:
    """Register the session job handlers (API process and `parkflow worker` alike)."""
    handlers = {
        RECONCILE: reconcile_job,
        EXTENSION_RECONCILE: extension_reconcile_job,
        EXPIRE: expire_job,
        REMIND: remind_job,
        POLL: poll_job,
        REFUND: refund_job,
        STOP_RECEIPT: send_stop_receipt,
    }
    for kind, handler in handlers.items():
        services.jobs.register(kind, partial(handler, services))
