"""Backend tests run against the real engines: SQLite always, PostgreSQL when configured.

Each engine gets a database built by the project's migrations (never `generate_schemas`), one app
with its real lifespan, and a truncation between tests. PostgreSQL comes from
PARKFLOW_TEST_POSTGRES_URL; without it the PostgreSQL half is skipped locally and *fails* in CI.
"""

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from tortoise import Tortoise, connections
from tortoise.backends.base.executor import EXECUTOR_CACHE

from backend.config import Settings
from backend.db import apply_migrations
from backend.main import create_app
from backend.worker.runner import JobRunner

POSTGRES_URL = os.environ.get("PARKFLOW_TEST_POSTGRES_URL")
IN_CI = os.environ.get("CI", "").lower() == "true"
ENGINES = ["sqlite", "postgres"]


def _require_postgres() -> str:
    if POSTGRES_URL:
        return POSTGRES_URL
    if IN_CI:
        pytest.fail("CI=true but PARKFLOW_TEST_POSTGRES_URL is not set: PostgreSQL tests must run in CI.")
    pytest.skip("PostgreSQL not configured (set PARKFLOW_TEST_POSTGRES_URL)")


async def reset_postgres(url: str) -> None:
    """Empty the test database (drop and recreate the public schema) so migrations start from zero."""
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()


async def engine_url(engine: str, tmp: Path) -> str:
    if engine == "sqlite":
        return f"sqlite://{tmp / 'parkflow-test.sqlite3'}"
    url = _require_postgres()
    await reset_postgres(url)
    return url


def make_settings(database_url: str, **overrides) -> Settings:
    values = {
        "database_url": database_url,
        "secret_key": "test-secret-key-0123456789abcdef0123456789",
        "argon2_time_cost": 1,
        "argon2_memory_kib": 1024,
        "login_attempts_per_minute": 5,
        "data_dir": "var/test",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture(scope="session", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
async def app_and_url(engine: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[tuple]:
    url = await engine_url(engine, tmp_path_factory.mktemp(engine))
    # Tortoise caches each model's INSERT/DELETE SQL per connection *name*, not per dialect:
    # the SQLite half's "?" placeholders would otherwise reach PostgreSQL.
    EXECUTOR_CACHE.clear()
    await apply_migrations(url)
    app = create_app(make_settings(url))
    async with app.router.lifespan_context(app):
        yield app, url


@pytest.fixture(scope="session")
def app(app_and_url):
    return app_and_url[0]


async def truncate_all(jobs: JobRunner) -> None:
    conn = connections.get("default")
    tables = [model._meta.db_table for model in Tortoise.apps["models"].values()]
    if conn.capabilities.dialect == "postgres":
        # The app outlives tests: a job the previous test left running holds row locks that TRUNCATE's
        # table locks would deadlock with. Let those jobs finish first; the retry covers a job the
        # background loop claims in between.
        await jobs.idle()
        for attempt in range(5):
            try:
                await conn.execute_script(f"TRUNCATE {', '.join(tables)} CASCADE;")
                break
            except Exception as exc:  # asyncpg.DeadlockDetectedError, raw or wrapped by tortoise
                if "deadlock" not in str(exc).lower() or attempt == 4:
                    raise
                await jobs.idle()
                await asyncio.sleep(0.1 * (attempt + 1))
    else:
        script = "PRAGMA foreign_keys = OFF;" + "".join(f"DELETE FROM {t};" for t in tables)
        await conn.execute_script(script + "PRAGMA foreign_keys = ON;")


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    await truncate_all(app.state.services.jobs)
    app.dependency_overrides.clear()
    services = app.state.services
    services.login_limiter.__init__(services.settings.login_attempts_per_minute)
    services.extras.pop("facility_index", None)  # rows were truncated: drop caches built on them
    transport = httpx.ASGITransport(app=app, client=("127.0.0.10", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://parkflow.test") as http:
        yield http
