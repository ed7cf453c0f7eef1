import copy
import json
from pathlib import Path
from typing import Any

import pytest
from tortoise import Tortoise

from backend.onboarding import LoadReport, load_onboarding, parse_onboarding
from tests.shared_data import INVALID_US_LOT_FIXTURE, find_data

REPO_ROOT = Path(__file__).resolve().parents[3]
DEMO_FILE = REPO_ROOT / "assets" / "demo" / "onboarding.json"
# The US downtown lots data set, or the copy of its one invalid lot when ../shared/data is absent.
PRN_LOTS = find_data("polygons/us_downtown_parking_lots_prn.geojson") or INVALID_US_LOT_FIXTURE
_DEMO = json.loads(DEMO_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def demo() -> dict[str, Any]:
    """The demo onboarding file as plain data, a fresh copy per test (tests edit it)."""
    return copy.deepcopy(_DEMO)


@pytest.fixture
def services(client):
    """The app's services (test argon2 costs); requesting it also empties the tables."""
    return client._transport.app.state.services


async def load(raw: dict[str, Any], services) -> LoadReport:
    return await load_onboarding(parse_onboarding(raw), services)


async def row_counts() -> dict[str, int]:
    return {name: await model.all().count() for name, model in Tortoise.apps["models"].items()}


async def all_rows() -> list[dict[str, Any]]:
    """Every column of every row of every table, to look for secrets stored in plain text."""
    rows = []
    for model in Tortoise.apps["models"].values():
        rows += await model.all().values()
    return rows


def tenant(raw: dict[str, Any], slug: str) -> dict[str, Any]:
    return next(t for t in raw["tenants"] if t["slug"] == slug)


def facility(raw: dict[str, Any], slug: str) -> dict[str, Any]:
    return next(f for t in raw["tenants"] for f in t["facilities"] if f["slug"] == slug)
