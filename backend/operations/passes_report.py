"""Passes sold and their revenue by facility and by product, and the passes valid now.

A pass counts as sold when it was bought in the window and is `active` (or was cancelled since);
its revenue is what its payment captured net of refunds (a free pass: 0). Three queries.
"""

from collections import defaultdict
from datetime import UTC, datetime
from uuid import UUID

from backend.auth.dependencies import OperatorContext
from backend.models import Tenant
from backend.operations import repository
from backend.operations.dashboard import tenant_of
from backend.operations.periods import Days
from shared.schemas.admin_operations import FacilityPassSales, PassesReport, ProductPassSales


async def passes_report(ctx: OperatorContext, days: int) -> PassesReport:
    """The last `days` local days of the operator acted for (today included)."""
    return await report_for(tenant_of(ctx), days)


async def report_for(tenant: Tenant, days: int, now: datetime | None = None) -> PassesReport:
    now = now or datetime.now(UTC)
    window = Days.ending_today(tenant.timezone, now, days)
    facilities = await repository.facilities(tenant.id)
    products = await repository.pass_products(tenant.id)
    sales = {
        (UUID(r["facility_id"]), UUID(r["product_id"])): (int(r["sold"]), int(r["revenue"] or 0))
        for r in await repository.pass_sales(tenant.id, tenant.currency, window.since, now)
    }
    valid = await repository.valid_passes(tenant.id, now)
    slug_of = {f.id: f.slug for f in facilities}
    by_product = sorted(
        (
            ProductPassSales(
                facility=slug_of[facility_id],
                product=slug,
                product_name=name,
                sold_count=sales.get((facility_id, product_id), (0, 0))[0],
                revenue_amount=sales.get((facility_id, product_id), (0, 0))[1],
            )
            for product_id, facility_id, slug, name in products
            if facility_id in slug_of
        ),
        key=lambda p: (p.facility, p.product),
    )
    sold: dict[UUID, int] = defaultdict(int)
    revenue: dict[UUID, int] = defaultdict(int)
    for (facility_id, _), (count, amount) in sales.items():
        sold[facility_id] += count
        revenue[facility_id] += amount
    by_facility = [
        FacilityPassSales(
            facility=f.slug,
            name=f.name,
            sold_count=sold[f.id],
            revenue_amount=revenue[f.id],
            active_now=valid.get(f.id, 0),
        )
        for f in facilities
    ]
    return PassesReport(
        generated_at=now,
        days=days,
        since=window.since,
        currency=tenant.currency,
        sold_count=sum(f.sold_count for f in by_facility),
        revenue_amount=sum(f.revenue_amount for f in by_facility),
        active_now=sum(f.active_now for f in by_facility),
        by_facility=by_facility,
        by_product=by_product,
    )
