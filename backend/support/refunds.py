"""Refunding an upheld dispute: the job `dispute_refund` (dedupe key `dispute-refund:<ticket id>`),
enqueued by the resolution in its transaction when the operator asks for the refund.

Each payment named at resolution is refunded in full of what is left (the gateway is asked what it
already refunded, so retries never refund twice); a prepaid session's `refunded_amount` follows its
payments. The ticket gets a system message saying what went back to which card, and the driver is told;
if every attempt fails (the processor down for hours) the ticket says what could not be refunded.
"""

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

DISPUTE_REFUND = "dispute_refund"


SAID = "Refunded "  # how the ticket's refund messages start: each said once per ticket
FAILED = "The refund of "


async def schedule_refund(ticket: Ticket, due: dict[str, int]) -> None:
    """Call inside the resolution's transaction; wake the job runner after the commit. `due`: what
    each payment still held at the resolution (payment id -> minor units), which the message says."""
    await enqueue(
        DISPUTE_REFUND, {"ticket_id": str(ticket.id), "due": due}, dedupe_key=f"dispute-refund:{ticket.id}"
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
    due: dict[str, int] = payload["due"]
    payments = await Payment.filter(id__in=list(due)).prefetch_related("payment_method")
    refunded: list[str] = []
    for payment in payments:  # a gateway failure raises: the job is retried, nothing refunded twice
        await refund_rest(services, payment)
        if payment.session_id is not None:  # type: ignore[attr-defined]
            await _follow_session(payment.session_id)  # type: ignore[attr-defined]
        amount = due[str(payment.id)]
        if payment.status == "refunded" and amount > 0:
            card = payment.payment_method
            to = f"{card.brand} •••• {card.last4}" if card is not None else "the card it was paid with"
            refunded.append(f"{format_amount(amount, payment.currency)} to {to}")
    if refunded:
        text = f"{SAID}{', '.join(refunded)}. It shows on the card statement within a few days."
        await _say_once(services, ticket, SAID, text)


async def _say_once(services: AppServices, ticket: Ticket, opening: str, text: str) -> None:
    """The ticket's system message starting with `opening`, written once however often a job runs."""
    mine = TicketMessage.filter(ticket_id=ticket.id, author_kind="system", body__startswith=opening)
    if await mine.exists():
        return
    now = datetime.now(UTC)
    await TicketMessage.create(
        ticket=ticket, author_kind="system", author_name="Parkflow", body=text, created_at=now
    )
    await Ticket.filter(id=ticket.id).update(last_message_at=now)
    await tell_driver(services, ticket, DriverEventKind.ticket_reply, text)


async def gave_up(services: AppServices, payload: dict) -> None:
    """Every attempt failed (the payment processor down for hours): say so on the ticket, so the
    operator refunds another way instead of believing it done. What went through stays refunded."""
    ticket = await Ticket.get_or_none(id=payload["ticket_id"]).prefetch_related("tenant")
    if ticket is None:
        return
    left = [
        format_amount(p.amount - p.refunded_amount, p.currency)
        for p in await Payment.filter(id__in=list(payload["due"]))
        if p.status in ("captured", "partially_refunded") and p.amount > p.refunded_amount
    ]
    if left:
        text = (
            f"{FAILED}{', '.join(left)} could not be made: the payment processor did not answer. "
            "The operator will refund it another way."
        )
        await _say_once(services, ticket, FAILED, text)


def install_support(services: AppServices) -> None:
    services.jobs.register(
        DISPUTE_REFUND, partial(dispute_refund_job, services), on_give_up=partial(gave_up, services)
    )
