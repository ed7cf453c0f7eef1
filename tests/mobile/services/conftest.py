"""The wire backend (tests/mobile/services/wire_backend.py) under uvicorn on 127.0.0.1, once per module;
each test gets a fresh `Wire` and its own transport."""

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
import uvicorn

from mobile.services.http import HttpTransport
from mobile.services.tokens import MemoryTokenStore
from tests.mobile.services.wire_backend import Wire, build_app


class Current:
    wire = Wire()


@pytest.fixture(scope="module")
async def base_url() -> AsyncIterator[str]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(
        build_app(lambda: Current.wire), lifespan="off", log_level="warning", timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[listener]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=10)
        listener.close()


@pytest.fixture
def wire() -> Wire:
    Current.wire = Wire()
    return Current.wire


@pytest.fixture
def store() -> MemoryTokenStore:
    return MemoryTokenStore()


@pytest.fixture
async def transport(base_url: str, wire: Wire, store: MemoryTokenStore) -> AsyncIterator[HttpTransport]:
    http = HttpTransport(base_url, store)
    try:
        yield http
    finally:
        await http.aclose()


@pytest.fixture
def closed_port_url() -> str:
    """An address where nothing listens: every connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
