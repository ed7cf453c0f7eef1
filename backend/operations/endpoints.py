"""`/api/v1/admin`: the operations dashboard, activity feed, passes report and the plate check screen.

Figures are for operators and tenant admins (`TenantOperator`); the plate check is open to every
operator user, enforcement officers included (`TenantStaff`).
"""

from typing import Annotated

from fastapi import APIRouter, Path, Query

from backend.auth.dependencies import TenantOperator, TenantStaff
from backend.enforcement import service as enforcement
from backend.kit.openapi import errors
from backend.kit.services import Services
from backend.operations import activity, dashboard, passes_report
from shared.schemas.admin_operations import ActivityFeed, Dashboard, PassesReport
from shared.schemas.enforcement import EnforcementCheckResult, QueryTimestamp

router = APIRouter(prefix="/api/v1/admin", tags=["admin: operations"])

FacilityFilter = Annotated[
    str | None,
    Query(max_length=64, description="Only this facility (its slug)", examples=["kamppi-p1"]),
]


@router.get("/dashboard", response_model=Dashboard, responses=errors(401, 403, 404, 422))
async def get_dashboard(
    ctx: TenantOperator, services: Services, facility: FacilityFilter = None
) -> Dashboard:
    """Revenue today, over 7 and 30 days (with a daily series and the previous 30 days for the
    trend), the collection rate of the stays that ended in the last 30 days, live occupancy per
    facility, the support pipeline and the unpaid invoices. Days are the operator's calendar days
    in its timezone; today's figures are live, those of earlier days may be up to 5 minutes old
    (a refund of an older payment shows within 5 minutes). `facility` narrows everything but the
    support pipeline to one facility; a slug that is not the operator's is a 404."""
    return await dashboard.dashboard(services, ctx, facility)


@router.get("/activity", response_model=ActivityFeed, responses=errors(401, 403, 404, 422))
async def get_activity(
    ctx: TenantOperator,
    facility: FacilityFilter = None,
    limit: Annotated[int, Query(ge=1, le=200, description="How many items", examples=[50])] = 50,
) -> ActivityFeed:
    """The latest entries and exits, payments captured and failed, and prepaid sessions started,
    newest first. `ref_type` and `ref_id` name what to open for the details (a stay, a session,
    a pass or the payment)."""
    return await activity.activity(ctx, facility, limit)


@router.get("/passes/report", response_model=PassesReport, responses=errors(401, 403, 422))
async def get_passes_report(
    ctx: TenantOperator,
    days: Annotated[
        int, Query(ge=1, le=366, description="The last N days (today included)", examples=[30])
    ] = 30,
) -> PassesReport:
    """Passes sold and their revenue by facility and by product over the last `days` days, and
    the passes valid right now per facility."""
    return await passes_report.passes_report(ctx, days)


@router.get(
    "/enforcement/check/{plate}",
    response_model=EnforcementCheckResult,
    responses=errors(401, 403, 404, 422),
    tags=["admin: enforcement"],
)
async def check_plate(
    ctx: TenantStaff,
    services: Services,
    plate: Annotated[
        str, Path(max_length=100, description="As read from the car; case, spaces and '-' do not matter")
    ],
    facility: Annotated[
        str,
        Query(
            min_length=1,
            max_length=200,
            description="One of the operator's facilities: its slug or name, case-insensitive",
            examples=["kamppi-p1"],
        ),
    ],
    at: Annotated[
        QueryTimestamp | None,
        Query(
            description="The moment to judge (default now), with an offset: for disputes",
            examples=["2026-03-30T14:23:00Z"],
        ),
    ] = None,
) -> EnforcementCheckResult:
    """The enforcement API's plate check (`GET /api/enforcement/check/{plate}`) for the officers
    and staff of the operator acted for: the same decision and answer, logged in the check log
    (without an API key). A facility of another operator is a 404, a plate that cannot be one a
    422 `invalid_plate`, an `at` without an offset a 422 `naive_timestamp`."""
    return await enforcement.check_plate_for_operator(services, ctx.tenant_id, plate, facility, at)
