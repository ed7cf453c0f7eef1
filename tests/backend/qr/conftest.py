"""The demo operators' facilities, their staff, and the app's signing settings as a test changes them."""

import dataclasses
import io

import httpx
import pytest
import zxingcpp
from PIL import Image
from pydantic import SecretStr

from backend.config import Settings
from backend.kit.services import get_services
from backend.models import Tenant
from shared.qr import make_sign_payload
from tests.backend.facilities.conftest import seed_facilities_from_demo
from tests.backend.helpers import app_of, bearer, operator_token

RESOLVE = "/api/v1/qr/resolve"
ADMIN_FACILITIES = "/api/v1/admin/facilities"


@pytest.fixture
async def demo(client) -> dict[str, Tenant]:
    return await seed_facilities_from_demo()


@pytest.fixture
async def helsinki_staff(client, demo) -> dict[str, str]:
    return bearer(await operator_token(client, tenant=demo["helsinki-parking"], role="operator"))


@pytest.fixture
async def helsinki_admin(client, demo) -> dict[str, str]:
    return bearer(await operator_token(client, tenant=demo["helsinki-parking"], role="tenant_admin"))


def app_settings(client: httpx.AsyncClient) -> Settings:
    """The settings requests currently see (use_signing_keys may have swapped them)."""
    app = app_of(client)
    override = app.dependency_overrides.get(get_services)
    return (override() if override else app.state.services).settings


def use_signing_keys(client: httpx.AsyncClient, keys: str) -> Settings:
    """Run the app with PARKFLOW_QR_SIGNING_KEYS=`keys` for this test (the client fixture resets it)."""
    app = app_of(client)
    services = app.state.services
    settings = services.settings.model_copy(update={"qr_signing_keys": SecretStr(keys)})
    assert settings.qr_keys  # the same check as at start-up
    swapped = dataclasses.replace(services, settings=settings)
    app.dependency_overrides[get_services] = lambda: swapped
    return settings


def signed_by_app(client: httpx.AsyncClient, slug: str = "kamppi-p1", zone: str = "1234") -> str:
    """What the app's current signing key would print on this facility's sign."""
    settings = app_settings(client)
    key_id, key = next(iter(settings.qr_keys.items()))
    return make_sign_payload(settings.public_app_url, slug, zone, key_id, key)


def decode_png(png: bytes) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]
