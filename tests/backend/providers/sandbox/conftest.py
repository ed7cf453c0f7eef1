"""One provider sandbox on a real loopback port for the whole run, reset before and after each test."""

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from backend.providers.sandbox import SandboxConfig, SandboxServer
from tests.backend.providers.sandbox.support import TEST_CONFIG


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxConfig.model_validate(TEST_CONFIG)) as server:
        yield server


@pytest.fixture
async def sandbox(sandbox_server: SandboxServer) -> AsyncIterator[SandboxServer]:
    async with httpx.AsyncClient(base_url=sandbox_server.url, timeout=5) as admin:
        assert (await admin.post("/_sandbox/reset")).status_code == 200
    yield sandbox_server
    async with httpx.AsyncClient(base_url=sandbox_server.url, timeout=5) as admin:
        await admin.post("/_sandbox/reset")  # releases anything a test left stalled


@pytest.fixture
async def http(sandbox: SandboxServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=sandbox.url, timeout=5) as client:
        yield client
