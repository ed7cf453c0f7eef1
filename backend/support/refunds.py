"""Refunding an upheld dispute: the job `dispute_refund` (dedupe key `dispute-refund:<ticket id>`),
enqueued by the resolution in its transaction when the operator asks for the refund.

Each payment named at resolution is refunded in full of what is left (the gateway is asked what it
already refunded, so retries never refund twice); a prepaid session's `refunded_amount` follows its
payments. The ticket gets a system message saying what went back to which card, and the driver is told.
"""

import logging
from datetime import UTC, datetime
from functools import partial
from uuid import UUID

from tortoise.functions import Sum

from backend.kit.services import AppServices
from backend.models import ParkingSession, Payment, Ticket, TicketMessage
from backend.payments.charging import refund_rest
from backend.support.notify import tell_driver
from backend.worker.runner import enqueue
from shared.money import format_amount
from shared.schemas.events import DriverEventKind

log = logging.getLogger("parkflow.support")

DISPUTE_REFUND = "dispute_refund"


SAID = "Refunded "  # how the ticket's refund message starts: said once per ticket


async def schedule_refund(ticket: Ticket, payment_ids: list[str]) -> None:
    """Call inside the resolution's transaction; wake the job runner after the commit. What each
    payment still held is kept with the job: the message says that, not earlier refunds."""
    due = {
        str(p.id): p.amount - p.refunded_amount
        for p in await Payment.filter(id__in=payment_ids).only("id", "amount", "refunded_amount")
    }
    await enqueue(
        DISPUTE_REFUND,
        {"ticket_id": str(ticket.id), "payment_ids": payment_ids, "due": due},
        dedupe_key=f"dispute-refund:{ticket.id}",
    )


async def _follow_session(session_id: UUID) -> None:
    """A prepaid session shows what was refunded of it: the sum over its payments, never less."""
    payments = Payment.filter(session_id=session_id)
    totals = await payments.annotate(total=Sum("refunded_amount")).values("total")
    refunded = int(totals[0]["total"] or 0) if totals else 0
    session = await ParkingSession.get(id=session_id)
    if refunded > session.refunded_amount:
        await ParkingSession.filter(id=session_id).update(refunded_amount=refunded)


async def dispute_refund_job(services: AppServices, payload: dict) -> None:
    ticket = await Ticket.get_or_none(id=payload["ticket_id"]).prefetch_related("tenant")
    if ticket is None:
        return
    payments = await Payment.filter(id__in=payload["payment_ids"]).prefetch_related("payment_method")
    due: dict[str, int] = payload.get("due", {})
    refunded: list[str] = []
    for payment in payments:  # a gateway failure raises: the job is retried, nothing refunded twice
        await refund_rest(services, payment)
        if payment.session_id is not None:  # type: ignore[attr-defined]
            await _follow_session(payment.session_id)  # type: ignore[attr-defined]
        amount = due.get(str(payment.id), payment.refunded_amount)
        if payment.status == "refunded" and amount > 0:
            card = payment.payment_method
            to = f"{card.brand} •••• {card.last4}" if card is not None else "the card it was paid with"
            refunded.append(f"{format_amount(amount, payment.currency)} to {to}")
    said = await TicketMessage.filter(
        ticket_id=ticket.id, author_kind="system", body__startswith=SAID
    ).exists()
    if not refunded or said:
        return  # nothing went back, or a retry after the message was written
    text = f"{SAID}{', '.join(refunded)}. It shows on the card statement within a few days."
    now = datetime.now(UTC)
    await TicketMessage.create(
        ticket=ticket, author_kind="system", author_name="Parkflow", body=text, created_at=now
    )
    await Ticket.filter(id=ticket.id).update(last_message_at=now)
    await tell_driver(services, ticket, DriverEventKind.ticket_reply, text)


def install_support(services: AppServices) -> None:
    services.jobs.register(DISPUTE_REFUND, partial(dispute_refund_job, services))
