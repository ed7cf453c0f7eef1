"""Receipts: queued as a job in the transaction that settles a payment, e-mailed after it commits.

The `send_receipt` job renders the receipt once into an `outbound_email` row (its id derived from
the payment, so a retry finds the same row), sends it, and records each attempt there. An SMTP
failure raises, so the job runner retries it with backoff; nothing waits for it. A payment with
`receipt_sent_at` set is never mailed again.
"""

import logging
from datetime import UTC, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from backend.kit.services import AppServices
from backend.models import OutboundEmail, ParkingPass, ParkingSession, Payment, Stay
from backend.notifications.email import EXTRAS_KEY as MAIL_KEY
from backend.notifications.email import MailSender
from backend.notifications.events import notify_driver
from backend.notifications.receipt_render import ReceiptData, RenderedReceipt, compose, render_receipt
from backend.worker.runner import enqueue
from shared.schemas.events import DriverEventKind

log = logging.getLogger("parkflow.receipts")

SEND_RECEIPT = "send_receipt"
RECEIPTED = {"captured", "partially_refunded", "refunded"}
NOT_SETTLED = {"pending", "authorized"}
DESCRIPTIONS = {
    "stay": "Parking",
    "stay_prepay": "Parking (paid in the app)",
    "session": "Parking session",
    "extension": "Session extension",
    "pass": "Parking pass",
}


class ReceiptNotReadyError(RuntimeError):
    """The payment is not captured yet; the job tries again later."""


async def queue_receipt(payment_id: UUID) -> None:
    """Queue the receipt e-mail for a captured payment (once per payment, however often called)."""
    await enqueue(SEND_RECEIPT, {"payment_id": str(payment_id)}, dedupe_key=f"receipt:{payment_id}")


def receipt_number(payment_id: UUID) -> str:
    return f"PF-{payment_id.hex[:8].upper()}"


def _email_id(payment_id: UUID) -> UUID:
    return uuid5(NAMESPACE_URL, f"parkflow:receipt:{payment_id}")


async def _receipt_data(payment: Payment) -> ReceiptData:
    tenant = await payment.tenant
    facility = None
    plate = ""
    start, end = payment.covers_from, payment.covers_until
    description = DESCRIPTIONS.get(payment.purpose, "Parking")
    if payment.stay_id is not None:
        stay = await Stay.get(id=payment.stay_id).select_related("facility")
        facility, plate = stay.facility, stay.plate
        start, end = start or stay.entered_at, end or stay.exited_at
    elif payment.session_id is not None:
        session = await ParkingSession.get(id=payment.session_id).select_related("facility")
        facility, plate = session.facility, session.plate
        start, end = start or session.starts_at, end or session.ends_at
    elif payment.parking_pass_id is not None:
        parking_pass = await ParkingPass.get(id=payment.parking_pass_id).select_related("facility", "product")
        facility, plate = parking_pass.facility, parking_pass.plate
        start, end = start or parking_pass.valid_from, end or parking_pass.valid_until
        description = f"Parking pass: {parking_pass.product.name}"
    method = await payment.payment_method if payment.payment_method_id else None
    driver = await payment.driver
    return ReceiptData(
        receipt_number=receipt_number(payment.id),
        operator=tenant.name,
        facility=facility.name if facility else "-",
        timezone=facility.timezone if facility else tenant.timezone,
        plate=plate or "-",
        description=description,
        period_start=start,
        period_end=end,
        paid_at=payment.updated_at,
        parking_amount=payment.parking_amount,
        service_fee_amount=payment.service_fee_amount,
        total_amount=payment.amount,
        refunded_amount=payment.refunded_amount,
        currency=payment.currency,
        card=f"{method.brand} ending in {method.last4}" if method else None,
        driver_name=driver.name if driver else "",
    )


async def _outbound_email(payment: Payment, to_address: str) -> OutboundEmail:
    """The receipt's outbound row, rendered the first time (and kept as is for every retry)."""
    email_id = _email_id(payment.id)
    existing = await OutboundEmail.get_or_none(id=email_id)
    if existing is not None:
        return existing
    return await store_receipt_email(email_id, to_address, render_receipt(await _receipt_data(payment)))


async def store_receipt_email(email_id: UUID, to_address: str, rendered: RenderedReceipt) -> OutboundEmail:
    """Keep a rendered receipt as its outbound row under an id derived from what it is about, so a
    retried job (or a concurrent one) finds the same message instead of writing a second."""
    try:
        async with in_transaction():
            return await OutboundEmail.create(
                id=email_id,
                to_address=to_address,
                subject=rendered.subject,
                body_text=rendered.text,
                body_html=rendered.html,
                kind="receipt",
            )
    except IntegrityError:
        return await OutboundEmail.get(id=email_id)


async def send_receipt(services: AppServices, payload: dict[str, Any]) -> None:
    """Job handler for `send_receipt`: idempotent; raises on a failed send so the job is retried."""
    payment = await Payment.get_or_none(id=UUID(payload["payment_id"]))
    if payment is None or payment.receipt_sent_at is not None:
        return
    if payment.status in NOT_SETTLED:
        raise ReceiptNotReadyError(f"payment {payment.id} is {payment.status}, not captured yet")
    if payment.status not in RECEIPTED or payment.driver_id is None:
        return  # nothing was charged, or no one to send it to
    driver = await payment.driver
    outbound = await _outbound_email(payment, driver.email)
    if outbound.status != "sent":
        await deliver(services, outbound, f"receipt.{payment.id}")
    now = datetime.now(UTC)
    marked = await Payment.filter(id=payment.id, receipt_sent_at=None).update(receipt_sent_at=now)
    if marked:
        await notify_driver(
            services,
            payment.driver_id,
            DriverEventKind.receipt_sent,
            {
                "payment_id": str(payment.id),
                "receipt_number": receipt_number(payment.id),
                "email": outbound.to_address,
            },
        )


async def deliver(services: AppServices, outbound: OutboundEmail, message_key: str) -> None:
    """Send a stored message and record the attempt on its row; raises on failure so the job retries.
    `message_key` makes the Message-ID stable across retries."""
    sender: MailSender = services.extras[MAIL_KEY]
    message = compose(
        sender=services.settings.mail_from,
        to=outbound.to_address,
        subject=outbound.subject,
        text=outbound.body_text,
        html=outbound.body_html,
        message_key=message_key,
        date=outbound.created_at,
    )
    try:
        await sender.send(message)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        await OutboundEmail.filter(id=outbound.id).update(
            status="failed", attempts=F("attempts") + 1, last_error=error
        )
        log.warning("receipt %s to %s not sent: %s", outbound.id, outbound.to_address, error)
        raise
    await OutboundEmail.filter(id=outbound.id).update(
        status="sent", attempts=F("attempts") + 1, last_error=None, sent_at=datetime.now(UTC)
    )
