"""The closing receipt of a session stopped early: what was charged, what was refunded.

Start and extension receipts are the payments' own (`notifications.receipts.queue_receipt`); a stop
moves no new money in, so its receipt is the session's statement, e-mailed once by the
`session_stop_receipt` job (rendered once into an `outbound_email` row whose id derives from the
session, so a retried job finds and re-sends the same message). It waits for the refund.
"""

import logging
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from backend.kit.services import AppServices
from backend.models import Driver, OutboundEmail, ParkingSession, Payment, PaymentMethod, Tenant
from backend.notifications.receipt_render import ReceiptData, render_receipt
from backend.notifications.receipts import deliver, store_receipt_email
from backend.sessions.repository import facility_of, session_payments
from backend.sessions.stop import RefundPendingError

log = logging.getLogger("parkflow.sessions")


def _email_id(session_id: UUID) -> UUID:
    return uuid5(NAMESPACE_URL, f"parkflow:session-stop:{session_id}")


async def _receipt_data(session: ParkingSession, driver: Driver, payments: list[Payment]) -> ReceiptData:
    facility = await facility_of(session)
    tenant = await Tenant.get(id=session.tenant_id)  # type: ignore[attr-defined]
    method = None
    if payments and payments[0].payment_method_id is not None:  # type: ignore[attr-defined]
        method = await PaymentMethod.get_or_none(id=payments[0].payment_method_id)  # type: ignore[attr-defined]
    return ReceiptData(
        receipt_number=f"PF-{session.id.hex[:8].upper()}-END",
        operator=tenant.name,
        facility=facility.name,
        timezone=facility.timezone,
        plate=session.plate,
        description="Parking session, stopped early",
        period_start=session.starts_at,
        period_end=session.stopped_at,
        paid_at=session.stopped_at or session.updated_at,
        parking_amount=session.parking_amount,
        service_fee_amount=session.service_fee_amount,
        total_amount=session.total_amount,
        refunded_amount=session.refunded_amount,
        currency=session.currency,
        card=f"{method.brand} ending in {method.last4}" if method else None,
        driver_name=driver.name,
    )


async def send_stop_receipt(services: AppServices, payload: dict[str, Any]) -> None:
    """Job handler `session_stop_receipt`: idempotent; raises (the job retries) while the refund is
    not done or the mail server fails."""
    session = await ParkingSession.get_or_none(id=UUID(payload["session_id"]))
    if session is None or session.status != "stopped" or session.driver_id is None:  # type: ignore[attr-defined]
        return
    email_id = _email_id(session.id)
    outbound = await OutboundEmail.get_or_none(id=email_id)
    if outbound is None:
        payments = await session_payments(session.id)
        if sum(p.refunded_amount for p in payments) < session.refunded_amount:
            raise RefundPendingError(f"session {session.id}: the refund is not done yet")
        driver = await Driver.get(id=session.driver_id)  # type: ignore[attr-defined]
        rendered = render_receipt(await _receipt_data(session, driver, payments))
        outbound = await store_receipt_email(email_id, driver.email, rendered)
    if outbound.status != "sent":
        await deliver(services, outbound, f"session-stop.{session.id}")
