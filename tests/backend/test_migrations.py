"""The migrations build the models' schema from an empty database, on SQLite and on PostgreSQL.

PostgreSQL runs in a database of its own (created and dropped here), so it never clashes with the
shared test database. Without PARKFLOW_TEST_POSTGRES_URL it is skipped locally and fails in CI.
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import import_module
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import pytest
from tortoise.apps import Apps
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.context import TortoiseContext
from tortoise.migrations.autodetector import MigrationAutodetector

from backend.db import MIGRATIONS_MODULE, apply_migrations, tortoise_config

POSTGRES_URL = os.environ.get("PARKFLOW_TEST_POSTGRES_URL")
IN_CI = os.environ.get("CI", "").lower() == "true"
RECORDS_TABLE = "tortoise_migrations"
MIGRATION_FILES = sorted(
    path.stem for path in Path(import_module(MIGRATIONS_MODULE).__path__[0]).glob("[0-9]*.py")
)


def _require_postgres() -> str:
    if POSTGRES_URL:
        return POSTGRES_URL
    if IN_CI:
        pytest.fail("CI=true but PARKFLOW_TEST_POSTGRES_URL is not set: PostgreSQL tests must run in CI.")
    pytest.skip("PostgreSQL not configured (set PARKFLOW_TEST_POSTGRES_URL)")


def _with_database(url: str, name: str) -> str:
    return urlsplit(url)._replace(path=f"/{name}").geturl()


def _asyncpg_dsn(url: str) -> str:
    # Tortoise-only options (?maxsize=...) would reach the server as settings: drop the query.
    return urlsplit(url)._replace(scheme="postgresql", query="").geturl()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite://{tmp_path / 'db' / 'migrations.sqlite3'}"
        return
    server_url = _require_postgres()
    name = f"parkflow_test_migrations_{os.getpid()}"
    admin = await asyncpg.connect(_asyncpg_dsn(server_url))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield _with_database(server_url, name)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@asynccontextmanager
async def _tortoise(url: str) -> AsyncIterator[tuple[Apps, BaseDBAsyncClient]]:
    """The project's models on `url`, in a context of their own (the test session's app is untouched)."""
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url))
        yield ctx.apps, ctx.connections.get("default")


def _model_columns(apps: Apps) -> dict[str, set[str]]:
    expected: dict[str, set[str]] = {}
    for model in apps["models"].values():
        expected[model._meta.db_table] = set(model._meta.fields_db_projection.values())
        for name in model._meta.m2m_fields:
            field = model._meta.fields_map[name]
            expected.setdefault(field.through, set()).update({field.backward_key, field.forward_key})
    return expected


async def _database_columns(conn: BaseDBAsyncClient) -> dict[str, set[str]]:
    if conn.capabilities.dialect == "postgres":
        query = (
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema()"
        )
    else:
        query = (
            "SELECT m.name AS table_name, p.name AS column_name "
            "FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p "
            "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"
        )
    found: dict[str, set[str]] = {}
    for row in await conn.execute_query_dict(query):
        found.setdefault(row["table_name"], set()).add(row["column_name"])
    return found


async def _migration_records(conn: BaseDBAsyncClient) -> list[tuple[str, str, str]]:
    rows = await conn.execute_query_dict(
        f"SELECT app, name, applied_at FROM {RECORDS_TABLE} ORDER BY app, name"
    )
    return [(row["app"], row["name"], str(row["applied_at"])) for row in rows]


class _Progress:
    def __init__(self) -> None:
        self.applied: list[str] = []

    def __call__(self, event: str, app_label: str, name: str) -> None:
        if event == "apply_done":
            self.applied.append(f"{app_label}.{name}")


async def test_migrations_create_every_model_table_and_column(empty_database_url: str) -> None:
    progress = _Progress()
    await apply_migrations(empty_database_url, progress=progress)

    assert progress.applied == [f"models.{name}" for name in MIGRATION_FILES]
    async with _tortoise(empty_database_url) as (apps, conn):
        expected = _model_columns(apps)
        found = await _database_columns(conn)
    missing_tables = sorted(set(expected) - set(found))
    assert not missing_tables, f"Migrations do not create these model tables: {missing_tables}"
    missing_columns = {
        table: sorted(columns - found[table]) for table, columns in expected.items() if columns - found[table]
    }
    assert not missing_columns, f"Migrations do not create these model columns: {missing_columns}"


async def test_applying_migrations_again_changes_nothing(empty_database_url: str) -> None:
    await apply_migrations(empty_database_url)
    async with _tortoise(empty_database_url) as (_, conn):
        records_before = await _migration_records(conn)
        schema_before = await _database_columns(conn)

    progress = _Progress()
    await apply_migrations(empty_database_url, progress=progress)

    assert progress.applied == []
    async with _tortoise(empty_database_url) as (_, conn):
        assert await _migration_records(conn) == records_before
        assert await _database_columns(conn) == schema_before
    assert [name for _, name, _ in records_before] == MIGRATION_FILES


async def test_models_have_no_change_missing_a_migration() -> None:
    """What `tortoise makemigrations` would write; it must be nothing."""
    config = tortoise_config("sqlite://:memory:")
    async with _tortoise("sqlite://:memory:") as (apps, _):
        writers = await MigrationAutodetector(apps, config["apps"]).changes()
    pending = [f"{writer.app_label}: {op.describe()}" for writer in writers for op in writer.operations]
    assert not pending, (
        "The models differ from the migrations; run `.venv/bin/tortoise makemigrations -n <name>` "
        f"and commit the new migration. Pending: {pending}"
    )


async def test_model_and_field_descriptions_have_no_semicolon() -> None:
    """Tortoise's SQLite editor splits a migration's SQL on ';', including inside table/column comments."""
    async with _tortoise("sqlite://:memory:") as (apps, _):
        offenders = [
            f"{model.__name__}{'.' + name if name else ''}: {text!r}"
            for model in apps["models"].values()
            for name, text in [
                ("", model._meta.table_description),
                *((name, field.description) for name, field in model._meta.fields_map.items()),
            ]
            if text and ";" in text
        ]
    assert not offenders, f"Replace ';' in these docstrings/descriptions: {offenders}"
