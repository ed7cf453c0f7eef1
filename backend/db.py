"""Tortoise ORM configuration; the API registers it in its lifespan, the CLI uses it for migrations."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

MODEL_MODULES = ["backend.models"]
MIGRATIONS_MODULE = "backend.migrations"


def _connection(database_url: str) -> str | dict[str, Any]:
    """The URL as is for SQLite; for PostgreSQL, credentials tuned for short hot-path queries."""
    if not database_url.startswith(("postgres://", "postgresql://", "asyncpg://")):
        return database_url
    from tortoise.backends.base.config_generator import expand_db_url

    from backend.pg import NoResetConnection

    config = expand_db_url(database_url)
    credentials = config["credentials"]
    # Generic plans for our prepared statements: re-planning each enforcement check cost 1-2 ms.
    server_settings = dict(credentials.get("server_settings") or {})
    server_settings.setdefault("plan_cache_mode", "force_generic_plan")
    credentials["server_settings"] = server_settings
    credentials.setdefault("connection_class", NoResetConnection)
    return config


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": _connection(database_url)},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "migrations": MIGRATIONS_MODULE,
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


# For `tortoise makemigrations` (a developer command); the URL is irrelevant to autodetection.
MIGRATIONS_CONFIG = tortoise_config("sqlite://:memory:")


async def apply_migrations(
    database_url: str, progress: Callable[[str, str, str], object] | None = None
) -> None:
    """Apply every pending migration (tortoise's own migration engine) and close the connections.

    Runs in its own Tortoise context, so a caller's live context (a running app, a test session)
    is neither re-initialised nor closed.
    """
    from tortoise.context import TortoiseContext
    from tortoise.migrations.api.migrate import migrate

    if database_url.startswith("sqlite://") and ":memory:" not in database_url:
        Path(database_url.removeprefix("sqlite://")).parent.mkdir(parents=True, exist_ok=True)
    async with TortoiseContext():
        await migrate(config=tortoise_config(database_url), progress=progress)
