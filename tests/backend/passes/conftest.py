"""A facility selling a monthly pass, a signed-in driver with cards, and an enforcement key."""

from dataclasses import dataclass

import httpx
import pytest

from backend.models import Facility, PassProduct, Tenant
from tests.backend.enforcement.conftest import KEY_A, make_facility, make_key
from tests.backend.helpers import bearer, driver_token, make_tenant


@dataclass
class Shop:
    tenant: Tenant
    facility: Facility
    other_facility: Facility
    monthly: PassProduct
    auth: dict[str, str]
    visa: str  # payment method ids
    declined: str
    no_funds: str


async def add_card(client: httpx.AsyncClient, auth: dict[str, str], token: str) -> str:
    response = await client.post("/api/v1/me/payment-methods", json={"token": token}, headers=auth)
    assert response.status_code == 201, response.text
    return response.json()["id"]


@pytest.fixture
async def shop(client) -> Shop:
    tenant = await make_tenant("alpha-parking", name="Alpha Parking Oy")  # service fee 2.5 % (default)
    facility = await make_facility(tenant, "kamppi-p1", "Kamppi P1", "1001")
    other = await make_facility(tenant, "forum-p2", "Forum P2", "1002")
    monthly = await PassProduct.create(
        facility=facility, slug="monthly", name="Monthly pass", amount=9900, days=30
    )
    await PassProduct.create(facility=other, slug="monthly", name="Monthly pass", amount=5000, days=30)
    await make_key(tenant, KEY_A)
    auth = bearer(await driver_token(client))
    visa = await add_card(client, auth, "tok_visa")
    declined = await add_card(client, auth, "tok_chargeDeclined")
    no_funds = await add_card(client, auth, "tok_insufficientFunds")
    return Shop(tenant, facility, other, monthly, auth, visa, declined, no_funds)
