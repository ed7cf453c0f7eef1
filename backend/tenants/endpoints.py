"""`/api/v1/admin/tenants`: the operators on the platform."""

from fastapi import APIRouter, status

from backend.auth.dependencies import SuperAdmin, TenantAdmin, TenantOperator
from backend.kit.openapi import errors
from backend.tenants import service
from shared.schemas.admin import TenantCreate, TenantOut, TenantUpdate

router = APIRouter(prefix="/api/v1/admin/tenants", tags=["admin: operators"])


@router.get("", response_model=list[TenantOut], responses=errors(401, 403))
async def list_tenants(ctx: TenantOperator) -> list[TenantOut]:
    """Super admins see every operator; everyone else sees only their own."""
    return await service.list_tenants(ctx)


@router.post(
    "", status_code=status.HTTP_201_CREATED, response_model=TenantOut, responses=errors(401, 403, 409, 422)
)
async def create_tenant(_: SuperAdmin, body: TenantCreate) -> TenantOut:
    """Create an operator (super admins only). A taken slug is a 409."""
    return await service.create_tenant(body)


@router.get("/{slug}", response_model=TenantOut, responses=errors(401, 403, 404))
async def get_tenant(ctx: TenantOperator, slug: str) -> TenantOut:
    """One operator. Another operator's slug is a 404 unless you are a super admin."""
    return await service.get_tenant(ctx, slug)


@router.patch("/{slug}", response_model=TenantOut, responses=errors(401, 403, 404, 422))
async def update_tenant(ctx: TenantAdmin, slug: str, body: TenantUpdate) -> TenantOut:
    """Change the name, time zone or service fee. Tenant admins change their own operator only."""
    return await service.update_tenant(ctx, slug, body)
