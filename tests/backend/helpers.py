"""Small helpers for backend tests: accounts, tokens and tenants made the way a user would."""

import httpx
from fastapi import FastAPI

from backend.models import OperatorUser, Tenant

DRIVER_EMAIL = "aino@example.test"
DRIVER_PASSWORD = "correct horse battery"
OPERATOR_PASSWORD = "operator staple 42"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def app_of(client: httpx.AsyncClient) -> FastAPI:
    """The app behind the `client` fixture (its services hash passwords with the test settings)."""
    return client._transport.app  # type: ignore[attr-defined]


async def register_driver(
    client: httpx.AsyncClient, email: str = DRIVER_EMAIL, password: str = DRIVER_PASSWORD, name: str = "Aino"
) -> httpx.Response:
    body = {"email": email, "password": password, "name": name}
    return await client.post("/api/v1/auth/register", json=body)


async def login_driver(
    client: httpx.AsyncClient, email: str = DRIVER_EMAIL, password: str = DRIVER_PASSWORD
) -> httpx.Response:
    return await client.post("/api/v1/auth/token", data={"username": email, "password": password})


async def driver_tokens(
    client: httpx.AsyncClient, email: str = DRIVER_EMAIL, password: str = DRIVER_PASSWORD
) -> dict:
    """Register the driver (an already taken e-mail is fine) and log in: the token response body."""
    registered = await register_driver(client, email, password)
    assert registered.status_code in (201, 409), registered.text
    response = await login_driver(client, email, password)
    assert response.status_code == 200, response.text
    return response.json()


async def driver_token(
    client: httpx.AsyncClient, email: str = DRIVER_EMAIL, password: str = DRIVER_PASSWORD
) -> str:
    """A driver access token (registers the driver first if needed)."""
    return (await driver_tokens(client, email, password))["access_token"]


async def make_tenant(
    slug: str = "helsinki-parking",
    currency: str = "EUR",
    timezone: str = "Europe/Helsinki",
    name: str | None = None,
) -> Tenant:
    return await Tenant.create(
        slug=slug,
        name=name or slug.replace("-", " ").title(),
        currency=currency,
        timezone=timezone,
    )


async def make_operator(
    client: httpx.AsyncClient,
    *,
    tenant: Tenant | None = None,
    role: str = "tenant_admin",
    email: str | None = None,
    password: str = OPERATOR_PASSWORD,
    is_active: bool = True,
) -> OperatorUser:
    """An operator user (or a super admin when role is super_admin), reused if the e-mail exists."""
    domain = f"{tenant.slug if tenant else 'platform'}.example.test"
    email = (email or f"{role.replace('_', '-')}@{domain}").lower()
    existing = await OperatorUser.get_or_none(email=email)
    if existing is not None:
        return existing
    password_hash = await app_of(client).state.services.passwords.hash(password)
    return await OperatorUser.create(
        tenant=tenant,
        email=email,
        name=role.replace("_", " ").title(),
        password_hash=password_hash,
        role=role,
        is_active=is_active,
    )


async def operator_token(
    client: httpx.AsyncClient,
    *,
    tenant: Tenant | None = None,
    role: str = "tenant_admin",
    email: str | None = None,
) -> str:
    """An operator access token. Without a tenant, a non-super-admin role gets a fresh default tenant."""
    if tenant is None and role != "super_admin":
        tenant = await Tenant.get_or_none(slug="helsinki-parking") or await make_tenant()
    user = await make_operator(client, tenant=tenant, role=role, email=email)
    response = await client.post(
        "/api/v1/admin/auth/token", data={"username": user.email, "password": OPERATOR_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]
