"""The lot index a geofence tracker asks on every fix: which lots cover this point, and how many metres
is it from a lot's edge.

"Which lots" is ``shared.geo.LotIndex`` (an STRtree queried with ``covered_by``, a few µs). Edge
distances need metres, and building a PROJ transformer per question (as ``shared.geo`` does for its
exact answers) costs ~70 µs, too slow for every fix of every phone. So each lot gets its own local
metric frame when the index is built: east and north metres from the centre of the lot's bounding
box, scaled by the WGS84 ellipsoid's radii of curvature at that latitude (a local equirectangular
projection, the first-order term of the azimuthal equidistant one). Within a kilometre of the lot
it agrees with the geodesic distance to a few centimetres (the scale of a degree of longitude changes
by tan(latitude) × 1.6e-4 per km north or south), and a fix is then placed with two multiplications.
Nothing is ever buffered in degrees.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from typing import Any, Generic, TypeVar

import numpy as np
import shapely
from shapely import MultiPolygon, Polygon
from shapely.geometry import mapping

from shared.geo import InvalidGeometryError, LotIndex, parse_lot_geometry, point

K = TypeVar("K", bound=Hashable)

_A = 6378137.0  # WGS84 semi-major axis (m)
_E2 = 6.69437999014e-3  # WGS84 first eccentricity squared
_RAD = math.pi / 180.0


def metres_per_degree(lat: float) -> tuple[float, float]:
    """Metres per degree of longitude and of latitude at a WGS84 latitude (exact on the ellipsoid)."""
    phi = lat * _RAD
    w = 1.0 - _E2 * math.sin(phi) ** 2
    prime_vertical = _A / math.sqrt(w)  # N: radius of curvature east-west
    meridional = _A * (1.0 - _E2) / w**1.5  # M: radius of curvature north-south
    return prime_vertical * math.cos(phi) * _RAD, meridional * _RAD


def metres_between(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Distance in metres between two nearby WGS84 points, in the local frame at their mid-latitude.

    Within a few kilometres it is the geodesic distance to well under 0.1 %; farther away it is
    only a rough figure (the tracker uses it to judge speeds, where that is enough).
    """
    per_lon, per_lat = metres_per_degree((lat1 + lat2) / 2.0)
    return math.hypot(((lon2 - lon1 + 180.0) % 360.0 - 180.0) * per_lon, (lat2 - lat1) * per_lat)


class GeofenceIndex(Generic[K]):
    """Lot outlines keyed by facility id, answering ``containing`` and ``edge_distance_m`` fast.

    Built from ``(facility_id, geometry)`` pairs, where a geometry is a GeoJSON Polygon or
    MultiPolygon mapping (WGS84 ``[lon, lat]``) or a shapely Polygon/MultiPolygon. An outline that
    cannot be used does not stop the others: it is left out and its error is kept in ``rejected``
    (facility id -> ``InvalidGeometryError`` naming the problem and where). Facility ids must be
    unique. Coordinates are ``(lon, lat)`` in argument order, as in ``shared.geo``.
    """

    def __init__(self, lots: Iterable[tuple[K, Mapping[str, Any] | Polygon | MultiPolygon]]) -> None:
        self.rejected: dict[K, InvalidGeometryError] = {}
        keys: list[K] = []
        outlines: list[Polygon | MultiPolygon] = []
        seen: set[K] = set()
        for key, geometry in lots:
            if key in seen:
                raise ValueError(f"Facility {key!r} appears twice; facility ids must be unique")
            seen.add(key)
            try:
                outlines.append(_outline(geometry))
            except InvalidGeometryError as error:
                self.rejected[key] = error
                continue
            keys.append(key)
        self._lots = LotIndex(zip(keys, outlines, strict=True))
        self._frames = dict(zip(keys, _frames(outlines), strict=True))

    def __len__(self) -> int:
        return len(self._frames)

    def __contains__(self, key: object) -> bool:
        return key in self._frames

    def containing(self, lon: float, lat: float) -> list[K]:
        """Facility ids of the lots covering the point (on the edge counts as inside), in build order."""
        return self._lots.containing(lon, lat)

    def edge_distance_m(self, key: K, lon: float, lat: float) -> float:
        """Metres from the point to the lot's edge: positive outside, negative inside, 0 on the edge.

        Inside, the magnitude is how deep in the lot the point is (to the nearest outline or hole
        edge). KeyError for a facility id that is not indexed.
        """
        lon0, lat0, per_lon, per_lat, area, edge = self._frames[key]
        x = ((lon - lon0 + 180.0) % 360.0 - 180.0) * per_lon
        y = (lat - lat0) * per_lat
        local = point(x, y)
        distance = edge.distance(local)
        return -distance if area.intersects(local) else distance


def _outline(geometry: Mapping[str, Any] | Polygon | MultiPolygon) -> Polygon | MultiPolygon:
    if isinstance(geometry, Polygon | MultiPolygon):
        if not geometry.is_empty and shapely.is_valid(geometry) and geometry.area > 0:
            return geometry
        # Parsing the same outline as GeoJSON names the problem and where it is.
        parse_lot_geometry(mapping(geometry))
        raise InvalidGeometryError(f"The lot outline is not valid ({shapely.is_valid_reason(geometry)}).")
    return parse_lot_geometry(geometry)


def _frames(outlines: list[Polygon | MultiPolygon]) -> list[tuple[Any, ...]]:
    """Each outline in its own metric frame, built for all lots in a few vectorised calls."""
    if not outlines:
        return []
    geometries = np.array(outlines, dtype=object)
    bounds = shapely.bounds(geometries)
    centres = np.column_stack(((bounds[:, 0] + bounds[:, 2]) / 2, (bounds[:, 1] + bounds[:, 3]) / 2))
    scales = np.array([metres_per_degree(lat) for lat in centres[:, 1].tolist()])
    counts = shapely.get_num_coordinates(geometries)
    coords = shapely.get_coordinates(geometries)
    local = (coords - np.repeat(centres, counts, axis=0)) * np.repeat(scales, counts, axis=0)
    areas = shapely.set_coordinates(shapely.transform(geometries, lambda c: c), local)
    edges = shapely.boundary(areas)
    shapely.prepare(areas)
    return [
        (lon0, lat0, per_lon, per_lat, area, edge)
        for (lon0, lat0), (per_lon, per_lat), area, edge in zip(
            centres.tolist(), scales.tolist(), areas.tolist(), edges.tolist(), strict=True
        )
    ]
