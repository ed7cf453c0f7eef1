"""Two operators with one of every admin object each, made through the admin API itself."""

from dataclasses import dataclass

import httpx
import pytest

from backend.models import OperatorUser, ProviderConnection, Tenant
from tests.backend.helpers import bearer, make_tenant, operator_token

ADMIN = "/api/v1/admin"

TARIFF = {
    "increment_minutes": 15,
    "segments": [{"from_minute": 0, "amount": 0}, {"from_minute": 15, "amount": 75}],
    "daily_max_amount": 2400,
    "max_stay_minutes": 1440,
}


def square(lon: float, lat: float, size: float = 0.001) -> dict:
    """A valid square lot outline with its south-west corner at (lon, lat)."""
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def facility_body(slug: str, zone_number: str, **overrides) -> dict:
    body = {
        "slug": slug,
        "name": slug.replace("-", " ").title(),
        "zone_number": zone_number,
        "capacity": 120,
        "detection": "anpr",
        "geometry": square(24.930, 60.168),
        "tariff": TARIFF,
        "grace_minutes": 15,
        "early_stop": "refund_unused",
    }
    body.update(overrides)
    return body


@dataclass
class Operator:
    """One tenant as its users see it, with the ids of one object of each kind."""

    tenant: Tenant
    admin: dict[str, str]
    operator: dict[str, str]
    enforcement: dict[str, str]
    facility: str
    product: str
    user_id: str
    key_id: str
    token_id: str

    @property
    def ids(self) -> dict[str, str]:
        return {
            "tenant": self.tenant.slug,
            "facility": self.facility,
            "product": self.product,
            "user": self.user_id,
            "key": self.key_id,
            "token": self.token_id,
        }


async def created(response: httpx.Response) -> dict:
    assert response.status_code == 201, response.text
    return response.json()


async def make_operator_world(
    client: httpx.AsyncClient, slug: str, facility: str, zone_number: str, product: str
) -> Operator:
    tenant = await make_tenant(slug, name=f"{slug.title()} Parking Ltd")
    await ProviderConnection.create(tenant=tenant, slug="passport", kind="passport")
    admin = bearer(await operator_token(client, tenant=tenant, role="tenant_admin"))
    operator = bearer(await operator_token(client, tenant=tenant, role="operator"))
    enforcement = bearer(await operator_token(client, tenant=tenant, role="enforcement"))
    body = facility_body(
        facility,
        zone_number,
        pass_products=[{"slug": product, "name": "Monthly pass", "amount": 9900, "days": 30}],
    )
    await created(await client.post(f"{ADMIN}/facilities", json=body, headers=admin))
    key = await created(await client.post(f"{ADMIN}/api-keys", json={"name": "handhelds"}, headers=admin))
    token = await created(await client.post(f"{ADMIN}/webhook-tokens", json={"name": "gates"}, headers=admin))
    user = await OperatorUser.get(email=f"operator@{slug}.example.test")
    return Operator(
        tenant=tenant,
        admin=admin,
        operator=operator,
        enforcement=enforcement,
        facility=facility,
        product=product,
        user_id=str(user.id),
        key_id=key["id"],
        token_id=token["id"],
    )


@pytest.fixture
async def tenant_a(client) -> Operator:
    return await make_operator_world(client, "alpha", "alpha-p1", "1234", "alpha-monthly")


@pytest.fixture
async def tenant_b(client, tenant_a) -> Operator:
    # Same zone number as A on purpose: zone numbers are unique per operator, not platform-wide.
    return await make_operator_world(client, "bravo", "bravo-p1", "1234", "bravo-monthly")


@pytest.fixture
async def super_admin(client) -> dict[str, str]:
    return bearer(await operator_token(client, role="super_admin"))
