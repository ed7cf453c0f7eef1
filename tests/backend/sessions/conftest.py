"""Prepaid-session worlds: an operator with a native facility and a facility run by a provider in
the sandbox (real HTTP on loopback), a signed-in driver with cards, and an enforcement key."""

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import httpx
import pytest

from backend.models import Facility, ProviderConnection, Tenant
from backend.providers.common.adapter import AdapterContext
from backend.providers.http import HttpPolicy, SharedHttp
from backend.providers.registry import EXTRAS_KEY as PROVIDERS_KEY
from backend.providers.registry import ProviderRegistry
from backend.providers.sandbox import SandboxConfig, SandboxServer
from tests.backend.enforcement.conftest import KEY_A, TARIFF, make_key
from tests.backend.helpers import app_of, bearer, driver_token, make_tenant

PASSPORT_SECRET = "pp-sessions-secret"
PBP_KEY = "pbp-sessions-key"
SANDBOX_CONFIG = {
    "connections": [
        {"name": "passport-s", "flavour": "passport", "client_id": "pp-s", "client_secret": PASSPORT_SECRET},
        {"name": "paybyphone-s", "flavour": "paybyphone", "api_key": PBP_KEY},
    ]
}
# Short timeouts keep the fault tests quick; the sandbox answers loopback calls in milliseconds.
FAST = HttpPolicy(
    timeout_seconds=1.0,
    connect_timeout_seconds=1.0,
    max_attempts=2,
    backoff_initial_seconds=0.01,
    backoff_max_seconds=0.05,
    retry_after_max_seconds=2.0,
)


@dataclass
class Lot:
    tenant: Tenant
    native: Facility  # sessions live here (no provider connection)
    remote: Facility  # sessions at the sandbox's passport connection
    auth: dict[str, str]
    visa: str
    declined: str
    sandbox: SandboxServer
    admin: httpx.AsyncClient  # the sandbox's admin API (faults, stats)

    async def stats(self, connection: str = "passport-s") -> dict[str, int]:
        return (await self.admin.get("/_sandbox/stats")).json()["connections"].get(connection, {})

    async def fault(self, **spec: object) -> None:
        response = await self.admin.post("/_sandbox/faults", json=spec)
        assert response.status_code == 201, response.text

    async def remote_sessions(self, plate: str) -> list[dict]:
        response = await self.admin.get("/_sandbox/sessions", params={"license_plate": plate})
        return response.json()["sessions"]


@pytest.fixture(scope="session")
def sessions_sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxConfig.model_validate(SANDBOX_CONFIG)) as server:
        yield server


@pytest.fixture
async def providers(app) -> AsyncIterator[ProviderRegistry]:
    """The app's provider registry with short timeouts for this test (restored afterwards)."""
    services = app.state.services
    original = services.extras[PROVIDERS_KEY]
    shared = SharedHttp(FAST)
    registry = ProviderRegistry(
        AdapterContext(
            shared=shared, policy=FAST, token_leeway_seconds=5.0, open_secret=services.secret_box.open
        )
    )
    services.extras[PROVIDERS_KEY] = registry
    yield registry
    services.extras[PROVIDERS_KEY] = original
    await registry.aclose()
    await shared.aclose()


async def add_card(client: httpx.AsyncClient, auth: dict[str, str], token: str) -> str:
    response = await client.post("/api/v1/me/payment-methods", json={"token": token}, headers=auth)
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def make_facility(tenant: Tenant, slug: str, name: str, zone: str, **extra: object) -> Facility:
    return await Facility.create(
        tenant=tenant,
        slug=slug,
        name=name,
        name_lower=name.lower(),
        zone_number=zone,
        timezone="Europe/Helsinki",
        detection="none",
        tariff=TARIFF,
        grace_minutes=15,
        **extra,
    )


async def connect(
    client: httpx.AsyncClient, tenant: Tenant, sandbox: SandboxServer, name: str
) -> ProviderConnection:
    """A provider connection row for a sandbox connection, secrets sealed like the loader does."""
    box = app_of(client).state.services.secret_box
    urls = sandbox.urls(name)
    if name.startswith("passport"):
        return await ProviderConnection.create(
            tenant=tenant,
            slug=name,
            kind="passport",
            auth="oauth2",
            base_url=urls["base_url"],
            token_url=urls["token_url"],
            client_id="pp-s",
            client_secret_encrypted=box.seal(PASSPORT_SECRET),
        )
    return await ProviderConnection.create(
        tenant=tenant,
        slug=name,
        kind="paybyphone",
        auth="bearer",
        base_url=urls["base_url"],
        api_key_encrypted=box.seal(PBP_KEY),
    )


@pytest.fixture
async def lot(client, providers, sessions_sandbox) -> AsyncIterator[Lot]:
    tenant = await make_tenant("alpha-parking", name="Alpha Parking Oy")  # service fee 2.5 %
    native = await make_facility(tenant, "kamppi-p1", "Kamppi P1", "1001")
    connection = await connect(client, tenant, sessions_sandbox, "passport-s")
    remote = await make_facility(
        tenant, "forum-p2", "Forum P2", "1002", provider_connection=connection, provider_zone_id="4102"
    )
    await make_key(tenant, KEY_A)
    auth = bearer(await driver_token(client))
    visa = await add_card(client, auth, "tok_visa")
    declined = await add_card(client, auth, "tok_chargeDeclined")
    async with httpx.AsyncClient(base_url=sessions_sandbox.url, timeout=5) as admin:
        assert (await admin.post("/_sandbox/reset")).status_code == 200
        yield Lot(tenant, native, remote, auth, visa, declined, sessions_sandbox, admin)
        await admin.post("/_sandbox/reset")  # releases requests a test left stalled
