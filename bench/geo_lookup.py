"""How fast shared.geo answers "which lot is this phone in" and "lots near me" over 15,741 US lots.

Run from the repository root: python bench/geo_lookup.py
"""

import json
import sys
import time
from pathlib import Path

import numpy as np
import shapely

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from shared.geo import InvalidGeometryError, LotIndex, parse_lot_geometry  # noqa: E402

US_LOTS = REPO.parent / "shared" / "data" / "polygons" / "us_downtown_parking_lots_prn.geojson"
LOOKUPS = 100_000
NEARBY_LOOKUPS = 5_000
TARGET_US = 20.0


def per_call_us(seconds: float, calls: int) -> float:
    return seconds / calls * 1e6


def main() -> None:
    features = json.loads(US_LOTS.read_text())["features"]

    started = time.perf_counter()
    lots, skipped = [], []
    for feature in features:
        try:
            lots.append((feature["properties"]["id"], parse_lot_geometry(feature["geometry"])))
        except InvalidGeometryError as error:
            skipped.append((feature["properties"]["id"], str(error)))
    parse_s = time.perf_counter() - started
    print(
        f"parsed {len(lots):,} of {len(features):,} lots in {parse_s:.2f} s "
        f"({per_call_us(parse_s, len(features)):.0f} µs per lot)"
    )
    for key, message in skipped:
        print(f"  skipped {key}: {message}")

    started = time.perf_counter()
    index = LotIndex(lots)
    print(f"built LotIndex over {len(index):,} lots in {(time.perf_counter() - started) * 1e3:.1f} ms")

    rng = np.random.default_rng(42)
    west, south, east, north = shapely.total_bounds([geometry for _, geometry in lots])
    # Uniform over the whole US box: nearly every fix is outside any lot (the tree prunes fast).
    anywhere = np.column_stack((rng.uniform(west, east, LOOKUPS), rng.uniform(south, north, LOOKUPS)))
    # Fixes scattered ~50 m around lots, as a phone in a downtown would send.
    anchors = shapely.get_coordinates(shapely.point_on_surface([geometry for _, geometry in lots]))
    downtown = anchors[rng.integers(0, len(anchors), LOOKUPS)] + rng.normal(0, 0.0005, (LOOKUPS, 2))

    for label, points in (("anywhere in the US box", anywhere), ("around downtown lots", downtown)):
        fixes = points.tolist()
        hits = 0
        started = time.perf_counter()
        for lon, lat in fixes:
            hits += bool(index.containing(lon, lat))
        us = per_call_us(time.perf_counter() - started, len(fixes))
        verdict = "OK" if us <= TARGET_US else "OVER TARGET"
        print(
            f"containing, {label}: {us:.1f} µs per fix over {len(fixes):,} fixes "
            f"({hits / len(fixes):.1%} inside a lot) — target ≤ {TARGET_US:.0f} µs: {verdict}"
        )

    for radius in (250.0, 1000.0):
        fixes = downtown[:NEARBY_LOOKUPS].tolist()
        found = 0
        started = time.perf_counter()
        for lon, lat in fixes:
            found += len(index.nearby(lon, lat, radius))
        us = per_call_us(time.perf_counter() - started, len(fixes))
        print(
            f"nearby, {radius:.0f} m around downtown fixes: {us:.0f} µs per query, {len(fixes):,} queries "
            f"({found / len(fixes):.1f} lots each on average)"
        )


if __name__ == "__main__":
    main()
