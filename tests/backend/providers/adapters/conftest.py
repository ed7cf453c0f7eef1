"""A provider sandbox on a loopback port for the adapter tests, reset around each test."""

from collections.abc import AsyncIterator, Callable, Iterator

import httpx
import pytest

from backend.providers.http import SharedHttp
from backend.providers.registry import ProviderRegistry
from backend.providers.sandbox import SandboxConfig, SandboxServer
from tests.backend.providers.adapters.support import CONFIG, FAST, connection_row, registry_for


@pytest.fixture(scope="session")
def adapter_sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxConfig.model_validate(CONFIG)) as server:
        yield server


@pytest.fixture
async def admin(adapter_sandbox: SandboxServer) -> AsyncIterator[httpx.AsyncClient]:
    """The sandbox's admin API (faults, stats), on a sandbox reset before and after the test."""
    async with httpx.AsyncClient(base_url=adapter_sandbox.url, timeout=5) as client:
        assert (await client.post("/_sandbox/reset")).status_code == 200
        yield client
        await client.post("/_sandbox/reset")  # releases requests a test left stalled


@pytest.fixture
async def shared() -> AsyncIterator[SharedHttp]:
    pool = SharedHttp(FAST)
    yield pool
    await pool.aclose()


@pytest.fixture
async def registry(shared: SharedHttp) -> AsyncIterator[ProviderRegistry]:
    built = registry_for(shared)
    yield built
    await built.aclose()


@pytest.fixture
def adapter(admin: httpx.AsyncClient, adapter_sandbox: SandboxServer, registry: ProviderRegistry) -> Callable:
    """`adapter("passport-a")`: the adapter the registry builds for that sandbox connection."""

    def build(name: str, **overrides: object):
        return registry.for_connection(connection_row(name, adapter_sandbox.urls(name), **overrides))

    return build
