"""`/api/v1/admin/sessions`, `/stays/{id}`, `/parking-sessions/{id}`: the operator's parking records.

Operators and tenant admins (super admins via X-Tenant); enforcement users are refused (403).
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from backend.auth.dependencies import TenantOperator
from backend.kit.openapi import errors
from backend.kit.services import Services
from backend.records import correction, detail, export, listing
from backend.records.listing import ListQuery
from shared.schemas.admin_records import (
    PlateCorrection,
    PlateCorrectionResult,
    RecordKind,
    RecordPage,
    RecordStatus,
    SessionDetail,
    StayDetail,
)
from shared.schemas.common import AwareDatetime

router = APIRouter(prefix="/api/v1/admin", tags=["admin: parking records"])


def _filters(
    facility: Annotated[
        str | None,
        Query(
            max_length=64,
            pattern=r"^[A-Za-z0-9-]+$",
            description="Only this facility (slug)",
            examples=["kamppi-p1"],
        ),
    ] = None,
    status: Annotated[
        RecordStatus | None,
        Query(
            description="The record's own status. Stays: open, payment_pending, paid, unpaid, needs_review. "
            "Sessions: pending, active, stopped, expired, failed.",
            examples=["unpaid"],
        ),
    ] = None,
    kind: Annotated[
        RecordKind | None, Query(description="Only stays or only prepaid sessions", examples=["stay"])
    ] = None,
    start_from: Annotated[
        AwareDatetime | None,
        Query(
            alias="from",
            description="Started (entered) at or after this time, with offset",
            examples=["2026-03-01T00:00:00Z"],
        ),
    ] = None,
    start_to: Annotated[
        AwareDatetime | None,
        Query(
            alias="to",
            description="Started (entered) before this time, with offset",
            examples=["2026-04-01T00:00:00Z"],
        ),
    ] = None,
    plate: Annotated[
        str | None,
        Query(
            max_length=40,
            description="Plates starting with this (compared normalised: `abc-1` finds ABC123)",
            examples=["ABC1"],
        ),
    ] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=40,
            description="Plates containing this anywhere (slower than `plate`)",
            examples=["123"],
        ),
    ] = None,
) -> ListQuery:
    return ListQuery(
        facility=facility,
        status=status,
        kind=kind,
        start_from=start_from,
        start_to=start_to,
        plate=plate,
        q=q,
    )


Filters = Annotated[ListQuery, Depends(_filters)]


@router.get("/sessions", response_model=RecordPage, responses=errors(401, 403, 404, 422))
async def list_records(
    ctx: TenantOperator,
    filters: Filters,
    cursor: Annotated[
        str | None,
        Query(max_length=300, description="`next_cursor` of the previous page; leave out for the first page"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200, description="At most this many records")] = 50,
) -> RecordPage:
    """Stays (entries and exits seen by cameras or phones) and prepaid sessions in one list, newest
    first by entry or start. Pages follow each other with `cursor` (no totals: the list may hold
    millions). An unknown facility is a 404; a plate that cannot be one (`plate`, `q`) a 422."""
    return await listing.list_records(ctx, filters, cursor, limit)


@router.get(
    "/sessions/export.csv",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/csv": {}}, "description": "One line per record, with a header line"},
        **errors(401, 403, 404, 422),
    },
)
async def export_records(ctx: TenantOperator, filters: Filters) -> StreamingResponse:
    """The list with the same filters as a CSV download, streamed however long it is. Amounts are
    decimal money (`12.50`) beside `currency`; times are in each facility's timezone with the offset."""
    record_filter = await listing.record_filter(ctx, filters)
    assert ctx.tenant is not None  # record_filter asked for ctx.tenant_id
    name = export.filename(ctx.tenant.slug)
    return StreamingResponse(
        export.csv_chunks(record_filter),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/stays/{stay_id}", response_model=StayDetail, responses=errors(401, 403, 404))
async def get_stay(ctx: TenantOperator, stay_id: str) -> StayDetail:
    """A stay with its timeline, oldest first: entry (photo), free period, payments (each attempt,
    refunds) or the unpaid warning, exit (photo), invoices, plate corrections and other changes (who
    did what), enforcement checks of the plate there during the stay, and support tickets."""
    return await detail.stay_detail(ctx, stay_id)


@router.get("/parking-sessions/{session_id}", response_model=SessionDetail, responses=errors(401, 403, 404))
async def get_parking_session(ctx: TenantOperator, session_id: str) -> SessionDetail:
    """A prepaid session with its timeline: requested and paid, started (here or at the provider),
    extensions, stopped early or expired, refunds, changes, enforcement checks and support tickets."""
    return await detail.session_detail(ctx, session_id)


@router.post(
    "/stays/{stay_id}/plate", response_model=PlateCorrectionResult, responses=errors(401, 403, 404, 409, 422)
)
async def correct_plate(
    ctx: TenantOperator, stay_id: str, body: PlateCorrection, services: Services
) -> PlateCorrectionResult:
    """Correct a misread plate. The change is audited; the stay is re-linked to the driver who has the
    plate (or to no one) and its payment re-evaluated: an exited, unpaid stay of a driver with
    auto-pay is charged to their card (once), a paid one stays paid, an open one is charged at its
    exit. `payment` and `message` say what happened. The same plate again is a 422; a stay whose
    card is being charged at this moment a 409."""
    return await correction.correct_plate(services, ctx, stay_id, body)
