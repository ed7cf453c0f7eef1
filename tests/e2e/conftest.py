"""A real API server on loopback, with the demo operators loaded, for end-to-end tests."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
DEMO_FILE = REPO / "assets" / "demo" / "onboarding.json"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    env: dict[str, str]


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "backend.cli", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data = tmp_path_factory.mktemp("live")
    env = {
        **os.environ,
        "PARKFLOW_DATABASE_URL": f"sqlite://{data / 'live.sqlite3'}",
        "PARKFLOW_DATA_DIR": str(data),
        "PARKFLOW_SECRET_KEY": "live-test-secret-0123456789abcdef0123456789",
        "PARKFLOW_ARGON2_TIME_COST": "1",
        "PARKFLOW_ARGON2_MEMORY_KIB": "1024",
        "PARKFLOW_LOGIN_ATTEMPTS_PER_MINUTE": "1000",
    }
    for step in (("migrate",), ("load", str(DEMO_FILE))):
        done = _cli(*step, env=env)
        assert done.returncode == 0, f"parkflow {' '.join(step)} failed:\n{done.stdout}\n{done.stderr}"
    port = free_port()
    log = (data / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "backend.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the API server did not start:\n{(data / 'server.log').read_text()}")
            time.sleep(0.2)
        yield LiveServer(url, env)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
