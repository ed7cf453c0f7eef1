"""The operator's side of support: the ticket list, one ticket with its chat and evidence, replies,
status and assignment changes."""

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from backend.audit.service import record
from backend.auth.dependencies import OperatorContext
from backend.kit.errors import ConflictError
from backend.kit.services import AppServices
from backend.models import OperatorUser, Ticket, TicketMessage
from backend.support import repository, views
from backend.support.evidence import evidence_for
from backend.support.notify import tell_driver
from backend.support.repository import ROW_RELATIONS, TicketRepository
from shared.errors import ErrorCode, ParkflowError
from shared.schemas.events import DriverEventKind
from shared.schemas.onboarding import Role
from shared.schemas.support import (
    AdminTicket,
    AdminTicketPage,
    MessageCreate,
    TicketKind,
    TicketPatch,
    TicketStatus,
)

# Who can be given a ticket: the roles that can open the support screens.
_HANDLERS = (Role.tenant_admin.value, Role.operator.value)


def author_name(ctx: OperatorContext) -> str:
    return ctx.user.name or ctx.user.email


def search(
    ctx: OperatorContext,
    *,
    statuses: Iterable[TicketStatus] | None,
    kind: TicketKind | None,
    text: str | None,
    assignee: str | None,
) -> QuerySet[Ticket]:
    """The list's filters (the CSV export uses the same)."""
    return TicketRepository(ctx.tenant_id).search(
        statuses=[s.value for s in statuses or ()],
        kind=kind.value if kind else None,
        text=text,
        assignee_id=ctx.user.id if assignee == "me" else None,
        unassigned=assignee == "none",
    )


async def list_tickets(
    ctx: OperatorContext,
    *,
    statuses: Iterable[TicketStatus] | None,
    kind: TicketKind | None,
    text: str | None,
    assignee: str | None,
    limit: int,
    offset: int,
) -> AdminTicketPage:
    query = search(ctx, statuses=statuses, kind=kind, text=text, assignee=assignee)
    total = await query.count()
    tickets = (
        await query.order_by("-last_message_at", "-number")
        .offset(offset)
        .limit(limit)
        .prefetch_related(*ROW_RELATIONS)
    )
    return AdminTicketPage(
        items=[views.admin_row(t) for t in tickets], total=total, limit=limit, offset=offset
    )


async def ticket_detail(ticket: Ticket) -> AdminTicket:
    await ticket.fetch_related(*ROW_RELATIONS)
    messages = await repository.messages_of(ticket)
    return views.admin_ticket(ticket, messages, await evidence_for(ticket, datetime.now(UTC)))


async def get_ticket(ctx: OperatorContext, number: int) -> AdminTicket:
    return await ticket_detail(await TicketRepository(ctx.tenant_id).by_number(number))


async def reply(services: AppServices, ctx: OperatorContext, number: int, body: MessageCreate) -> AdminTicket:
    """The operator's answer: the ticket waits for the driver (`pending`), a resolved or closed one is
    reopened, and the driver's app is told."""
    now = datetime.now(UTC)
    async with in_transaction():
        ticket = await TicketRepository(ctx.tenant_id).by_number(number, lock=True)
        await TicketMessage.create(
            ticket=ticket,
            author_kind="operator",
            author_user_id=ctx.user.id,
            author_name=author_name(ctx),
            body=body.body,
            created_at=now,
        )
        reopened = ticket.status in (TicketStatus.resolved, TicketStatus.closed)
        ticket.status = TicketStatus.pending.value
        ticket.resolved_at = None
        ticket.last_message_at = now
        if ticket.first_response_at is None:
            ticket.first_response_at = now
        await ticket.save(
            update_fields=["status", "resolved_at", "last_message_at", "first_response_at", "updated_at"]
        )
        if reopened:
            await record(ctx, ctx.tenant_id, "ticket.reopened", "ticket", ticket.id, {"number": number})
    await ticket.fetch_related("tenant")
    await tell_driver(services, ticket, DriverEventKind.ticket_reply, body.body)
    return await ticket_detail(ticket)


def _status_change(ticket: Ticket, target: str) -> None:
    """Refuse what the status field alone must not do (409 saying what to do instead)."""
    current = ticket.status
    if target == current:
        return
    if current == TicketStatus.closed:
        raise ConflictError(f"Ticket #{ticket.number} is closed; send the driver a message to reopen it.")
    if (
        target == TicketStatus.closed
        and current != TicketStatus.resolved
        and ticket.kind == TicketKind.dispute
    ):
        raise ConflictError(
            f"Dispute #{ticket.number} is not resolved; resolve it as upheld or rejected (POST .../resolve) "
            "before closing it."
        )
    if current == TicketStatus.resolved and target == TicketStatus.pending:
        raise ConflictError(
            f"Ticket #{ticket.number} is resolved; reopen it as 'open', or send the driver a message."
        )


async def _assignee(ctx: OperatorContext, body: TicketPatch) -> tuple[bool, OperatorUser | None]:
    """(whether the assignee changes, the new one)."""
    if body.assign_to_me:
        return True, ctx.user
    if "assignee_email" not in body.model_fields_set:
        return False, None
    if body.assignee_email is None:
        return True, None
    user = await OperatorUser.get_or_none(
        email=body.assignee_email.lower(), tenant_id=ctx.tenant_id, is_active=True, role__in=_HANDLERS
    )
    if user is None:
        raise ParkflowError(
            f"'assignee_email': no active tenant admin or operator '{body.assignee_email}' at this "
            "operator; assign one of its users who handle support.",
            ErrorCode.validation_error,
        )
    return True, user


async def update_ticket(ctx: OperatorContext, number: int, body: TicketPatch) -> AdminTicket:
    changes_assignee, assignee = await _assignee(ctx, body)
    async with in_transaction():
        ticket = await TicketRepository(ctx.tenant_id).by_number(number, lock=True)
        await ticket.fetch_related("assignee")
        details: dict[str, Any] = {"number": number}
        fields = []
        if body.status is not None and body.status != ticket.status:
            _status_change(ticket, body.status)
            details["status"] = {"from": ticket.status, "to": body.status}
            if ticket.status == TicketStatus.resolved and body.status == TicketStatus.open:
                ticket.resolved_at = None  # reopened: the resolution time runs again
                fields.append("resolved_at")
            ticket.status = body.status
            fields.append("status")
        old = ticket.assignee.email if ticket.assignee else None  # type: ignore[union-attr]
        new = assignee.email if assignee else None
        if changes_assignee and old != new:
            details["assignee"] = {"from": old, "to": new}
            ticket.assignee = assignee  # type: ignore[assignment]
            fields.append("assignee_id")
        if fields:
            await ticket.save(update_fields=[*fields, "updated_at"])
            await record(ctx, ctx.tenant_id, "ticket.updated", "ticket", ticket.id, details)
    return await ticket_detail(ticket)
