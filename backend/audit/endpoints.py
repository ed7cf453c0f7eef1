"""`/api/v1/admin/audit`: the tenant's log of operator changes (tenant admins)."""

from typing import Annotated

from fastapi import APIRouter, Query

from backend.audit import service
from backend.auth.dependencies import TenantAdmin
from backend.kit.openapi import errors
from shared.schemas.admin_audit import AuditPage
from shared.schemas.common import AwareDatetime

router = APIRouter(prefix="/api/v1/admin/audit", tags=["admin: audit log"])


@router.get("", response_model=AuditPage, responses=errors(401, 403, 422))
async def audit_log(
    ctx: TenantAdmin,
    object_type: Annotated[
        str | None,
        Query(max_length=30, description="Only entries about this kind of object", examples=["stay"]),
    ] = None,
    actor: Annotated[
        str | None,
        Query(
            max_length=254,
            description="Only entries by this user (e-mail, or `system`); case does not matter",
            examples=["ops@example.test"],
        ),
    ] = None,
    since: Annotated[
        AwareDatetime | None,
        Query(
            description="Only entries at or after this time (with offset)", examples=["2026-03-01T00:00:00Z"]
        ),
    ] = None,
    until: Annotated[
        AwareDatetime | None,
        Query(description="Only entries before this time (with offset)", examples=["2026-04-01T00:00:00Z"]),
    ] = None,
    before_id: Annotated[
        int | None, Query(ge=1, le=2**63 - 1, description="Continue after this page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> AuditPage:
    """Who changed what, newest first; filter by kind of object, by who did it and by when."""
    return await service.latest(
        ctx.tenant_id,
        object_type=object_type,
        actor=actor,
        since=since,
        until=until,
        before_id=before_id,
        limit=limit,
    )
