"""The `parkflow` console script as an operator runs it: a real process, a real SQLite file, a real port."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

SCRIPT = Path(sys.executable).with_name("parkflow")
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "backend.cli"]
STARTUP_SECONDS = 20


def _env(tmp_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PARKFLOW_")}
    env.update(
        PARKFLOW_DATABASE_URL=f"sqlite://{tmp_path / 'data' / 'x.sqlite3'}",
        PARKFLOW_DATA_DIR=str(tmp_path / "data"),
        COLUMNS="200",
        NO_COLOR="1",
    )
    return env


def _parkflow(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # cwd is the temporary directory, so a developer's .env and var/ are never used.
    return subprocess.run(
        [*COMMAND, *args], cwd=tmp_path, env=_env(tmp_path), capture_output=True, text=True, timeout=120
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_migrate_creates_the_database_and_reports_each_migration(tmp_path: Path) -> None:
    first = _parkflow(tmp_path, "migrate")

    assert first.returncode == 0, first.stderr
    assert (tmp_path / "data" / "x.sqlite3").is_file()
    assert "applying models.0001_initial ... done" in first.stdout
    assert "Database is up to date." in first.stdout

    again = _parkflow(tmp_path, "migrate")
    assert again.returncode == 0, again.stderr
    assert "applying" not in again.stdout
    assert "Database is up to date." in again.stdout


def test_serve_answers_health_on_loopback(tmp_path: Path) -> None:
    assert _parkflow(tmp_path, "migrate").returncode == 0
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [*COMMAND, "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=tmp_path,
            env=_env(tmp_path),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        response = None
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline and server.poll() is None:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert response is not None, f"no answer within {STARTUP_SECONDS} s:\n{log.read_text()}"
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.mark.parametrize("args", [["frobnicate"], []], ids=["unknown-command", "no-command"])
def test_a_bad_command_prints_usage_and_fails(tmp_path: Path, args: list[str]) -> None:
    result = _parkflow(tmp_path, *args)

    assert result.returncode == 2
    assert "Usage: parkflow" in result.stdout + result.stderr
    if args:
        assert "No such command 'frobnicate'" in result.stderr
