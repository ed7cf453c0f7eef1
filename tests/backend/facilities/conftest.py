import json
from pathlib import Path

import pytest

from backend.facilities.values import facility_values
from backend.models import Facility, PassProduct, Tenant
from shared.schemas.onboarding import OnboardingFile

DEMO = Path(__file__).resolve().parents[3] / "assets" / "demo" / "onboarding.json"


async def seed_facilities_from_demo() -> dict[str, Tenant]:
    """The demo operators' facilities, written straight to the tables (no loader involved)."""
    onboarding = OnboardingFile.model_validate(json.loads(DEMO.read_text(encoding="utf-8")))
    tenants = {}
    for entry in onboarding.tenants:
        tenant = await Tenant.create(
            slug=entry.slug,
            name=entry.name,
            currency=entry.currency,
            timezone=entry.timezone,
            service_fee_percent=entry.service_fee.percent,
            service_fee_fixed_amount=entry.service_fee.fixed_amount,
        )
        tenants[entry.slug] = tenant
        for facility_entry in entry.facilities:
            facility = await Facility.create(
                tenant=tenant,
                slug=facility_entry.slug,
                **facility_values(facility_entry, entry.timezone, None),
            )
            for product in facility_entry.pass_products:
                await PassProduct.create(facility=facility, **product.model_dump())
    return tenants


@pytest.fixture
async def demo_facilities(client) -> dict[str, Tenant]:
    return await seed_facilities_from_demo()
