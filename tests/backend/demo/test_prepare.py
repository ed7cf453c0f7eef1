"""The demo's start: history made on a fresh database (one line printed), nothing added or printed on
a restart. Run as the demo runs it, in its own process (it opens its own database)."""

import os
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
SCRIPT = """
import asyncio
from backend.config import get_settings
from backend.demo.run import DEMO_FILE, demo_database, prepare_database
from backend.onboarding import read_onboarding_file

settings = get_settings()
settings = settings.model_copy(update={"database_url": f"sqlite://{demo_database(settings)}"})
asyncio.run(prepare_database(settings, read_onboarding_file(DEMO_FILE), print))
"""


def _prepare(data_dir: Path) -> tuple[str, float]:
    env = {
        **os.environ,
        "PARKFLOW_DATA_DIR": str(data_dir),
        "PARKFLOW_ARGON2_TIME_COST": "1",
        "PARKFLOW_ARGON2_MEMORY_KIB": "1024",
    }
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stderr
    return done.stdout, time.perf_counter() - began


def test_history_is_made_once_and_said_in_one_line(tmp_path: Path, capsys) -> None:
    first, first_seconds = _prepare(tmp_path)
    lines = first.splitlines()
    assert lines[0].startswith("Demo data (onboarding.json): 65 created")
    assert len(lines) == 2
    assert lines[1].startswith("History (cleveland-parking, helsinki-parking): 28 days, ")
    again, again_seconds = _prepare(tmp_path)
    assert again.splitlines() == ["Demo data (onboarding.json): 0 created, 0 updated, 65 unchanged."]
    made = lines[1].rsplit("; ", 1)[1]
    with capsys.disabled():
        print(f"\ndemo start, fresh: {first_seconds:.1f} s ({made}); restart: {again_seconds:.1f} s")
