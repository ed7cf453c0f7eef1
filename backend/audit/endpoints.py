"""`/api/v1/admin/audit`: the tenant's log of operator changes (tenant admins)."""

from typing import Annotated

from fastapi import APIRouter, Query

from backend.audit import service
from backend.auth.dependencies import TenantAdmin
from backend.kit.openapi import errors
from shared.schemas.admin_audit import AuditPage

router = APIRouter(prefix="/api/v1/admin/audit", tags=["admin: audit log"])


@router.get("", response_model=AuditPage, responses=errors(401, 403, 422))
async def audit_log(
    ctx: TenantAdmin,
    object_type: Annotated[
        str | None,
        Query(max_length=30, description="Only entries about this kind of object", examples=["stay"]),
    ] = None,
    before_id: Annotated[int | None, Query(ge=1, description="Continue after this page")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> AuditPage:
    """Who changed what, newest first."""
    return await service.latest(ctx.tenant_id, object_type=object_type, before_id=before_id, limit=limit)
