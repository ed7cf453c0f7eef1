"""`parkflow demo`: everything on localhost from one command, on an embedded SQLite database.

The demo always uses its own SQLite file, `<PARKFLOW_DATA_DIR>/demo.sqlite3` (`var/demo.sqlite3` by
default), never PARKFLOW_DATABASE_URL: a demo must not write demo operators into a real database.
It migrates that file, loads `assets/demo/onboarding.json` (idempotent, so a rerun keeps whatever
was done in the previous demo; `--fresh` starts over), adds a few weeks of history the first time
(`backend.demo.history`: the admin view's charts need data; the API serves the camera photos of it,
`backend.demo.anpr_images`), prints the URLs and demo logins, and serves every service until Ctrl-C.

Services are a list: each is a uvicorn server run in this process's event loop. Adding the
provider sandbox, the driver app or the admin view is one more `DemoService` in `demo_services`.
"""

import asyncio
import contextlib
import json
import signal
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import uvicorn
from pydantic import SecretStr
from tortoise import Tortoise

from backend.config import Settings, get_settings
from backend.db import apply_migrations, tortoise_config
from backend.demo.anpr_images import install_anpr_media
from backend.demo.build_onboarding import DEMO_PASSWORD, SANDBOX_ROOT
from backend.demo.build_onboarding import OUTPUT as DEMO_FILE
from backend.demo.history import DEMO_DRIVER_EMAIL, load_history
from backend.kit.services import build_services
from backend.main import create_app
from backend.onboarding import LoadReport, OnboardingError, load_onboarding, read_onboarding_file
from shared.schemas.onboarding import OnboardingFile, TenantEntry

HOST = "127.0.0.1"
DB_NAME = "demo.sqlite3"
SANDBOX_PORT = int(SANDBOX_ROOT.rsplit(":", 1)[1])
APPS_PORT = 8550
EXIT_OK, EXIT_FAILED, EXIT_BUSY = 0, 1, 2

Echo = Callable[..., Any]


@dataclass
class DemoService:
    """One process of the demo: a name, where to reach it, and the server that runs it."""

    name: str
    url: str
    server: uvicorn.Server
    links: list[tuple[str, str]] = field(default_factory=list)  # more rows for the table

    @property
    def port(self) -> int:
        return self.server.config.port


class _DemoServer(uvicorn.Server):
    """The demo handles Ctrl-C once for every server (see `serve_all`), not each server itself."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def demo_database(settings: Settings) -> Path:
    return Path(settings.data_dir) / DB_NAME


def demo_services(settings: Settings, port: int, apps_port: int = APPS_PORT) -> list[DemoService]:
    from backend.providers.sandbox.app import create_sandbox_app
    from mobile.config import AppConfig
    from mobile.web import ADMIN_PATH, DRIVER_PATH, create_web_app

    base = f"http://{HOST}:{port}"
    api_app = create_app(settings)
    # The camera photos of the demo's history (backend.demo.anpr_images); only the demo serves them.
    install_anpr_media(api_app, Path(settings.data_dir) / "anpr")
    api = _DemoServer(uvicorn.Config(api_app, host=HOST, port=port, log_level="info"))
    # The demo onboarding file points its provider connections at this port (SANDBOX_ROOT).
    sandbox = _DemoServer(
        uvicorn.Config(create_sandbox_app(), host=HOST, port=SANDBOX_PORT, log_level="warning")
    )
    return [
        DemoService(
            "API",
            f"{base}/api/v1",
            api,
            links=[("API docs (OpenAPI)", f"{base}/docs"), ("Health", f"{base}/health")],
        ),
        DemoService(
            "Provider sandbox",
            SANDBOX_ROOT,
            sandbox,
            links=[("Sandbox faults/stats", f"{SANDBOX_ROOT}/docs")],
        ),
        # The apps reach the API over HTTP only, exactly as the phone app does.
        DemoService(
            "Driver app",
            f"http://{HOST}:{apps_port}{DRIVER_PATH}",
            _DemoServer(
                uvicorn.Config(
                    create_web_app(
                        # The app's own settings (geofence timing, ...) from the environment; the
                        # addresses are the demo's.
                        replace(AppConfig.from_env(), api_url=base, public_app_url=settings.public_app_url)
                    ),
                    host=HOST,
                    port=apps_port,
                    log_level="warning",
                )
            ),
            # The same server hosts the operator admin view.
            links=[("Admin view", f"http://{HOST}:{apps_port}{ADMIN_PATH}")],
        ),
    ]


def run_demo(port: int, fresh: bool, echo: Echo, apps_port: int = APPS_PORT) -> int:
    base_settings = get_settings()
    db_file = demo_database(base_settings)
    updates: dict[str, Any] = {
        "database_url": f"sqlite://{db_file}",
        # "Lots near me" from the sandbox's ParkMe-style data API, merged into /facilities/nearby.
        "parking_data_url": f"{SANDBOX_ROOT}/data/v1",
        "parking_data_key": SecretStr("data_demo_key_0123456789"),
    }
    if "public_base_url" not in base_settings.model_fields_set:
        updates["public_base_url"] = f"http://{HOST}:{port}"
    if "public_app_url" not in base_settings.model_fields_set:
        # Printed sign QR codes open the demo's driver app.
        updates["public_app_url"] = f"http://{HOST}:{apps_port}/driver"
    settings = base_settings.model_copy(update=updates)

    services = demo_services(settings, port, apps_port)
    busy = [s for s in services if not _port_free(s.port)]
    if busy:
        for service in busy:
            echo(
                f"Port {service.port} ({service.name}) is already in use; pick another with --port.", err=True
            )
        return EXIT_BUSY

    if fresh:
        _delete_database(db_file, echo)
    echo(f"Database: {db_file} (embedded SQLite; the demo never uses PARKFLOW_DATABASE_URL)")
    try:
        data = read_onboarding_file(DEMO_FILE)
        report = asyncio.run(prepare_database(settings, data, echo))
    except OnboardingError as exc:
        echo(
            f"{exc.detail}\nThe demo database no longer matches the demo file: rerun with --fresh.", err=True
        )
        return EXIT_FAILED
    echo("\n".join(banner(services, data, report, port)))
    try:
        return asyncio.run(serve_all(services, echo))
    except KeyboardInterrupt:  # platforms without loop signal handlers
        echo("Stopped.")
        return EXIT_OK


async def prepare_database(settings: Settings, data: OnboardingFile, echo: Echo) -> LoadReport:
    """Migrate the demo database, load the demo file into it and, once, a few weeks of history."""
    await apply_migrations(settings.database_url)
    await Tortoise.init(config=tortoise_config(settings.database_url))
    services = build_services(settings)
    try:
        report = await load_onboarding(data, services)
        echo(f"Demo data ({DEMO_FILE.name}): {report.summary()}.")
        history = await load_history(
            [tenant.slug for tenant in data.tenants],
            passwords=services.passwords,
            media_base=settings.public_base_url,
        )
    finally:
        await Tortoise.close_connections()
    if history is not None:
        echo(history.line())
    return report


async def serve_all(services: list[DemoService], echo: Echo) -> int:
    """Run every service until Ctrl-C (or SIGTERM); if one stops by itself, stop the others."""
    loop = asyncio.get_running_loop()
    interrupted = False

    def interrupt() -> None:
        nonlocal interrupted
        for service in services:
            service.server.force_exit = interrupted  # a second Ctrl-C: don't wait for open connections
            service.server.should_exit = True
        interrupted = True

    handled = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, interrupt)
            handled.append(sig)
    tasks = [asyncio.create_task(s.server.serve(), name=s.name) for s in services]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        if not interrupted:
            failed = ", ".join(task.get_name() for task in done)
            echo(f"{failed} stopped unexpectedly; stopping the demo.", err=True)
        for service in services:
            service.server.should_exit = True
        await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        for sig in handled:
            loop.remove_signal_handler(sig)
    echo("Demo stopped.")
    return EXIT_OK if interrupted else EXIT_FAILED


def banner(services: list[DemoService], data: OnboardingFile, report: LoadReport, port: int) -> list[str]:
    rows = [(s.name, s.url) for s in services] + [link for s in services for link in s.links]
    width = max(len(name) for name, _ in rows) + 2
    lines = ["", "Parkflow demo", ""] + [f"  {name:<{width}}{url}" for name, url in rows]
    lines += ["", "Demo logins (demo values; never reuse them anywhere real)"]
    lines += [
        f"  super admin  {a.email} / {a.password or '(generated, see above)'}" for a in data.super_admins
    ]
    lines += [
        f"  driver       {DEMO_DRIVER_EMAIL} / {DEMO_PASSWORD}  (driver app, with a few weeks of history)"
    ]
    for tenant in data.tenants:
        lines += _tenant_logins(tenant)
    if report.secrets:
        lines += ["", "Generated on this first run (shown once):"]
        lines += [f"  {s.owner} {s.what}: {s.value}" for s in report.secrets]
    lines += ["", "Try it", *(f"  {line}" for line in _examples(data, f"http://{HOST}:{port}"))]
    lines += ["", "Press Ctrl-C to stop.", ""]
    return lines


def _tenant_logins(tenant: TenantEntry) -> list[str]:
    lines = ["", f"  {tenant.slug} ({tenant.name}, {tenant.currency}, {len(tenant.facilities)} facilities)"]
    lines += [f"    {u.role.value:<14}{u.email} / {u.password or '(generated)'}" for u in tenant.users]
    lines += [f"    {'webhook token':<14}{token}" for token in tenant.webhook_tokens or []]
    for key in tenant.api_keys:
        scope = ", ".join(key.facilities) if key.facilities else "every facility"
        lines.append(f"    {'api key':<14}{key.key or '(generated)'}  ({key.name}: {scope})")
    return lines


def _served_paths() -> set[str]:
    """Paths the API serves, so the examples only show what works in this build."""
    from backend.routers import ROUTERS

    return {route.path for router in ROUTERS for route in router.routes}  # type: ignore[attr-defined]


def _examples(data: OnboardingFile, base: str) -> list[str]:
    served = _served_paths()
    tenant, facility = _example_facility(data)
    if tenant is None or facility is None:
        return [f"curl {base}/health"]
    lines = [
        "# zone entry: which facilities answer to a zone number (several operators may)",
        f"curl '{base}/api/v1/facilities?zone_number={facility.zone_number}'",
    ]
    key = next((k.key for k in tenant.api_keys if k.key and not k.facilities), None)
    if key and "/api/enforcement/check/{plate}" in served:
        lines += [
            "# enforcement: may this car be here?",
            f"curl -H 'x-api-key: {key}' '{base}/api/enforcement/check/ABC-123?facility={facility.slug}'",
        ]
    if tenant.webhook_tokens and "/webhook" in served:
        now = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        body = json.dumps(
            {"event": "entry", "plate": "ABC-123", "facility_id": facility.slug, "timestamp": now}
        )
        lines += [
            "# camera webhook: a car enters",
            f"curl -X POST {base}/webhook -H 'Authorization: Bearer {tenant.webhook_tokens[0]}' "
            f"-H 'Content-Type: application/json' -d '{body}'",
        ]
    admin = next((u for u in tenant.users if u.role.value == "tenant_admin" and u.password), None)
    if admin:
        lines += [
            "# operator login (then send Authorization: Bearer <access_token>)",
            f"curl -X POST {base}/api/v1/admin/auth/token "
            f"-d username={admin.email} -d password={admin.password}",
        ]
    return lines


def _example_facility(data: OnboardingFile) -> tuple[TenantEntry | None, Any]:
    """The CONTRACT's example facility (zone 1234) when the file has it, else the first one."""
    pairs = [(t, f) for t in data.tenants for f in t.facilities]
    return next((p for p in pairs if p[1].zone_number == "1234"), pairs[0] if pairs else (None, None))


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def _delete_database(db_file: Path, echo: Echo) -> None:
    removed = False
    for suffix in ("", "-wal", "-shm", "-journal"):
        candidate = db_file.with_name(db_file.name + suffix)
        if candidate.exists():
            candidate.unlink()
            removed = True
    if removed:
        echo(f"--fresh: removed {db_file}")
