"""`/api/v1/admin/tickets`: the operator's support desk (tenant admins and operators).

Tickets are addressed by the operator's own number (`/tickets/12`); another operator's number is a
404 like a missing one.
"""

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import StreamingResponse

from backend.auth.dependencies import TenantOperator
from backend.kit.openapi import errors
from backend.kit.services import Services
from backend.support import admin_service as service
from backend.support import export, resolve, sla
from shared.schemas.support import (
    AdminTicket,
    AdminTicketPage,
    MessageCreate,
    SlaFigures,
    TicketKind,
    TicketPatch,
    TicketResolution,
    TicketResolve,
    TicketStatus,
)

router = APIRouter(prefix="/api/v1/admin/tickets", tags=["admin: support"])

Number = Annotated[
    int, Path(ge=1, le=2_000_000_000, description="The operator's ticket number", examples=[12])
]
Statuses = Annotated[
    list[TicketStatus] | None,
    Query(description="Only these statuses (repeat for several)", examples=[["open", "pending"]]),
]
Kind = Annotated[TicketKind | None, Query(description="Questions or disputes only", examples=["dispute"])]
Text = Annotated[
    str | None,
    Query(
        max_length=200,
        description="Search the subject, the plate, the driver's e-mail; `#12` finds ticket 12",
        examples=["ABC-123"],
    ),
]
Assignee = Annotated[
    Literal["me", "none"] | None,
    Query(description="`me`: assigned to you; `none`: unassigned", examples=["me"]),
]


@router.get("", response_model=AdminTicketPage, responses=errors(401, 403, 422))
async def list_tickets(
    ctx: TenantOperator,
    status: Statuses = None,
    kind: Kind = None,
    q: Text = None,
    assignee: Assignee = None,
    limit: Annotated[int, Query(ge=1, le=200, description="Tickets per page")] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="How many to skip")] = 0,
) -> AdminTicketPage:
    """The operator's tickets, latest activity first, a page at a time (`total` counts all matches)."""
    return await service.list_tickets(
        ctx, statuses=status, kind=kind, text=q, assignee=assignee, limit=limit, offset=offset
    )


@router.get("/sla", response_model=SlaFigures, responses=errors(401, 403, 422))
async def sla_figures(
    ctx: TenantOperator,
    services: Services,
    days: Annotated[int, Query(ge=1, le=365, description="Tickets created in the last this many days")] = 30,
) -> SlaFigures:
    """Support figures for tickets created in the last `days` days: how many per status, the median
    and 90th percentile of the time to the first answer and to resolution (minutes), and the share
    first answered within the target (`PARKFLOW_SUPPORT_FIRST_RESPONSE_TARGET_MINUTES`, 4 h by
    default; a ticket still unanswered past it counts as missed)."""
    target = services.settings.support_first_response_target_minutes
    return await sla.sla_figures(ctx, days, target)


@router.get(
    "/export.csv",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/csv": {}}, "description": "One line per ticket, by number"},
        **errors(401, 403, 422),
    },
)
async def export_tickets(
    ctx: TenantOperator,
    status: Statuses = None,
    kind: Kind = None,
    q: Text = None,
    assignee: Assignee = None,
) -> StreamingResponse:
    """The tickets matching the same filters as the list, as CSV (UTF-8, times in UTC), streamed."""
    query = service.search(ctx, statuses=status, kind=kind, text=q, assignee=assignee)
    return StreamingResponse(
        export.csv_lines(query),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="tickets.csv"', "Cache-Control": "no-store"},
    )


@router.get("/{number}", response_model=AdminTicket, responses=errors(401, 403, 404, 422))
async def get_ticket(ctx: TenantOperator, number: Number) -> AdminTicket:
    """One ticket with its chat (oldest first) and, for a stay or session, the evidence: the
    enforcement checks of the plate there from an hour before to an hour after, and the stay's
    events, payments and invoice or the session's times."""
    return await service.get_ticket(ctx, number)


@router.post("/{number}/messages", response_model=AdminTicket, responses=errors(401, 403, 404, 422))
async def reply(ctx: TenantOperator, number: Number, body: MessageCreate, services: Services) -> AdminTicket:
    """Answer the driver: the ticket waits for them (`pending`; a resolved or closed one is reopened)
    and their app is told (`ticket_reply` on /me/events). The first answer sets `first_response_at`."""
    return await service.reply(services, ctx, number, body)


@router.patch("/{number}", response_model=AdminTicket, responses=errors(401, 403, 404, 409, 422))
async def update_ticket(ctx: TenantOperator, number: Number, body: TicketPatch) -> AdminTicket:
    """Set the status (`open`, `pending`, `closed`) or the assignee (`assignee_email`, null to
    unassign, or `assign_to_me`). A closed ticket is reopened only by a message, a dispute is closed
    only once resolved, and `resolved` comes from POST /resolve: otherwise a 409 says what to do."""
    return await service.update_ticket(ctx, number, body)


@router.post("/{number}/resolve", response_model=TicketResolution, responses=errors(401, 403, 404, 409, 422))
async def resolve_ticket(
    ctx: TenantOperator, number: Number, body: TicketResolve, services: Services
) -> TicketResolution:
    """Resolve with an answer for the driver; a dispute also with `outcome` `upheld` or `rejected`.
    Upholding a dispute of a stay voids its issued invoice. When the driver paid, `refund_due` says
    how much; with `refund: true` it goes back to the card they paid with (`refund_started`; the ticket
    gets a message when the gateway confirms), otherwise `next_step` says what to refund. Recorded in
    the audit log; the driver's app is told (`ticket_resolved`)."""
    return await resolve.resolve(services, ctx, number, body)
