"""`parkflow load FILE` as a person runs it: a real process against a real database."""

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest

from tests.backend.onboarding.conftest import DEMO_FILE, REPO_ROOT
from tests.backend.onboarding.test_refused import bad_geometry, unknown_provider


async def parkflow(*args: str, database_url: str) -> tuple[int, str, str]:
    env = {
        **os.environ,
        "PARKFLOW_DATABASE_URL": database_url,
        "PARKFLOW_ARGON2_TIME_COST": "1",
        "PARKFLOW_ARGON2_MEMORY_KIB": "1024",
        "PARKFLOW_SECRET_KEY": "cli-test-secret-key-0123456789abcdef",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "backend.cli",
        *args,
        cwd=REPO_ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


@pytest.fixture
def database_url(engine: str, client, tmp_path: Path) -> str:
    """A fresh SQLite file (not even migrated), or the emptied PostgreSQL test database."""
    if engine == "sqlite":
        return f"sqlite://{tmp_path / 'cli.sqlite3'}"
    return client._transport.app.state.services.settings.database_url


@pytest.fixture
def bad_files(demo, tmp_path: Path) -> dict[str, Path]:
    files = {}
    for spoil in (bad_geometry, unknown_provider):
        raw = json.loads(json.dumps(demo))
        spoil(raw)
        files[spoil.__name__] = tmp_path / f"{spoil.__name__}.json"
        files[spoil.__name__].write_text(json.dumps(raw), encoding="utf-8")
    files["broken"] = tmp_path / "broken.json"
    files["broken"].write_text('{"tenants": [}', encoding="utf-8")
    return files


async def test_load_creates_then_changes_nothing(database_url: str) -> None:
    code, out, err = await parkflow("migrate", database_url=database_url)
    assert code == 0, err

    code, out, err = await parkflow("load", str(DEMO_FILE), database_url=database_url)
    assert code == 0, err
    assert "tenant cleveland-parking: 30 facilities" in out
    assert "65 created, 0 updated, 0 unchanged." in out
    assert "  facilities" in out

    code, out, err = await parkflow("load", str(DEMO_FILE), database_url=database_url)
    assert code == 0, err
    assert "0 created, 0 updated, 65 unchanged. Nothing to change" in out


async def test_a_bad_file_is_refused_naming_the_entry(database_url: str, bad_files) -> None:
    assert (await parkflow("migrate", database_url=database_url))[0] == 0

    code, out, err = await parkflow("load", str(bad_files["bad_geometry"]), database_url=database_url)
    assert code == 1
    assert "tenants[1] (helsinki-parking) › facilities[5] (fayetteville-71) › geometry: " in err
    assert "Loaded" not in out

    code, _, err = await parkflow("load", str(bad_files["unknown_provider"]), database_url=database_url)
    assert code == 1
    assert "facilities[4] (pohjoisesplanadi) › provider › connection: There is no provider connection" in err

    code, _, err = await parkflow("load", str(bad_files["broken"]), database_url=database_url)
    assert code == 1
    assert "is not valid JSON: Expecting value at line 1, column 14." in err

    # Nothing of the refused files was written: the good file still creates everything.
    code, out, err = await parkflow("load", str(DEMO_FILE), database_url=database_url)
    assert code == 0, err
    assert "65 created, 0 updated, 0 unchanged." in out


async def test_load_asks_for_migrations_first(tmp_path: Path) -> None:
    database_url = f"sqlite://{tmp_path / 'never-migrated.sqlite3'}"
    code, _, err = await parkflow("load", str(DEMO_FILE), database_url=database_url)
    assert code == 2
    assert "run `parkflow migrate` first" in err
    left_behind = await asyncio.to_thread(Path(database_url.removeprefix("sqlite://")).exists)
    assert not left_behind  # no empty database file is created by a refused load
