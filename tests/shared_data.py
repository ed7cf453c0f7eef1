"""The project's shared public data sets (`../shared/data` beside the repository, or
$PARKFLOW_SHARED_DATA), with in-repo copies of the few files some tests cannot do without."""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("PARKFLOW_SHARED_DATA", REPO.parent / "shared" / "data"))
FIXTURES = REPO / "tests" / "fixtures"
_COPIES = {
    "tariffs/sbb_park_and_rail_pricing.json": "sbb_park_and_rail_pricing.json",
    "gps/barefoot_munich_bmw_trace_1hz.csv": "barefoot_munich_bmw_trace_1hz.csv",
    "polygons/fixture_cleveland_parking_lots_30.geojson": (
        "../../assets/polygons/fixture_cleveland_parking_lots_30.geojson"
    ),
}
INVALID_US_LOT_FIXTURE = FIXTURES / "us_downtown_parking_lots_prn_invalid_lot.geojson"


def find_data(relative: str) -> Path | None:
    """The data file, from the shared folder or the in-repo copy; None when neither exists."""
    path = SHARED_DATA / relative
    if path.is_file():
        return path
    copy = FIXTURES / _COPIES[relative] if relative in _COPIES else None
    return copy if copy is not None and copy.is_file() else None


def require_data(relative: str) -> Path:
    """The data file, or skip the test locally; in CI (CI=true) a missing data set is a failure."""
    path = find_data(relative)
    if path is not None:
        return path
    message = f"shared data '{relative}' not found under {SHARED_DATA} (set PARKFLOW_SHARED_DATA)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)
