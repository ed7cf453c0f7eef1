"""How fast shared.geofence answers per fix, over the 15,741 real US downtown lots.

1. Index the lots (the one invalid outline is reported, not fatal).
2. Time the lookup a tracker makes per fix (which lots cover the point, and how deep inside each
   it is, in metres) for 100,000 points: half anywhere in the data's bounding box, half scattered
   ~50 m around lots. Target: ≤ 20 µs per fix.
3. Run one GeofenceTracker per phone for 10,000 simulated phones at 1 Hz (parked in lots, driving
   past them, walking, with poor fixes and GPS jumps mixed in) on one core. Target: ≥ 10,000 fixes/s,
   i.e. one core keeps up with 10,000 phones sending a fix a second.

Run from the repository root: python bench/geofence.py [--phones N] [--seconds S]
"""

import argparse
import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from shared.geofence import ACCURACY_TO_SIGMA, Fix, GeofenceIndex, GeofenceTracker  # noqa: E402
from shared.geofence_index import metres_per_degree  # noqa: E402

US_LOTS = REPO.parent / "shared" / "data" / "polygons" / "us_downtown_parking_lots_prn.geojson"
LOOKUPS = 100_000
LOOKUP_TARGET_US = 20.0
PHONES = 10_000
SECONDS = 75  # parked phones pass the 60 s entry dwell, so entries are part of the work
FIXES_PER_S_TARGET = 10_000
START = datetime(2026, 3, 30, 8, 0, tzinfo=UTC)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def build_index() -> tuple[GeofenceIndex[str], list[tuple[str, shapely.Geometry]]]:
    features = json.loads(US_LOTS.read_text())["features"]
    started = time.perf_counter()
    index = GeofenceIndex((f["properties"]["id"], f["geometry"]) for f in features)
    elapsed = time.perf_counter() - started
    print(f"indexed {len(index):,} of {len(features):,} lots in {elapsed:.2f} s (outlines checked)")
    for key, error in index.rejected.items():
        print(f"  rejected {key}: {error}")
    lots = [(f["properties"]["id"], shape(f["geometry"])) for f in features if f["properties"]["id"] in index]
    return index, lots


def time_lookups(index: GeofenceIndex[str], lots: list[tuple[str, shapely.Geometry]]) -> bool:
    rng = np.random.default_rng(42)
    outlines = [outline for _, outline in lots]
    west, south, east, north = shapely.total_bounds(outlines)
    half = LOOKUPS // 2
    anywhere = np.column_stack((rng.uniform(west, east, half), rng.uniform(south, north, half)))
    anchors = shapely.get_coordinates(shapely.point_on_surface(outlines))
    # ~50 m of scatter: degrees per metre at each anchor's latitude, so the scatter is in metres.
    picked = anchors[rng.integers(0, len(anchors), half)]
    per_lon, per_lat = np.array([metres_per_degree(lat) for lat in picked[:, 1].tolist()]).T
    downtown = picked + rng.normal(0, 50, (half, 2)) / np.column_stack((per_lon, per_lat))
    points = np.vstack((anywhere, downtown)).tolist()

    timings = np.empty(len(points))
    hits = 0
    clock = time.perf_counter_ns
    for i, (lon, lat) in enumerate(points):
        began = clock()
        for key in index.containing(lon, lat):
            index.edge_distance_m(key, lon, lat)
            hits += 1
        timings[i] = clock() - began
    timings /= 1000.0
    p50, p99, mean = np.percentile(timings, 50), np.percentile(timings, 99), timings.mean()
    ok = mean <= LOOKUP_TARGET_US and p50 <= LOOKUP_TARGET_US
    print(
        f"lookup per fix (covering lots + metres to each edge), {len(points):,} points, "
        f"{hits:,} inside a lot: p50 {p50:.1f} µs, p99 {p99:.1f} µs, mean {mean:.1f} µs "
        f"— target ≤ {LOOKUP_TARGET_US:.0f} µs: {verdict(ok)}"
    )
    for label, part in (("anywhere in the box", timings[:half]), ("around lots", timings[half:])):
        print(f"  {label}: p50 {np.percentile(part, 50):.1f} µs, p99 {np.percentile(part, 99):.1f} µs")
    return ok


def simulate(
    lots: list[tuple[str, shapely.Geometry]], phones: int, seconds: int
) -> tuple[np.ndarray, list[list[str]]]:
    """Fixes as a (seconds, phones, 4) array of lon, lat, accuracy, speed (NaN: none reported), and
    the lots each phone's car is already in when its tracker starts.

    A quarter of the phones park in a lot, a quarter drive past lots at 8–15 m/s, a quarter walk
    at 1.5 m/s and a quarter start in a lot (an open stay) and drive off after 10 s; accuracies
    4–40 m with matching noise, 2 % of fixes worse than the 50 m limit, 0.2 % jumped 500 m. Half
    the phones report their speed.
    """
    rng = np.random.default_rng(7)
    anchors = shapely.get_coordinates(shapely.point_on_surface([o for _, o in lots]))
    lot_of = rng.integers(0, len(anchors), phones)
    home = anchors[lot_of]
    per_lon, per_lat = np.array([metres_per_degree(lat) for lat in home[:, 1].tolist()]).T
    kind = rng.integers(0, 4, phones)  # 0 parked, 1 driving past, 2 walking, 3 leaving
    speed = np.select([kind == 1, kind == 2, kind == 3], [rng.uniform(8, 15, phones), 1.5, 10.0], 0.0)
    heading = rng.uniform(0, 2 * np.pi, phones)
    start = rng.normal(0, 5, (phones, 2))
    start[kind == 1] -= 300.0 * np.column_stack((np.cos(heading), np.sin(heading)))[kind == 1]
    accuracy = rng.uniform(4, 40, phones)
    reports_speed = rng.random(phones) < 0.5
    inside = [[lots[lot][0]] if k == 3 else [] for lot, k in zip(lot_of.tolist(), kind.tolist(), strict=True)]

    t = np.arange(seconds)[:, None]
    moving = np.where(kind == 3, np.maximum(t - 10, 0), t)
    x = start[:, 0] + speed * np.cos(heading) * moving
    y = start[:, 1] + speed * np.sin(heading) * moving
    speed = np.where((kind == 3) & (t < 10), 0.0, speed)
    noise = rng.normal(0, 1, (2, seconds, phones)) * accuracy * ACCURACY_TO_SIGMA
    jumped = rng.random((seconds, phones)) < 0.002
    x = x + noise[0] + jumped * 500.0
    y = y + noise[1]
    acc = np.broadcast_to(accuracy, (seconds, phones)).copy()
    acc[rng.random((seconds, phones)) < 0.02] = 80.0
    reported = np.where(reports_speed, np.abs(speed + rng.normal(0, 0.3, (seconds, phones))), np.nan)
    return np.stack((home[:, 0] + x / per_lon, home[:, 1] + y / per_lat, acc, reported), axis=-1), inside


def time_trackers(
    index: GeofenceIndex[str], lots: list[tuple[str, shapely.Geometry]], phones: int, seconds: int
) -> bool:
    started = time.perf_counter()
    fixes, inside = simulate(lots, phones, seconds)
    trackers = [GeofenceTracker(index, inside=lots_in) for lots_in in inside]
    print(f"simulated {phones:,} phones × {seconds} s in {time.perf_counter() - started:.1f} s")

    feeding = 0.0
    events = {"enter": 0, "exit": 0}
    for second in range(seconds):
        at = START + timedelta(seconds=second)
        batch = [
            Fix(lat=lat, lon=lon, accuracy_m=acc, at=at, speed_mps=None if speed != speed else speed)
            for lon, lat, acc, speed in fixes[second].tolist()
        ]
        began = time.perf_counter()
        for tracker, fix in zip(trackers, batch, strict=True):
            for event in tracker.feed(fix):
                events[event.kind.value] += 1
        feeding += time.perf_counter() - began
    total = phones * seconds
    rate = total / feeding
    ok = rate >= FIXES_PER_S_TARGET
    print(
        f"trackers: {total:,} fixes in {feeding:.1f} s = {rate:,.0f} fixes/s "
        f"({feeding / total * 1e6:.1f} µs a fix; {events['enter']:,} entries, {events['exit']:,} exits) "
        f"— target ≥ {FIXES_PER_S_TARGET:,} fixes/s (10,000 phones at 1 Hz on one core): {verdict(ok)}"
    )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=PHONES)
    parser.add_argument("--seconds", type=int, default=SECONDS)
    args = parser.parse_args()
    if not US_LOTS.is_file():
        sys.exit(f"missing {US_LOTS} (the project's shared data)")
    index, lots = build_index()
    time_lookups(index, lots)
    time_trackers(index, lots, args.phones, args.seconds)


if __name__ == "__main__":
    main()
