"""What a session change leaves for later: jobs (enqueued inside its transaction) and the driver's
notification (after the commit).

Job kinds and their dedupe keys (a key used once makes a second enqueue a no-op, so a request or a
job that runs twice schedules once):

* `session_reconcile` — `session-reconcile:<id>`: the safety net of a start, due a while after it
  (`PARKFLOW_SESSION_RECONCILE_SECONDS`): settles a session a crash left `pending`, captures or
  voids what a failed call left authorized.
* `session_extension_reconcile` — the same for an extension (`extension-reconcile:<quote id>`).
* `session_expire` — `session-expire:<id>:<ends_at>`: at the paid end, `expired` locally even when
  the provider is down. An extension schedules one for its new end; the old one finds the session
  still running and does nothing.
* `session_expiring_soon` — `session-remind:<id>:<ends_at>:<minutes>`: the driver's reminder
  (`Driver.reminder_minutes` before the end, 10 by default); rescheduled by an extension the same way,
  and by the driver changing the lead time (a job whose `minutes` is no longer the driver's setting,
  or any when the setting is 0, stays quiet).
* `session_poll` — `session-poll:<id>:<n>`: provider sessions only, every
  `PARKFLOW_SESSION_POLL_SECONDS`; each poll enqueues the next while the session is active.
* `session_refund` — `session-refund:<id>`: after an early stop; then `session_stop_receipt`.
"""

import logging
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from backend.config import Settings
from backend.kit.services import AppServices
from backend.notifications.events import notify_driver
from backend.sessions.repository import utcnow
from backend.worker.runner import enqueue

log = logging.getLogger("parkflow.sessions")

RECONCILE = "session_reconcile"
EXTENSION_RECONCILE = "session_extension_reconcile"
EXPIRE = "session_expire"
REMIND = "session_expiring_soon"
POLL = "session_poll"
REFUND = "session_refund"
STOP_RECEIPT = "session_stop_receipt"

# Reconciliation keeps trying for hours (backoff doubles up to an hour) before it gives up.
RECONCILE_ATTEMPTS = 20


def _delay_until(moment: datetime) -> timedelta:
    return max(moment - utcnow(), timedelta())


async def schedule_reconcile(session_id: UUID, settings: Settings) -> None:
    await enqueue(
        RECONCILE,
        {"session_id": str(session_id)},
        delay=timedelta(seconds=settings.session_reconcile_seconds),
        dedupe_key=f"session-reconcile:{session_id}",
        max_attempts=RECONCILE_ATTEMPTS,
    )


async def schedule_extension_reconcile(quote_id: UUID, settings: Settings) -> None:
    await enqueue(
        EXTENSION_RECONCILE,
        {"quote_id": str(quote_id)},
        delay=timedelta(seconds=settings.session_reconcile_seconds),
        dedupe_key=f"extension-reconcile:{quote_id}",
        max_attempts=RECONCILE_ATTEMPTS,
    )


async def schedule_end(session_id: UUID, ends_at: datetime, reminder_minutes: int | None) -> None:
    """The expiry at `ends_at` and the reminder before it (none when that moment has passed)."""
    end = ends_at.isoformat()
    payload = {"session_id": str(session_id), "ends_at": end}
    await enqueue(
        EXPIRE, payload, delay=_delay_until(ends_at), dedupe_key=f"session-expire:{session_id}:{end}"
    )
    if reminder_minutes:
        await schedule_reminder(session_id, ends_at, reminder_minutes)


async def schedule_reminder(
    session_id: UUID, ends_at: datetime, reminder_minutes: int, *, catch_up: bool = False
) -> None:
    """The reminder `reminder_minutes` before `ends_at`: none when 0, nor when that moment has passed,
    unless `catch_up` (the lead time was made longer mid-session: remind now, as the old reminder
    will stay quiet)."""
    remind_at = ends_at - timedelta(minutes=reminder_minutes)
    if reminder_minutes <= 0 or ends_at <= utcnow() or (remind_at <= utcnow() and not catch_up):
        return
    end = ends_at.isoformat()
    await enqueue(
        REMIND,
        {"session_id": str(session_id), "ends_at": end, "minutes": reminder_minutes},
        delay=_delay_until(remind_at),
        dedupe_key=f"session-remind:{session_id}:{end}:{reminder_minutes}",
        max_attempts=3,
    )


async def schedule_poll(session_id: UUID, seq: int, settings: Settings) -> None:
    await enqueue(
        POLL,
        {"session_id": str(session_id), "seq": seq},
        delay=timedelta(seconds=settings.session_poll_seconds),
        dedupe_key=f"session-poll:{session_id}:{seq}",
        max_attempts=3,
    )


async def schedule_refund(session_id: UUID, settings: Settings) -> None:
    """The refund of an early stop: a safety net, as the stop request refunds at once."""
    await enqueue(
        REFUND,
        {"session_id": str(session_id)},
        delay=timedelta(seconds=settings.session_reconcile_seconds),
        dedupe_key=f"session-refund:{session_id}",
        max_attempts=RECONCILE_ATTEMPTS,
    )


async def schedule_stop_receipt(session_id: UUID) -> None:
    """The closing receipt, once the refund is done."""
    await enqueue(
        STOP_RECEIPT, {"session_id": str(session_id)}, dedupe_key=f"session-stop-receipt:{session_id}"
    )


async def tell_driver(
    services: AppServices, driver_id: UUID | None, kind: str, payload: dict[str, Any]
) -> None:
    """Wake the job runner and notify the driver, after the change committed. A failed notification
    is logged, never raised: the change it reports has happened and the driver gets the answer."""
    services.jobs.wake()
    if driver_id is None:
        return
    try:
        await notify_driver(services, driver_id, kind, payload)
    except Exception:
        log.exception("could not notify driver %s of %s", driver_id, kind)
