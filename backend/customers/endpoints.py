"""`/api/v1/admin/customers`: find a driver or a plate and see what they did here and what they owe
(tenant admins and operators)."""

from typing import Annotated

from fastapi import APIRouter, Query

from backend.auth.dependencies import TenantOperator
from backend.customers import service
from backend.kit.openapi import errors
from shared.schemas.admin_customers import CustomerDetail, CustomerSearch

router = APIRouter(prefix="/api/v1/admin/customers", tags=["admin: customers"])


@router.get("", response_model=CustomerSearch, responses=errors(401, 403, 422))
async def search_customers(
    ctx: TenantOperator,
    q: Annotated[
        str,
        Query(
            min_length=2,
            max_length=200,
            description="A plate's beginning (`abc 1` finds ABC-123), or part of an e-mail or a name",
            examples=["ABC-123"],
        ),
    ],
    limit: Annotated[int, Query(ge=1, le=100, description="At most this many results")] = 20,
) -> CustomerSearch:
    """Drivers with anything at this operator (stays, sessions, passes, tickets, payments) that match,
    by e-mail; then plates seen here that no driver account is linked to. Drivers who only ever
    parked with other operators are never found."""
    return await service.search(ctx, q, limit)


@router.get("/plates/{plate}", response_model=CustomerDetail, responses=errors(401, 403, 404, 422))
async def plate_customer(ctx: TenantOperator, plate: str) -> CustomerDetail:
    """A plate at this operator, with or without a driver account: its stays, sessions, passes,
    tickets, payments and balance, and the driver accounts linked to some of them. A plate never
    seen here is a 404."""
    return await service.plate_detail(ctx, plate)


@router.get("/{driver_id}", response_model=CustomerDetail, responses=errors(401, 403, 404))
async def driver_customer(ctx: TenantOperator, driver_id: str) -> CustomerDetail:
    """A driver's profile (e-mail, name, plates) and what they did here: the latest 50 stays, sessions
    and payments, every pass and ticket, and their balance. A driver with nothing at this operator
    is a 404."""
    return await service.driver_detail(ctx, driver_id)
