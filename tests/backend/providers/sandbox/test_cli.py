"""`python -m backend.cli provider-sandbox` as a person runs it: a real process on a real port."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

STARTUP_SECONDS = 20
COMMAND = [sys.executable, "-m", "backend.cli", "provider-sandbox"]
REPO = Path(__file__).resolve().parents[4]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env() -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("PARKFLOW_")}, "NO_COLOR": "1"}


def _serve(tmp_path: Path, *args: str) -> tuple[subprocess.Popen, Path]:
    log = tmp_path / "sandbox.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [*COMMAND, *args], cwd=REPO, env=_env(), stdout=out, stderr=subprocess.STDOUT
        )
    return process, log


def _wait_healthy(process: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"no answer within {STARTUP_SECONDS} s:\n{log.read_text()}")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_the_command_serves_the_demo_connections_and_prints_them(tmp_path: Path) -> None:
    port = _free_port()
    process, log = _serve(tmp_path, "--port", str(port))
    try:
        _wait_healthy(process, port, log)
        token = httpx.post(
            f"http://127.0.0.1:{port}/passport/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=("passport-demo", "pp_demo_secret_0123456789"),
        )
        assert token.status_code == 200
        started = httpx.post(
            f"http://127.0.0.1:{port}/passport/parking/v2/sessions",
            json={"zone_number": "1234", "license_plate": "ABC-123", "duration": 60},
            headers={"Authorization": f"Bearer {token.json()['access_token']}"},
        )
        assert started.status_code == 201
    finally:
        _stop(process)
    printed = log.read_text()
    assert f"http://127.0.0.1:{port}/passport/parking/v2" in printed
    assert f"http://127.0.0.1:{port}/passport/oauth/token" in printed
    for credential in ["pp_demo_secret_0123456789", "pbp_demo_key_0123456789", "ep_demo_key_0123456789"]:
        assert credential in printed


def test_the_command_reads_a_config_file(tmp_path: Path) -> None:
    config = tmp_path / "sandbox.yaml"
    config.write_text("connections: [{name: mine, flavour: easypark, api_key: my-key-123}]\n")
    port = _free_port()
    process, log = _serve(tmp_path, "--port", str(port), "--config", str(config))
    try:
        _wait_healthy(process, port, log)
        rights = httpx.get(
            f"http://127.0.0.1:{port}/easypark/v1/rights",
            params={"license_plate": "A1"},
            headers={"X-Api-Key": "my-key-123"},
        )
        assert rights.json() == {"rights": []}
    finally:
        _stop(process)
    assert "my-key-123" in log.read_text()


def test_an_invalid_config_file_stops_with_a_message(tmp_path: Path) -> None:
    config = tmp_path / "sandbox.yaml"
    config.write_text("connections: [{name: mine, flavour: easypark}]\n")

    result = subprocess.run(
        [*COMMAND, "--port", str(_free_port()), "--config", str(config)],
        cwd=REPO,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 2
    assert f"Error: {config}" in result.stdout
    assert "api_key" in result.stdout
