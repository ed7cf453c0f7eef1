"""Settling a start: make a session `active` (capture) or `failed` (void) — and decide the ones a
timeout or a crash left in doubt, without ever starting twice.

A start that timed out may still have happened at the provider (CONTRACT §6). The provider's
`rights` for the plate are the only witness: a session there in the facility's zone, active, that
began after our pending row was written and runs the quoted duration (± a minute), and that no other
of our sessions already holds, is ours — adopted and paid. Nothing there: the start did not happen;
the authorization is voided and the driver is told (503), never charged. When `rights` cannot be
read either, nothing is decided: the session stays `pending` (its authorization held, not
captured) and the `session_reconcile` job asks again later, for as long as it takes.

The same job is the safety net of every start: due a while after the session was opened, it finds
a session a crashed request left `pending`, an authorization left uncaptured, or a void that failed.
"""

import logging
from datetime import timedelta
from uuid import UUID

from tortoise.transactions import in_transaction

from backend.kit.services import AppServices
from backend.models import Driver, Facility, ParkingSession, Payment, Quote
from backend.notifications.receipts import queue_receipt
from backend.payments.charging import capture_payment, void_payment
from backend.payments.gateways.base import ChargeStateError, PaymentGatewayUnavailableError
from backend.providers.base import ParkingProvider, ProviderSession
from backend.providers.registry import EXTRAS_KEY as PROVIDERS_KEY
from backend.providers.registry import ProviderRegistry, provider_zone
from backend.sessions.followups import schedule_end, schedule_poll, tell_driver
from backend.sessions.repository import (
    ENDED,
    facility_of,
    release_lease,
    session_payments,
    take_lease,
    utcnow,
)
from backend.sessions.views import session_event
from shared.errors import ErrorCode
from shared.schemas.events import DriverEventKind

log = logging.getLogger("parkflow.sessions")

CLOCK_SKEW = timedelta(minutes=2)
DURATION_TOLERANCE = timedelta(minutes=1)
# How long a request or job may hold a session while it talks to the provider and the processor.
LEASE_SECONDS = 90.0


class SessionBusyError(RuntimeError):
    """Someone else is changing the session right now; the job tries again later."""


def providers_of(services: AppServices) -> ProviderRegistry:
    return services.extras[PROVIDERS_KEY]


async def match_started(
    provider: ParkingProvider, facility: Facility, session: ParkingSession
) -> ProviderSession | None:
    """The provider's session our start created, or None. Raises ProviderUnavailableError when the
    provider cannot say."""
    rights = await provider.rights(session.plate)
    duration = session.ends_at - session.starts_at
    zone = provider_zone(facility)
    held = set(
        await ParkingSession.filter(
            facility_id=facility.id, provider_session_id__in=[r.session_id for r in rights] or [""]
        )
        .exclude(id=session.id)
        .values_list("provider_session_id", flat=True)
    )
    candidates = [
        right
        for right in rights
        if right.status == "active"
        and right.zone_number in (None, zone)
        and right.starts_at >= session.created_at - CLOCK_SKEW
        and abs((right.ends_at - right.starts_at) - duration) <= DURATION_TOLERANCE
        and right.session_id not in held
    ]
    return max(candidates, key=lambda right: (right.starts_at, right.session_id), default=None)


async def _capture(services: AppServices, payment: Payment) -> Payment:
    try:
        return await capture_payment(services, payment)
    except (PaymentGatewayUnavailableError, ChargeStateError) as exc:
        # The driver is parked: the capture is retried by the reconcile job.
        log.warning("could not capture payment %s yet: %s", payment.id, exc)
        return payment


async def activate(
    services: AppServices, session: ParkingSession, started: ProviderSession, payment: Payment | None
) -> bool:
    """The provider confirmed: capture, then `pending` -> `active` with the provider's id and times,
    receipt, expiry and reminder jobs, and `session_started`. False if the session was settled
    meanwhile by someone else."""
    if payment is not None:
        payment = await _capture(services, payment)
    facility = await facility_of(session)
    reminder = await Driver.filter(id=session.driver_id).values_list("reminder_minutes", flat=True)  # type: ignore[attr-defined]
    now = utcnow()
    async with in_transaction():
        updated = await ParkingSession.filter(id=session.id, status="pending").update(
            status="active",
            provider_session_id=started.session_id,
            starts_at=started.starts_at,
            ends_at=started.ends_at,
            provider_status=started.status,
            provider_checked_at=now,
            busy_until=None,
            failure_code=None,
            failure_reason=None,
        )
        if updated:
            if payment is not None:
                await Payment.filter(id=payment.id).update(
                    covers_from=started.starts_at, covers_until=started.ends_at
                )
                if payment.status == "captured":
                    await queue_receipt(payment.id)
            await schedule_end(session.id, started.ends_at, reminder[0] if reminder else None)
            if facility.provider_connection_id is not None:  # type: ignore[attr-defined]
                await schedule_poll(session.id, 1, services.settings)
    if updated:
        await session.refresh_from_db()
        await tell_driver(
            services,
            session.driver_id,  # type: ignore[attr-defined]
            DriverEventKind.session_started,
            session_event(session, facility),
        )
    return bool(updated)


async def void_authorized(services: AppServices, session_id: UUID, purpose: str | None = None) -> None:
    for payment in await session_payments(session_id):
        if payment.status == "authorized" and purpose in (None, payment.purpose):
            try:
                await void_payment(services, payment)
            except (PaymentGatewayUnavailableError, ChargeStateError) as exc:
                log.warning("could not void payment %s yet (the reconcile job retries): %s", payment.id, exc)


async def abandon(services: AppServices, session: ParkingSession, code: ErrorCode | str, reason: str) -> bool:
    """The start failed: `pending` -> `failed` (the plate free again, the quote usable again), and
    the authorization voided. Nothing was captured. False if the session was settled meanwhile."""
    async with in_transaction():
        updated = await ParkingSession.filter(id=session.id, status="pending").update(
            status="failed", failure_code=str(code), failure_reason=reason[:300], **ENDED
        )
        if updated:
            await Quote.filter(session_id=session.id, purpose="session").update(session_id=None)
    await void_authorized(services, session.id)
    return bool(updated)


async def capture_authorized(services: AppServices, session_id: UUID) -> None:
    """Capture what a failed capture left authorized on a session that started (extensions have
    their own reconcile job)."""
    for payment in await session_payments(session_id):
        if payment.status == "authorized" and payment.purpose == "session":
            captured = await capture_payment(services, payment)  # raises: the job retries
            if captured.status == "captured":
                await queue_receipt(captured.id)
                services.jobs.wake()


async def settle_pending(services: AppServices, session: ParkingSession) -> None:
    """Decide a `pending` session nobody is working on (see the module doc). Raises
    ProviderUnavailableError when the provider cannot be asked, SessionBusyError when someone
    holds the session."""
    lease = await take_lease(session.id, LEASE_SECONDS, status="pending")
    if lease is None:
        raise SessionBusyError(f"session {session.id} is being changed")
    try:
        facility = await facility_of(session)
        payments = [p for p in await session_payments(session.id) if p.purpose == "session"]
        payment = payments[0] if payments else None
        # The provider is asked only after the authorization succeeded: without one, no start ran.
        may_have_started = session.total_amount == 0 or (
            payment is not None and payment.status in ("authorized", "captured")
        )
        found = None
        if may_have_started:
            provider = await providers_of(services).for_facility(facility)
            found = await match_started(provider, facility, session)
        if found is not None:
            log.info("session %s: adopting provider session %s", session.id, found.session_id)
            await activate(services, session, found, payment)
        else:
            await abandon(
                services,
                session,
                ErrorCode.provider_unavailable,
                "The parking provider never confirmed the session, so it did not start; "
                "you were not charged.",
            )
    finally:
        await release_lease(session.id, lease)


async def reconcile_job(services: AppServices, payload: dict) -> None:
    """Job handler `session_reconcile` (idempotent: each branch is a no-op once settled)."""
    session = await ParkingSession.get_or_none(id=UUID(payload["session_id"]))
    if session is None:
        return
    if session.status == "pending":
        if session.busy_until is not None and session.busy_until > utcnow():
            raise SessionBusyError(f"session {session.id} is still being started")
        await settle_pending(services, session)
    elif session.status == "failed":
        await void_authorized(services, session.id)
    else:
        await capture_authorized(services, session.id)
