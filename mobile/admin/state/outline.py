"""A facility's outline as the editor draws it: rings in local metres, area, perimeter, and a fit to a box.

No map tiles are available offline, so the outline is drawn on a plain canvas. Lon/lat degrees are
projected onto a flat plane around the outline's middle (metres east and north): within a car park,
or even a city district, that is accurate to well under a percent, which is all a preview needs.
"""

import itertools
import math
from dataclasses import dataclass
from typing import Any

EARTH_RADIUS_M = 6_371_008.8

Ring = list[tuple[float, float]]


@dataclass(frozen=True)
class Outline:
    """Polygons (outer ring first, then holes) in metres east/north of the outline's middle."""

    polygons: list[list[Ring]]
    area_m2: float
    perimeter_m: float

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        points = [p for polygon in self.polygons for ring in polygon for p in ring]
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        return min(xs), min(ys), max(xs), max(ys)

    @property
    def size_m(self) -> tuple[float, float]:
        x0, y0, x1, y1 = self.bounds
        return x1 - x0, y1 - y0

    def fit(self, width: float, height: float, margin: float = 12) -> list[list[Ring]]:
        """The rings in pixels of a `width` x `height` box (y down), scaled alike in both directions."""
        x0, y0, x1, y1 = self.bounds
        scale = min((width - 2 * margin) / max(x1 - x0, 1e-9), (height - 2 * margin) / max(y1 - y0, 1e-9))
        left = (width - (x1 - x0) * scale) / 2
        top = (height - (y1 - y0) * scale) / 2
        return [
            [[(left + (x - x0) * scale, top + (y1 - y) * scale) for x, y in ring] for ring in polygon]
            for polygon in self.polygons
        ]


def _polygons(geometry: dict[str, Any]) -> list[list[list[list[float]]]]:
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates") or []
    if kind == "Polygon":
        return [coordinates]
    if kind == "MultiPolygon":
        return list(coordinates)
    return []


def _ring_area(ring: Ring) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True)) / 2


def _ring_length(ring: Ring) -> float:
    return sum(math.dist(a, b) for a, b in itertools.pairwise(ring))


def outline_of(geometry: dict[str, Any] | None) -> Outline | None:
    """The facility's GeoJSON Polygon or MultiPolygon projected to metres; None without an outline."""
    if not geometry:
        return None
    raw = _polygons(geometry)
    points = [p for polygon in raw for ring in polygon for p in ring]
    if not points:
        return None
    lon0 = (min(p[0] for p in points) + max(p[0] for p in points)) / 2
    lat0 = (min(p[1] for p in points) + max(p[1] for p in points)) / 2
    east = math.radians(1) * EARTH_RADIUS_M * math.cos(math.radians(lat0))
    north = math.radians(1) * EARTH_RADIUS_M

    def project(ring: list[list[float]]) -> Ring:
        return [((p[0] - lon0) * east, (p[1] - lat0) * north) for p in ring]

    polygons = [[project(ring) for ring in polygon] for polygon in raw]
    area = sum(
        abs(_ring_area(polygon[0])) - sum(abs(_ring_area(hole)) for hole in polygon[1:])
        for polygon in polygons
        if polygon
    )
    perimeter = sum(_ring_length(polygon[0]) for polygon in polygons if polygon)
    return Outline(polygons, area, perimeter)


def describe_area(area_m2: float) -> str:
    if area_m2 >= 1_000_000:
        return f"{area_m2 / 1_000_000:,.2f} km²"
    if area_m2 >= 10_000:
        return f"{area_m2 / 10_000:,.2f} ha ({area_m2:,.0f} m²)"
    return f"{area_m2:,.0f} m²"


def describe_length(metres: float) -> str:
    return f"{metres / 1000:,.2f} km" if metres >= 1000 else f"{metres:,.0f} m"
