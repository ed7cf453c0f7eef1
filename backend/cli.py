"""The `parkflow` command (CONTRACT §2)."""

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from backend.config import get_settings
from backend.db import apply_migrations

app = typer.Typer(
    help="Parkflow: pay for parking anywhere; a mobile layer for operators.", no_args_is_help=True
)


def _progress(event: str, app_label: str, name: str) -> None:
    if event == "apply_start":
        typer.echo(f"  applying {app_label}.{name} ...", nl=False)
    elif event == "apply_done":
        typer.echo(" done")


@app.command()
def migrate() -> None:
    """Apply pending migrations to PARKFLOW_DATABASE_URL."""
    settings = get_settings()
    typer.echo(f"Migrating {_redact(settings.database_url)}")
    asyncio.run(apply_migrations(settings.database_url, progress=_progress))
    typer.echo("Database is up to date.")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes")] = 1,
    access_log: Annotated[bool, typer.Option(help="Log every request (costs CPU under load)")] = True,
) -> None:
    """Run the API against PARKFLOW_DATABASE_URL (run `parkflow migrate` first)."""
    import uvicorn

    uvicorn.run(
        "backend.main:create_app", factory=True, host=host, port=port, workers=workers, access_log=access_log
    )


@app.command()
def worker() -> None:
    """Run background jobs (charging exits, receipts, retries) without the API, for scale-out.

    Set PARKFLOW_RUN_JOBS_IN_PROCESS=false on the API processes when workers run."""
    from backend.worker.standalone import run_worker

    typer.echo("Parkflow worker: running background jobs (Ctrl-C to stop)")
    asyncio.run(run_worker(get_settings()))


@app.command()
def load(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="JSON or YAML file")
    ],
) -> None:
    """Load an onboarding file (CONTRACT §3). Idempotent; all or nothing."""
    from backend.onboarding.command import run_load

    raise typer.Exit(run_load(file, get_settings(), echo=typer.echo))


@app.command()
def demo(
    port: Annotated[int, typer.Option(help="API port")] = 8000,
    fresh: Annotated[bool, typer.Option(help="Start from an empty demo database")] = False,
    apps_port: Annotated[int, typer.Option(help="Port of the driver app and admin view (web)")] = 8550,
) -> None:
    """Migrate an embedded SQLite demo database, load the demo operators and serve everything."""
    from backend.demo.run import run_demo

    raise typer.Exit(run_demo(port=port, fresh=fresh, echo=typer.echo, apps_port=apps_port))


@app.command("provider-sandbox")
def provider_sandbox(
    host: Annotated[str, typer.Option(help="Interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 9100,
    config: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, readable=True, help="JSON/YAML connections and faults"),
    ] = None,
) -> None:
    """Run the provider emulator (CONTRACT §6): demo credentials, short-lived tokens, scriptable faults."""
    from backend.providers.sandbox.server import run_sandbox

    raise typer.Exit(run_sandbox(host=host, port=port, config_file=config, echo=typer.echo))


def _redact(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':', 1)[0]}:***@{host}"
    return url


if __name__ == "__main__":
    app()
