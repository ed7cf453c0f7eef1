"""Resolving a ticket. A question is answered with a text; a dispute also with an outcome. An upheld
dispute of a stay voids the stay's issued invoice. Money already taken is refunded when the operator
asks for it (`refund: true`: the `dispute_refund` job, see `backend.support.refunds`); otherwise the
answer says what was paid and that refunding it is the operator's next step."""

from datetime import UTC, datetime
from typing import Any

from tortoise.transactions import in_transaction

from backend.audit.service import record
from backend.auth.dependencies import OperatorContext
from backend.kit.errors import ConflictError
from backend.kit.services import AppServices
from backend.models import Invoice, Payment, Ticket, TicketMessage
from backend.support.admin_service import ticket_detail
from backend.support.evidence import invoice_number
from backend.support.notify import tell_driver
from backend.support.refunds import schedule_refund
from backend.support.repository import TicketRepository
from shared.errors import ErrorCode, ParkflowError
from shared.money import format_amount
from shared.schemas.events import DriverEventKind
from shared.schemas.support import (
    DisputeOutcome,
    RefundDue,
    TicketKind,
    TicketResolution,
    TicketResolve,
    TicketStatus,
)

# Payments that still hold money the driver could get back.
_KEPT = ("captured", "partially_refunded")


def _invalid(detail: str) -> ParkflowError:
    return ParkflowError(detail, ErrorCode.validation_error)


def _check(ticket: Ticket, body: TicketResolve) -> None:
    if ticket.status in (TicketStatus.resolved, TicketStatus.closed):
        raise ConflictError(
            f"Ticket #{ticket.number} is already {ticket.status}; "
            "send the driver a message to reopen it first."
        )
    if ticket.kind == TicketKind.dispute and body.outcome is None:
        raise _invalid("'outcome': a dispute is resolved as 'upheld' (the driver is right) or 'rejected'.")
    if ticket.kind == TicketKind.question and body.outcome is not None:
        raise _invalid("'outcome' is for disputes only; resolve a question with its 'resolution' text.")
    if body.refund and body.outcome is not DisputeOutcome.upheld:
        raise _invalid("'refund' is for upheld disputes only: a rejected charge stands.")


async def _void_invoice(ctx: OperatorContext, ticket: Ticket, now: datetime) -> Invoice | None:
    invoice = (
        await Invoice.filter(tenant_id=ctx.tenant_id, stay_id=ticket.stay_id, live_slot="live")  # type: ignore[attr-defined]
        .select_for_update()
        .first()
    )
    if invoice is None or invoice.status != "issued":
        return invoice
    invoice.status = "void"
    invoice.live_slot = None
    invoice.voided_at = now
    invoice.void_reason = f"Dispute #{ticket.number} upheld"
    await invoice.save(update_fields=["status", "live_slot", "voided_at", "void_reason"])
    await record(
        ctx,
        ctx.tenant_id,
        "invoice.voided",
        "invoice",
        invoice.id,
        {"number": invoice_number(invoice.number), "reason": invoice.void_reason, "ticket": ticket.number},
    )
    return invoice


async def _refund_due(ticket: Ticket) -> tuple[RefundDue | None, dict[str, int]]:
    """What the driver paid for the disputed stay or session and still has not got back: the total,
    and per payment (what a refund job gives back)."""
    if ticket.stay_id is not None:  # type: ignore[attr-defined]
        payments = Payment.filter(stay_id=ticket.stay_id)  # type: ignore[attr-defined]
    elif ticket.session_id is not None:  # type: ignore[attr-defined]
        payments = Payment.filter(session_id=ticket.session_id)  # type: ignore[attr-defined]
    else:
        return None, {}
    kept = [
        p
        for p in await payments.filter(status__in=_KEPT).order_by("created_at")
        if p.amount > p.refunded_amount
    ]
    if not kept:
        return None, {}
    due = {str(p.id): p.amount - p.refunded_amount for p in kept}
    return RefundDue(payment_ids=list(due), amount=sum(due.values()), currency=kept[0].currency), due


def _next_step(refund: RefundDue | None, paid_invoice: Invoice | None, started: bool) -> str | None:
    steps = []
    if refund is not None and started:
        steps.append(
            f"Refunding {format_amount(refund.amount, refund.currency)} to the driver's card "
            f"({len(refund.payment_ids)} payment{'s' if len(refund.payment_ids) > 1 else ''}); the ticket "
            "says when it has gone through."
        )
    elif refund is not None:
        steps.append(
            f"The driver paid {format_amount(refund.amount, refund.currency)} for this "
            f"({len(refund.payment_ids)} payment{'s' if len(refund.payment_ids) > 1 else ''}); "
            "refund it to them: nothing was refunded automatically."
        )
    if paid_invoice is not None:
        steps.append(
            f"Invoice {invoice_number(paid_invoice.number)} was already paid "
            f"({format_amount(paid_invoice.amount, paid_invoice.currency)}); pay it back to the driver."
        )
    return " ".join(steps) or None


async def resolve(
    services: AppServices, ctx: OperatorContext, number: int, body: TicketResolve
) -> TicketResolution:
    now = datetime.now(UTC)
    voided: Invoice | None = None
    paid_invoice: Invoice | None = None
    refund: RefundDue | None = None
    async with in_transaction():
        ticket = await TicketRepository(ctx.tenant_id).by_number(number, lock=True)
        _check(ticket, body)
        upheld = body.outcome is DisputeOutcome.upheld
        if upheld and ticket.stay_id is not None:  # type: ignore[attr-defined]
            invoice = await _void_invoice(ctx, ticket, now)
            if invoice is not None and invoice.status == "void":
                voided = invoice
            elif invoice is not None and invoice.status == "paid":
                paid_invoice = invoice
        due: dict[str, int] = {}
        if upheld:
            refund, due = await _refund_due(ticket)
        started = body.refund and bool(due)
        if started:
            await schedule_refund(ticket, due)
        ticket.status = TicketStatus.resolved.value
        ticket.resolution = body.resolution
        ticket.outcome = body.outcome.value if body.outcome else None
        ticket.resolved_at = now
        ticket.last_message_at = now
        if ticket.first_response_at is None:
            ticket.first_response_at = now  # the resolution is the driver's answer
        await ticket.save(
            update_fields=[
                "status",
                "resolution",
                "outcome",
                "resolved_at",
                "last_message_at",
                "first_response_at",
                "updated_at",
            ]
        )
        heading = f"Dispute {body.outcome.value}" if body.outcome else "Resolved"
        await TicketMessage.create(
            ticket=ticket,
            author_kind="system",
            author_user_id=ctx.user.id,
            author_name=ctx.user.name or ctx.user.email,
            body=f"{heading}: {body.resolution}",
            created_at=now,
        )
        details: dict[str, Any] = {
            "number": number,
            "kind": ticket.kind,
            "outcome": ticket.outcome,
            "resolution": body.resolution,
        }
        if voided is not None:
            details["voided_invoice"] = invoice_number(voided.number)
        if refund is not None:
            details["refund_due_amount"] = refund.amount
            details["refund_started"] = started
        await record(ctx, ctx.tenant_id, "ticket.resolved", "ticket", ticket.id, details)
    if started:
        services.jobs.wake()
    await ticket.fetch_related("tenant")
    await tell_driver(services, ticket, DriverEventKind.ticket_resolved, body.resolution)
    return TicketResolution(
        ticket=await ticket_detail(ticket),
        voided_invoice=invoice_number(voided.number) if voided else None,
        refund_due=refund,
        refund_started=started,
        next_step=_next_step(refund, paid_invoice, started),
    )
