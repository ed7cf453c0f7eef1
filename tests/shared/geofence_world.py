"""Places, lots and fix streams for the geofence tests, laid out in metres.

Lots and noisy positions are built through pyproj's azimuthal equidistant projection centred on a
scene, independently of the local frames inside ``shared.geofence_index``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from pyproj import Transformer
from shapely import Polygon

from shared.geofence import ACCURACY_TO_SIGMA, Fix, GeofenceEvent, GeofenceTracker

START = datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
# Munich, Theresienwiese: the trace's city, at a latitude where a degree of longitude is 74 km.
MUNICH = (11.5497, 48.1316)


@dataclass(frozen=True)
class Scene:
    """A flat patch of the earth around ``centre`` (lon, lat): x metres east, y metres north."""

    centre: tuple[float, float] = MUNICH

    @property
    def _to_wgs84(self) -> Transformer:
        lon, lat = self.centre
        return Transformer.from_pipeline(
            "+proj=pipeline +step +inv +proj=aeqd "
            f"+lat_0={lat!r} +lon_0={lon!r} +ellps=WGS84 +step +proj=unitconvert +xy_in=rad +xy_out=deg"
        )

    def lonlat(self, x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> np.ndarray:
        """(n, 2) array of lon, lat for metric positions."""
        lon, lat = self._to_wgs84.transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        return np.column_stack((np.atleast_1d(lon), np.atleast_1d(lat)))

    def rectangle(self, west: float, south: float, east: float, north: float) -> Polygon:
        """A lot outline from metric bounds (corners projected; at lot scale edges stay straight)."""
        corners = self.lonlat([west, east, east, west], [south, south, north, north])
        return Polygon(corners)

    def square(self, x: float, y: float, side: float = 40.0) -> Polygon:
        half = side / 2
        return self.rectangle(x - half, y - half, x + half, y + half)


def track(
    scene: Scene,
    path: np.ndarray,
    accuracy_m: float | np.ndarray,
    rng: np.random.Generator | None,
    *,
    speeds: np.ndarray | None = None,
    start: datetime = START,
    step_s: float = 1.0,
) -> list[Fix]:
    """Fixes along ``path`` ((n, 2) metres, one row per ``step_s``) with matching Gaussian noise.

    The accuracy is the 68 % radius, so each axis gets a standard deviation of
    ACCURACY_TO_SIGMA × accuracy; with ``rng`` None the fixes are exact.
    """
    n = len(path)
    accuracy = np.broadcast_to(np.asarray(accuracy_m, dtype=float), (n,))
    noisy = path.astype(float)
    if rng is not None:
        noisy = noisy + rng.normal(0.0, 1.0, (n, 2)) * (accuracy * ACCURACY_TO_SIGMA)[:, None]
    positions = scene.lonlat(noisy[:, 0], noisy[:, 1])
    return [
        Fix(
            lat=lat,
            lon=lon,
            accuracy_m=acc,
            at=start + timedelta(seconds=i * step_s),
            speed_mps=None if speeds is None else float(speeds[i]),
        )
        for i, ((lon, lat), acc) in enumerate(zip(positions.tolist(), accuracy.tolist(), strict=True))
    ]


def still(x: float, y: float, seconds: int) -> np.ndarray:
    return np.tile([float(x), float(y)], (seconds, 1))


def drive(start: tuple[float, float], end: tuple[float, float], speed_mps: float) -> np.ndarray:
    """Positions once a second from ``start`` towards ``end`` (end excluded) at a steady speed."""
    a, b = np.asarray(start, dtype=float), np.asarray(end, dtype=float)
    steps = max(1, round(float(np.linalg.norm(b - a)) / speed_mps))
    return a + (b - a) * (np.arange(steps) / steps)[:, None]


def run(tracker: GeofenceTracker, fixes: Iterable[Fix]) -> list[tuple[int, GeofenceEvent]]:
    """Every event with the index of the fix that decided it."""
    return [(i, event) for i, fix in enumerate(fixes) for event in tracker.feed(fix)]


def kinds(events: Iterable[tuple[int, GeofenceEvent]]) -> list[tuple[str, object]]:
    return [(event.kind.value, event.facility_id) for _, event in events]
