"""Running the sandbox: `run_sandbox` for the CLI, `SandboxServer` in a background thread for tests/demo."""

import contextlib
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Self

import uvicorn

from backend.providers.sandbox.app import create_sandbox_app
from backend.providers.sandbox.config import SandboxConfig, SandboxConfigError, describe, load_config
from backend.providers.sandbox.state import SandboxState

# Stalled requests (timeout_after_create) are released on shutdown; this bounds the rest.
GRACEFUL_SHUTDOWN_SECONDS = 3


def run_sandbox(*, host: str, port: int, config_file: Path | None, echo: Callable[[str], None]) -> int:
    """`parkflow provider-sandbox`: print the connections and credentials, then serve until Ctrl-C."""
    try:
        config = load_config(config_file)
    except SandboxConfigError as exc:
        echo(f"Error: {exc}")
        return 2
    echo(describe(config, f"http://{host}:{port}"))
    echo("")
    uvicorn.run(
        create_sandbox_app(config),
        host=host,
        port=port,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        log_level="info",
    )
    return 0


class SandboxServer:
    """The sandbox on a real loopback port, served from a background thread.

    `with SandboxServer(config) as sandbox:` then `sandbox.url`, `sandbox.urls("passport-demo")`.
    Port 0 (the default) picks a free port.
    """

    def __init__(
        self, config: SandboxConfig | None = None, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.config = config or SandboxConfig()
        self.host = host
        self.port = port
        self.app = create_sandbox_app(self.config)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def state(self) -> SandboxState:
        return self.app.state.sandbox

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def urls(self, connection: str) -> dict[str, str]:
        """base_url (and token_url) of a connection on this server."""
        found = self.config.connection(connection)
        if found is None:
            raise KeyError(connection)
        return found.urls(self.url)

    def start(self, timeout: float = 10.0) -> Self:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app, log_level="warning", timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="provider-sandbox", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                sock.close()
                raise RuntimeError(f"The provider sandbox did not start on {self.url}.")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        loop = self.state.loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop already closed
                loop.call_soon_threadsafe(self.state.release_stalls)
        self._server.should_exit = True
        self._thread.join(timeout=GRACEFUL_SHUTDOWN_SECONDS + 5)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
