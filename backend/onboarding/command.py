"""`parkflow load FILE`: the command-line wrapper around `load_onboarding`.

Exit codes: 0 loaded (or nothing to change), 1 the file was refused (every problem on stderr,
nothing changed), 2 the database is not there or not migrated.
"""

import asyncio
import time
from pathlib import Path
from typing import Any, Protocol

from tortoise import Tortoise, connections
from tortoise.migrations.executor import MigrationExecutor

from backend.config import Settings
from backend.db import tortoise_config
from backend.kit.services import build_services
from backend.onboarding.loader import load_onboarding
from backend.onboarding.parse import read_onboarding_file
from backend.onboarding.problems import OnboardingError
from backend.onboarding.report import LoadReport

EXIT_OK, EXIT_INVALID, EXIT_NO_DATABASE = 0, 1, 2


class Echo(Protocol):
    def __call__(self, message: str = ..., *, err: bool = ...) -> Any: ...


class DatabaseNotReadyError(Exception):
    """The database cannot be reached, or migrations are missing. The message says what to run."""


def run_load(file: Path, settings: Settings, echo: Echo) -> int:
    try:
        data = read_onboarding_file(file)
    except OnboardingError as exc:
        echo(_refused(file, exc), err=True)
        return EXIT_INVALID
    return asyncio.run(_load(file, data, settings, echo))


async def _load(file: Path, data: Any, settings: Settings, echo: Echo) -> int:
    started = time.perf_counter()
    try:
        await open_migrated_database(settings.database_url)
    except DatabaseNotReadyError as exc:
        echo(str(exc), err=True)
        await Tortoise.close_connections()
        return EXIT_NO_DATABASE
    try:
        echo(f"Loading {file} ...")
        report = await load_onboarding(data, build_services(settings), progress=echo)
    except OnboardingError as exc:
        echo(_refused(file, exc), err=True)
        return EXIT_INVALID
    finally:
        await Tortoise.close_connections()
    echo(format_report(file, report, time.perf_counter() - started))
    return EXIT_OK


def format_report(file: Path | str, report: LoadReport, seconds: float | None = None) -> str:
    took = f" in {seconds:.1f} s" if seconds is not None else ""
    verdict = "" if report.changed else " Nothing to change: the database already matches the file."
    return "\n".join([f"Loaded {file}{took}: {report.summary()}.{verdict}", *report.lines()])


def _refused(file: Path, exc: OnboardingError) -> str:
    return f"{file}: {exc.detail}"


async def open_migrated_database(database_url: str) -> None:
    """Connect tortoise to the database and make sure every migration has been applied.

    A missing SQLite file is not created here (that would leave an empty file behind).
    """
    hint = "run `parkflow migrate` first (with the same PARKFLOW_DATABASE_URL)"
    missing = _missing_sqlite_file(database_url)
    if missing is not None:
        raise DatabaseNotReadyError(f"There is no database at {missing}: {hint}.")
    config = tortoise_config(database_url)
    try:
        await Tortoise.init(config=config)
        connection = connections.get("default")
        await connection.execute_query("SELECT 1")
    except (OSError, ConnectionError) as exc:
        raise DatabaseNotReadyError(f"The database cannot be reached ({exc}); is it running?") from None
    except Exception as exc:  # drivers raise their own types (asyncpg, aiosqlite) for the same thing
        raise DatabaseNotReadyError(f"The database cannot be opened: {exc}.") from None
    pending = await MigrationExecutor(connection, config["apps"]).plan()
    if pending:
        names = ", ".join(step.migration.name for step in pending)
        raise DatabaseNotReadyError(f"The database is missing migrations ({names}): {hint}.")


def _missing_sqlite_file(database_url: str) -> Path | None:
    if not database_url.startswith("sqlite://") or ":memory:" in database_url:
        return None
    db_file = Path(database_url.removeprefix("sqlite://").split("?", 1)[0])
    return None if db_file.is_file() else db_file
