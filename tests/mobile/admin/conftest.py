"""The admin view's state classes against the real backend, in process: each test signs in through the
real login endpoint of an app on SQLite and PostgreSQL (the backend suite's fixtures), so a state test
fails when the API it reads changes shape."""

import httpx
import pytest

from mobile.admin.state.session import AdminSession
from mobile.services.admin_api import HttpAdminApi
from mobile.services.http import HttpTransport
from mobile.services.tokens import MemoryTokenStore
from tests.backend.admin.conftest import Operator, make_operator_world
from tests.backend.conftest import app, app_and_url, client, engine  # noqa: F401  (fixtures)
from tests.backend.helpers import OPERATOR_PASSWORD, make_operator


def admin_api(client: httpx.AsyncClient) -> HttpAdminApi:  # noqa: F811
    """An admin API client sharing the in-process app's HTTP client."""
    return HttpAdminApi(HttpTransport(str(client.base_url), MemoryTokenStore(), client=client))


async def signed_in(client: httpx.AsyncClient, email: str) -> AdminSession:  # noqa: F811
    """An admin session signed in as `email` (a user made with the test password)."""
    session = AdminSession(admin_api(client))
    assert await session.sign_in(email, OPERATOR_PASSWORD), session.error
    return session


@pytest.fixture
async def alpha(client) -> Operator:  # noqa: F811
    """Operator 'alpha' with a facility, pass product, API key, webhook token and its three roles."""
    return await make_operator_world(client, "alpha", "alpha-p1", "1234", "alpha-monthly")


@pytest.fixture
async def bravo(client, alpha) -> Operator:  # noqa: F811
    return await make_operator_world(client, "bravo", "bravo-p1", "1234", "bravo-monthly")


@pytest.fixture
async def alpha_admin(client, alpha) -> AdminSession:  # noqa: F811
    return await signed_in(client, "tenant-admin@alpha.example.test")


@pytest.fixture
async def alpha_operator(client, alpha) -> AdminSession:  # noqa: F811
    return await signed_in(client, "operator@alpha.example.test")


@pytest.fixture
async def platform_admin(client, alpha, bravo) -> AdminSession:  # noqa: F811
    """A super admin (no operator chosen yet) on a platform with alpha and bravo."""
    await make_operator(client, role="super_admin")
    return await signed_in(client, "super-admin@platform.example.test")
