"""`POST /sessions/{id}/stop`: end an active session early, refunding per the facility's `early_stop`.

* `refund_unused`: the driver gets back the whole increments they did not start. The session's
  parking was charged for its full duration; what the time actually used costs (every started
  increment, the minimum charge and the daily cap applied by the tariff as always) is kept, the
  rest refunded. The service fee follows the same rule: the fee of what was used is kept (its fixed
  part included), the rest of the fee refunded — a stop inside the free period refunds everything.
* `no_refund`: nothing is refunded.

The provider stops the session first (unavailable: 503, the session keeps running and nothing is
refunded). Then, in one transaction, the session becomes `stopped` with `stopped_at` and the refund
it is owed (`refunded_amount`), with a `session_refund` job as a safety net and the closing receipt
job. The refund itself runs at once, outside the transaction, newest payment first; it is
computed as "owed minus already refunded", so running it again (the job) refunds nothing twice.

Stopping a stopped session answers it as it is (200, nothing twice). Stopping an expired, pending
or failed one is a 409 `session_not_active`.
"""

import asyncio
import logging
from datetime import datetime

from tortoise.transactions import in_transaction

from backend.kit.errors import ConflictError
from backend.kit.services import AppServices
from backend.models import Driver, Facility, ParkingSession, Payment, Tenant
from backend.payments.charging import refund_payment
from backend.providers.base import ProviderRejectedError, ProviderUnavailableError
from backend.providers.registry import ProviderRegistry
from backend.sessions.extend import WAIT_SECONDS, not_active
from backend.sessions.followups import schedule_refund, schedule_stop_receipt, tell_driver
from backend.sessions.reconcile import LEASE_SECONDS
from backend.sessions.repository import (
    ENDED,
    driver_session,
    expire_if_over,
    facility_of,
    release_lease,
    session_payments,
    take_lease,
    utcnow,
)
from backend.sessions.views import session_event, session_out
from backend.stays.pricing import service_fee_of, tariff_of
from shared.errors import ErrorCode
from shared.pricing import quote, service_fee_amount
from shared.schemas.events import DriverEventKind
from shared.schemas.sessions import SessionOut

log = logging.getLogger("parkflow.sessions")

REFUNDABLE = ("captured", "partially_refunded")


class RefundPendingError(RuntimeError):
    """Part of the refund could not be made yet; the job tries again."""


def refund_owed(facility: Facility, tenant: Tenant, session: ParkingSession, stopped_at: datetime) -> int:
    """What stopping at `stopped_at` gives back (see the module doc)."""
    if facility.early_stop != "refund_unused":
        return 0
    used = quote(
        tariff_of(facility), session.starts_at, max(stopped_at, session.starts_at), facility.timezone
    )
    used_fee = service_fee_amount(used.parking_amount, service_fee_of(tenant))
    parking_back = max(0, session.parking_amount - used.parking_amount)
    fee_back = max(0, session.service_fee_amount - used_fee)
    return min(parking_back + fee_back, session.total_amount)


async def stop_session(
    services: AppServices, providers: ProviderRegistry, driver: Driver, session_id: str
) -> SessionOut:
    session = await driver_session(driver, session_id)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT_SECONDS
    while True:
        if session.status == "stopped":
            return await session_out(session)
        if session.status == "active" and session.ends_at <= utcnow():
            await expire_if_over(session.id)
        if session.status != "active" or session.ends_at <= utcnow():
            raise not_active(session)
        lease = await take_lease(session.id, LEASE_SECONDS, status="active")
        if lease is not None:
            break
        if loop.time() > deadline:
            raise ConflictError("Another change to this session is in progress; try again in a moment.")
        await asyncio.sleep(0.05)
        await session.refresh_from_db()
    try:
        await session.refresh_from_db()
        if session.status != "active":
            raise not_active(session)
        facility = await facility_of(session)
        stopped_at = await _stop_at_provider(providers, facility, session)
        tenant = await Tenant.get(id=facility.tenant_id)  # type: ignore[attr-defined]
        refund = refund_owed(facility, tenant, session, stopped_at)
        async with in_transaction():
            updated = await ParkingSession.filter(id=session.id, status="active").update(
                status="stopped",
                stopped_at=stopped_at,
                refunded_amount=refund,
                provider_status="stopped",
                provider_checked_at=utcnow(),
                **ENDED,
            )
            if updated:
                await Payment.filter(session_id=session.id, covers_until__gt=stopped_at).update(
                    covers_until=stopped_at
                )
                await schedule_refund(session.id, services.settings)
    finally:
        await release_lease(session.id, lease)
    await session.refresh_from_db()
    if updated:
        try:
            await settle_refund(services, session)
        except Exception:  # the session_refund job retries; the driver's stop stands
            log.exception("session %s: refund not completed yet", session.id)
        await tell_driver(
            services,
            session.driver_id,  # type: ignore[attr-defined]
            DriverEventKind.session_stopped,
            session_event(session, facility),
        )
    return await session_out(session)


async def _stop_at_provider(
    providers: ProviderRegistry, facility: Facility, session: ParkingSession
) -> datetime:
    """Stop at the provider; the moment it stopped (within the session's paid time)."""
    provider = await providers.for_facility(facility)
    try:
        stopped = await provider.stop(session.provider_session_id or "")
    except ProviderRejectedError as exc:
        if exc.code == ErrorCode.session_not_active:
            # Over at the provider already: it ran to its end.
            await expire_if_over(session.id)
            raise ProviderRejectedError(
                "This session has already ended at the parking provider; nothing to stop.",
                ErrorCode.session_not_active,
            ) from exc
        raise
    except ProviderUnavailableError as exc:
        raise ProviderUnavailableError(
            f"{facility.name}'s parking provider is not answering, so the session was not stopped and is "
            "still running; try again in a few minutes."
        ) from exc
    moment = stopped.ends_at if stopped.status == "stopped" else utcnow()
    return min(max(moment, session.starts_at), session.ends_at)


async def settle_refund(services: AppServices, session: ParkingSession) -> None:
    """Refund what the stopped session is owed and not yet refunded, newest payment first."""
    payments = await session_payments(session.id)
    remaining = session.refunded_amount - sum(p.refunded_amount for p in payments)
    for payment in reversed(payments):
        if remaining <= 0:
            break
        if payment.status not in REFUNDABLE:
            continue
        amount = min(remaining, payment.amount - payment.refunded_amount)
        if amount > 0:
            before = payment.refunded_amount
            refunded = await refund_payment(services, payment, amount)  # refreshes `payment` too
            remaining -= refunded.refunded_amount - before
    if remaining > 0:
        raise RefundPendingError(f"session {session.id}: {remaining} still to refund")
    await schedule_stop_receipt(session.id)
    services.jobs.wake()


async def refund_job(services: AppServices, payload: dict) -> None:
    """Job handler `session_refund` (idempotent: refunds only what is still owed)."""
    session = await ParkingSession.get_or_none(id=payload["session_id"])
    if session is not None and session.status == "stopped":
        await settle_refund(services, session)
