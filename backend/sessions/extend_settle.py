"""Settling an extension: apply it once the provider confirmed (capture, new end, receipt), or fail
it (void) — and decide the ones a timeout or a crash left `pending`, through the provider's view of
the session: its end moved by the duration means it happened.
"""

import logging
from datetime import timedelta

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from backend.kit.services import AppServices
from backend.models import Driver, ParkingSession, Payment, Quote
from backend.notifications.receipts import queue_receipt
from backend.payments.charging import capture_payment, void_payment
from backend.payments.gateways.base import ChargeStateError, PaymentGatewayUnavailableError
from backend.providers.base import ProviderSession
from backend.sessions.followups import schedule_end, tell_driver
from backend.sessions.reconcile import LEASE_SECONDS, SessionBusyError, providers_of
from backend.sessions.repository import facility_of, release_lease, take_lease, utcnow
from backend.sessions.views import session_event
from shared.errors import ErrorCode
from shared.schemas.events import DriverEventKind

log = logging.getLogger("parkflow.sessions")

END_TOLERANCE = timedelta(seconds=1)


async def fail_extension(
    services: AppServices, record: Quote, payment: Payment | None, code: str, reason: str
) -> None:
    await Quote.filter(id=record.id, status="pending").update(
        status="failed", failure_code=str(code), failure_reason=reason[:300]
    )
    if payment is not None and payment.status == "authorized":
        try:
            await void_payment(services, payment)
        except (PaymentGatewayUnavailableError, ChargeStateError) as exc:
            log.warning(
                "could not void extension payment %s yet (the reconcile job retries): %s", payment.id, exc
            )


async def apply_extension(
    services: AppServices,
    session: ParkingSession,
    record: Quote,
    extended: ProviderSession,
    payment: Payment | None,
) -> bool:
    """The provider extended the session: capture, then the new end and amounts (once)."""
    if payment is not None and payment.status == "authorized":
        try:
            payment = await capture_payment(services, payment)
        except (PaymentGatewayUnavailableError, ChargeStateError) as exc:
            log.warning("could not capture extension payment %s yet: %s", payment.id, exc)
    facility = await facility_of(session)
    reminder = await Driver.filter(id=record.driver_id).values_list("reminder_minutes", flat=True)  # type: ignore[attr-defined]
    async with in_transaction():
        applied = await Quote.filter(id=record.id, status="pending").update(status="applied")
        if applied:
            await ParkingSession.filter(id=session.id).update(
                ends_at=extended.ends_at,
                parking_amount=F("parking_amount") + record.parking_amount,
                service_fee_amount=F("service_fee_amount") + record.service_fee_amount,
                total_amount=F("total_amount") + record.total_amount,
                provider_status=extended.status,
                provider_checked_at=utcnow(),
            )
            if payment is not None:
                await Payment.filter(id=payment.id).update(covers_until=extended.ends_at)
                if payment.status == "captured":
                    await queue_receipt(payment.id)
            await schedule_end(session.id, extended.ends_at, reminder[0] if reminder else None)
    if applied:
        await session.refresh_from_db()
        await tell_driver(
            services,
            record.driver_id,  # type: ignore[attr-defined]
            DriverEventKind.session_extended,
            session_event(
                session, facility, added_minutes=record.duration_minutes, amount=record.total_amount
            ),
        )
    return bool(applied)


async def settle_extension(services: AppServices, record: Quote) -> None:
    """Decide a `pending` extension nobody is working on: the provider's end moved by the duration
    means it happened (capture, apply); otherwise void. Raises when the provider cannot say."""
    if record.status != "pending" or record.session_id is None:  # type: ignore[attr-defined]
        return
    session = await ParkingSession.get(id=record.session_id)  # type: ignore[attr-defined]
    lease = await take_lease(session.id, LEASE_SECONDS)
    if lease is None:
        raise SessionBusyError(f"session {session.id} is being changed")
    try:
        payment = await Payment.get_or_none(idempotency_key=f"extension:{record.id}")
        if record.total_amount > 0 and (payment is None or payment.status not in ("authorized", "captured")):
            # The provider is asked only after the authorization succeeded: nothing was extended.
            await fail_extension(
                services, record, None, ErrorCode.payment_failed, "The payment did not go through."
            )
            return
        facility = await facility_of(session)
        provider = await providers_of(services).for_facility(facility)
        current = await provider.get(session.provider_session_id or "")
        if current.ends_at >= record.ends_at - END_TOLERANCE:
            await apply_extension(services, session, record, current, payment)
        else:
            await fail_extension(
                services,
                record,
                payment,
                ErrorCode.provider_unavailable,
                "The parking provider never confirmed the extension; you were not charged for it.",
            )
    finally:
        await release_lease(session.id, lease)


async def extension_reconcile_job(services: AppServices, payload: dict) -> None:
    """Job handler `session_extension_reconcile` (idempotent)."""
    record = await Quote.get_or_none(id=payload["quote_id"])
    if record is None:
        return
    if record.status == "pending":
        await settle_extension(services, record)
        return
    payment = await Payment.get_or_none(idempotency_key=f"extension:{record.id}")
    if payment is None or payment.status != "authorized":
        return
    if record.status == "failed":
        await void_payment(services, payment)
    elif record.status == "applied":
        captured = await capture_payment(services, payment)
        if captured.status == "captured":
            await queue_receipt(captured.id)
            services.jobs.wake()
