"""`parkflow demo` as a person runs it on a fresh machine: one command, URLs and logins printed, the
API answering on localhost, Ctrl-C stopping it cleanly, and a rerun keeping the loaded data."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 40


@pytest.fixture
def demo_env(tmp_path: Path) -> dict[str, str]:
    """The demo always runs on its own embedded SQLite file, whatever engine the suite tests."""
    return {
        **os.environ,
        "PARKFLOW_DATA_DIR": str(tmp_path / "data"),
        # Set on purpose: the demo must not touch it.
        "PARKFLOW_DATABASE_URL": f"sqlite://{tmp_path / 'real.sqlite3'}",
        "PARKFLOW_ARGON2_TIME_COST": "1",
        "PARKFLOW_ARGON2_MEMORY_KIB": "1024",
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Demo:
    def __init__(self, env: dict[str, str], log: Path, *args: str, port: int | None = None) -> None:
        self.port = port or _free_port()
        self.apps_port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.driver_app = f"http://127.0.0.1:{self.apps_port}/driver"
        self.log = log
        self._out = log.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "backend.cli", "demo"),
                *("--port", str(self.port), "--apps-port", str(self.apps_port), *args),
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )

    @property
    def output(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def wait_healthy(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the demo exited early:\n{self.output}"
            try:
                if httpx.get(f"{self.base}/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        pytest.fail(f"/health did not answer within {STARTUP_SECONDS} s:\n{self.output}")

    def stop(self) -> int:
        """Ctrl-C, as a person would."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=20)
        finally:
            self._out.close()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self._out.close()


@pytest.fixture
def run_demo(demo_env: dict[str, str], tmp_path: Path) -> Iterator:
    started: list[Demo] = []

    def start(*args: str, port: int | None = None) -> Demo:
        demo = Demo(demo_env, tmp_path / f"demo-{len(started)}.log", *args, port=port)
        started.append(demo)
        return demo

    yield start
    for demo in started:
        demo.kill()


def test_demo_serves_the_api_and_prints_the_logins(run_demo, demo_env: dict[str, str]) -> None:
    demo = run_demo("--fresh")
    demo.wait_healthy()

    zone = httpx.get(f"{demo.base}/api/v1/facilities", params={"zone_number": "1234"}, timeout=5)
    assert zone.status_code == 200, zone.text
    assert [f["slug"] for f in zone.json()["items"]] == ["kamppi-p1"]
    paths = httpx.get(f"{demo.base}/openapi.json", timeout=5).json()["paths"]
    docs = httpx.get(f"{demo.base}/docs", timeout=5)
    assert docs.status_code == 200
    login = httpx.post(
        f"{demo.base}/api/v1/admin/auth/token",
        data={"username": "admin@helsinki.test", "password": "parkflow-demo"},
        timeout=10,
    )
    assert login.status_code == 200, login.text
    app_page = httpx.get(f"{demo.driver_app}/", timeout=5)
    assert app_page.status_code == 200
    assert '<base href="/driver/">' in app_page.text  # the Flet web client, served offline

    output = demo.output
    for expected in (
        f"{demo.base}/api/v1",
        f"{demo.base}/docs",
        f"{demo.base}/health",
        demo.driver_app,
        "demo.sqlite3 (embedded SQLite",
        "65 created, 0 updated, 0 unchanged",
        "root@parkflow.test / parkflow-root-demo",
        "admin@helsinki.test / parkflow-demo",
        "officer@cleveland.test / parkflow-demo",
        "whk_demo_helsinki_0123456789abcdef",
        "ek_demo_cleveland_events_0123456789",
        f"curl '{demo.base}/api/v1/facilities?zone_number=1234'",
    ):
        assert expected in output, expected
    # Examples only for endpoints this build serves (enforcement and webhooks come later).
    assert ("/api/enforcement/check/" in output) == ("/api/enforcement/check/{plate}" in paths)

    assert demo.stop() == 0, demo.output
    assert "Demo stopped." in demo.output
    assert (Path(demo_env["PARKFLOW_DATA_DIR"]) / "demo.sqlite3").is_file()
    assert not Path(demo_env["PARKFLOW_DATABASE_URL"].removeprefix("sqlite://")).exists()

    again = run_demo()
    again.wait_healthy()
    assert "0 created, 0 updated, 65 unchanged" in again.output
    assert again.stop() == 0, again.output


def test_demo_says_when_its_port_is_taken(run_demo) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        demo = run_demo(port=squatter.getsockname()[1])
        code = demo.process.wait(timeout=30)
    assert code == 2
    assert f"Port {demo.port} (API) is already in use" in demo.output
