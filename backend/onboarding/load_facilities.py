"""Facilities and their pass products, upserted by slug (facility within its tenant, product within
its facility)."""

from collections.abc import Callable
from typing import Any

from backend.facilities.values import facility_values
from backend.models import Facility, PassProduct, ProviderConnection, Tenant
from backend.onboarding.report import LoadReport
from backend.onboarding.upsert import upsert
from shared.schemas.onboarding import TenantEntry

# Files with more facilities than this report progress every PROGRESS_EVERY facilities.
PROGRESS_ABOVE = 200
PROGRESS_EVERY = 100


async def load_facilities(
    tenant: Tenant,
    entry: TenantEntry,
    providers: dict[str, ProviderConnection],
    report: LoadReport,
    say: Callable[[str], Any],
) -> dict[str, Facility]:
    """Upsert the tenant's facilities; return every facility of the tenant by slug."""
    facilities = {f.slug: f for f in await Facility.filter(tenant_id=tenant.id)}
    products = {
        (str(p.facility_id), p.slug): p  # type: ignore[attr-defined]
        for p in await PassProduct.filter(facility__tenant_id=tenant.id)
    }
    total = len(entry.facilities)
    for done, facility_entry in enumerate(entry.facilities, start=1):
        provider_id = None
        if facility_entry.provider != "native":
            provider_id = providers[facility_entry.provider.connection].id
        values = facility_values(facility_entry, tenant.timezone, provider_id)
        facility = await upsert(
            report,
            "facilities",
            Facility,
            facilities.get(facility_entry.slug),
            values,
            {"tenant_id": tenant.id, "slug": facility_entry.slug},
        )
        facilities[facility.slug] = facility
        for product in facility_entry.pass_products:
            await upsert(
                report,
                "pass products",
                PassProduct,
                products.get((str(facility.id), product.slug)),
                {"name": product.name, "amount": product.amount, "days": product.days, "is_active": True},
                {"facility_id": facility.id, "slug": product.slug},
            )
        if total > PROGRESS_ABOVE and (done % PROGRESS_EVERY == 0 or done == total):
            say(f"  facilities {done}/{total}")
    return facilities
