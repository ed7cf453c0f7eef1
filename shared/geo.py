"""Lot geometry: GeoJSON outlines checked with errors an operator can act on, distances in metres,
and a spatial index answering "which lot is this phone in" and "which lots are near me".

Coordinates are WGS84 ``[lon, lat]`` throughout, as in GeoJSON.

Degrees are not a distance: one degree of longitude is 111 km at the equator but 56 km at
latitude 60, so every distance here is measured in metres on the WGS84 ellipsoid:

* ``distance_m`` between two points is the exact geodesic (Karney's algorithm via ``pyproj.Geod``).
* The distance from a point to an outline is measured after projecting the outline into an
  azimuthal equidistant projection centred on the point. In that projection the distance from the
  centre to any projected position equals its geodesic distance, and within 15 km of the centre
  other lengths are stretched by under a millimetre per kilometre (about 4 cm per km at 100 km),
  so the planar point-to-outline distance there is the geodesic one for any "near me" radius.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Hashable, Iterable, Mapping
from typing import Any, Generic, NoReturn, TypeVar

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely import MultiPolygon, Point, Polygon, STRtree
from shapely.creation import HandleNaN
from shapely.geometry.base import BaseGeometry

from shared.errors import ErrorCode, ParkflowError

Outline = Polygon | MultiPolygon

_WGS84 = Geod(a=6378137.0, f=1 / 298.257223563)
_ORIGIN = Point(0.0, 0.0)

# Lower bounds of metres per degree on WGS84: a degree of latitude is shortest at the equator
# (meridional radius a(1-e²)), a degree of longitude at latitude φ is at least a·cos φ (π/180).
# Dividing a radius by them gives degree spans that always contain the metric circle.
_MIN_M_PER_DEG_LAT = 110_574.0
_M_PER_DEG_LON_AT_EQUATOR = 111_319.0

# Corners lie "on one line" when none is farther from it than this fraction of the ring's size;
# exact zero would miss collinear corners whose decimal coordinates round off the line.
_COLLINEAR_TOLERANCE = 1e-9
# How close (in degrees) a ring must pass to the point GEOS reports for the ring to be "at" it.
_LOCATION_TOLERANCE = 1e-9

# JSON arrays arrive as lists; Python callers may build the same structure from tuples.
_ARRAY = (list, tuple)
_LON_LAT_LIMITS = np.array([180.0, 90.0])

_GEOS_LOCATION = re.compile(r"\[(\S+) (\S+)[^\]]*\]")
_ALLOW_NAN = np.intc(HandleNaN.allow)


class InvalidGeometryError(ParkflowError):
    """A lot outline that cannot be used; the message says what is wrong and where.

    ``location`` is the ``(lon, lat)`` of the problem when there is one, for pinning it on a map.
    """

    code = ErrorCode.invalid_geometry

    def __init__(
        self, detail: str, code: ErrorCode | None = None, *, location: tuple[float, float] | None = None
    ) -> None:
        super().__init__(detail, code)
        self.location = location


def parse_lot_geometry(geojson: Mapping[str, Any]) -> Outline:
    """Turn a GeoJSON Polygon or MultiPolygon (WGS84 ``[lon, lat]``) into a shapely geometry.

    Raises InvalidGeometryError naming the problem and, where it has one, its location. Nothing
    is repaired: a guessed fix could move a lot boundary, so the operator is told what to change.
    A third (altitude) value in a position is accepted and dropped.
    """
    if not isinstance(geojson, Mapping):
        raise InvalidGeometryError(f"A lot outline must be a GeoJSON geometry object, not {_kind(geojson)}.")
    kind = geojson.get("type")
    if kind is None:
        raise InvalidGeometryError('The geometry has no "type"; send a GeoJSON Polygon or MultiPolygon.')
    if kind == "Feature":
        raise InvalidGeometryError(
            'A Feature is not a lot outline; send its "geometry" (a Polygon or MultiPolygon).'
        )
    if kind not in ("Polygon", "MultiPolygon"):
        shown = kind if isinstance(kind, str) else repr(kind)
        raise InvalidGeometryError(f"{shown} is not a lot outline; send a Polygon or MultiPolygon.")
    if "coordinates" not in geojson:
        raise InvalidGeometryError(f'The {kind} has no "coordinates".')
    coordinates = geojson["coordinates"]
    if not isinstance(coordinates, _ARRAY):
        raise InvalidGeometryError(f'The {kind}\'s "coordinates" must be a list, not {_kind(coordinates)}.')
    _check_nesting(kind, coordinates)

    if kind == "Polygon":
        rings = _read_polygon(coordinates, None)
        geometry: Outline = Polygon(rings[0], rings[1:])
        parts = [rings]
    else:
        if not coordinates:
            raise InvalidGeometryError("The MultiPolygon has no polygons; send at least one.")
        parts = [_read_polygon(polygon, index) for index, polygon in enumerate(coordinates)]
        geometry = MultiPolygon([(rings[0], rings[1:]) for rings in parts])

    # Fast path: nearly every outline is valid, and a single GEOS call proves it.
    if shapely.is_valid(geometry) and geometry.area > 0:
        return geometry
    _diagnose(geometry, parts, multi=kind == "MultiPolygon")


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic distance in metres between two WGS84 points (exact on the ellipsoid, ~1 µs)."""
    _check_point(lon1, lat1)
    _check_point(lon2, lat2)
    return float(_WGS84.inv(lon1, lat1, lon2, lat2)[2])


def point(x: float, y: float) -> Point:
    """A shapely Point, built in ~2 µs: ``Point(x, y)`` spends ~5 µs more checking its arguments,
    which a per-fix lookup cannot afford. (``shapely.lib.points`` is the ufunc behind
    ``shapely.points``; NaN coordinates are allowed, as there.)"""
    return shapely.lib.points(np.array((x, y), dtype=float), _ALLOW_NAN)


def distance_to_geometry_m(lon: float, lat: float, geometry: BaseGeometry) -> float:
    """Metres from a WGS84 point to a lon/lat geometry: to its nearest edge, 0 when inside.

    Uses an azimuthal equidistant projection centred on the point (see the module docstring).
    """
    _check_point(lon, lat)
    return float(_distances_m(lon, lat, np.array([geometry], dtype=object))[0])


K = TypeVar("K", bound=Hashable)


class LotIndex(Generic[K]):
    """Spatial index over lot outlines (and point-only facilities) in lon/lat.

    Built from ``(key, geometry)`` pairs; geometries are expected to be valid (see
    parse_lot_geometry). Polygons and MultiPolygons are lots; a Point is a facility known only by
    its location, which ``nearby`` finds but ``containing`` never returns. Results list keys in
    insertion order (``containing``) or nearest first, ties in insertion order (``nearby``).
    """

    def __init__(self, lots: Iterable[tuple[K, BaseGeometry]]) -> None:
        keys: list[K] = []
        geometries: list[BaseGeometry] = []
        for key, geometry in lots:
            if not isinstance(geometry, Polygon | MultiPolygon | Point):
                raise TypeError(
                    f"Lot {key!r}: expected a shapely Polygon, MultiPolygon or Point, "
                    f"got {type(geometry).__name__}"
                )
            if geometry.is_empty:
                raise ValueError(f"Lot {key!r} has an empty geometry")
            keys.append(key)
            geometries.append(geometry)
        self._keys = keys
        self._geometries = np.empty(len(geometries), dtype=object)
        self._geometries[:] = geometries
        self._is_area = np.array([not isinstance(g, Point) for g in geometries], dtype=bool)
        self._tree = STRtree(self._geometries)

    def __len__(self) -> int:
        return len(self._keys)

    def containing(self, lon: float, lat: float) -> list[K]:
        """Keys of the lots whose outline covers the point (a point on the edge counts as inside)."""
        # The tree narrows the lots down by bounding box; each remaining outline then answers
        # "covers" itself ("contains" would leave out a point on the edge). Building the point as a
        # one-element array (see point()) and testing the few hits here takes ~8 µs a query, against
        # ~13 µs for shapely.points((lon, lat)) with predicate="covered_by": the same answer.
        query = shapely.lib.points(np.array(((lon, lat),), dtype=float), _ALLOW_NAN)
        hits = self._tree.query(query)[1]
        if len(hits) > 1:
            hits.sort()
        found, geometries, is_area = query[0], self._geometries, self._is_area
        return [self._keys[i] for i in hits.tolist() if is_area[i] and geometries[i].covers(found)]

    def nearby(
        self, lon: float, lat: float, radius_m: float, limit: int | None = None
    ) -> list[tuple[K, float]]:
        """``(key, metres)`` for lots within ``radius_m`` of the point, nearest first.

        The distance is to the lot's nearest edge, 0 when the point is inside. The tree is
        queried with a degree box that provably contains the metric circle; exact distances are
        then computed for those candidates only.
        """
        _check_point(lon, lat)
        if not (math.isfinite(radius_m) and radius_m >= 0):
            raise ValueError(f"radius_m must be a finite number >= 0, got {radius_m!r}")
        if limit is not None and limit < 0:
            raise ValueError(f"limit must be >= 0, got {limit!r}")
        found = [self._tree.query(box) for box in _search_boxes(lon, lat, radius_m)]
        candidates = np.unique(np.concatenate(found))
        if candidates.size == 0 or limit == 0:
            return []
        distances = _distances_m(lon, lat, self._geometries[candidates])
        within = distances <= radius_m
        candidates, distances = candidates[within], distances[within]
        # np.unique sorted the candidates, so a stable sort keeps ties in insertion order.
        order = np.argsort(distances, kind="stable")[:limit]
        return [
            (self._keys[i], d)
            for i, d in zip(candidates[order].tolist(), distances[order].tolist(), strict=True)
        ]


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, Mapping):
        return "an object"
    return f"a {type(value).__name__}"


def _depth(value: Any) -> int:
    """Nesting depth along first elements: a number is 0, [lon, lat] is 1, a ring is 2, ..."""
    depth = 0
    while isinstance(value, _ARRAY) and value:
        value = value[0]
        depth += 1
    return depth


def _check_nesting(kind: str, coordinates: Any) -> None:
    # The commonest mistake is one list level too many or too few; say so instead of
    # complaining about whatever element happens to be first.
    if not coordinates or not isinstance(_first_leaf(coordinates), int | float):
        return
    expected = 3 if kind == "Polygon" else 4
    depth = _depth(coordinates)
    if depth == expected:
        return
    shape = (
        "rings of [lon, lat] positions" if kind == "Polygon" else "polygons of rings of [lon, lat] positions"
    )
    hint = ""
    if kind == "Polygon" and depth == 4:
        hint = ' They look like MultiPolygon coordinates; send "type": "MultiPolygon".'
    elif kind == "MultiPolygon" and depth == 3:
        hint = ' They look like Polygon coordinates; send "type": "Polygon" or wrap them in one more list.'
    elif kind == "Polygon" and depth == 2:
        hint = " Wrap the ring in one more list: [[[lon, lat], ...]]."
    raise InvalidGeometryError(
        f"The {kind}'s coordinates are nested {depth} lists deep, but a {kind} needs {expected} "
        f"({shape}).{hint}"
    )


def _first_leaf(value: Any) -> Any:
    while isinstance(value, _ARRAY) and value:
        value = value[0]
    return value


def _ring_words(ring: int, polygon: int | None) -> str:
    if polygon is None:
        return "the lot outline" if ring == 0 else f"hole {ring}"
    return f"the outline of polygon {polygon}" if ring == 0 else f"hole {ring} of polygon {polygon}"


def _ring_path(ring: int, polygon: int | None) -> str:
    return f"coordinates[{ring}]" if polygon is None else f"coordinates[{polygon}][{ring}]"


def _ring_label(ring: int, polygon: int | None) -> str:
    """How a message names a ring, with its JSON path so a developer can find it too."""
    return f"{_ring_words(ring, polygon)} ({_ring_path(ring, polygon)})"


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:]


def _plural(count: int) -> str:
    return "" if count == 1 else "s"


def _fmt(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _near(lon: float, lat: float) -> str:
    return f"near (lon {_fmt(lon)}, lat {_fmt(lat)})"


def _read_polygon(rings: Any, polygon: int | None) -> list[np.ndarray]:
    where = "The Polygon" if polygon is None else f"Polygon {polygon} (coordinates[{polygon}])"
    if not isinstance(rings, _ARRAY):
        raise InvalidGeometryError(f"{where} must be a list of rings, not {_kind(rings)}.")
    if not rings:
        raise InvalidGeometryError(f"{where} has no rings; send its outline as the first ring.")
    return [_read_ring(ring, index, polygon) for index, ring in enumerate(rings)]


def _read_ring(ring: Any, index: int, polygon: int | None) -> np.ndarray:
    """A ring as an (n, 2) float array of [lon, lat], or InvalidGeometryError saying what is wrong."""
    label = _ring_label(index, polygon)
    if not isinstance(ring, _ARRAY):
        raise InvalidGeometryError(
            f"{_sentence(label)} must be a list of [lon, lat] positions, not {_kind(ring)}."
        )
    coords = _bulk_positions(ring)
    if coords is None:
        words, path = _ring_words(index, polygon), _ring_path(index, polygon)
        positions = [
            _read_position(position, f"Position {i} of {words} ({path}[{i}])")
            for i, position in enumerate(ring)
        ]
        coords = np.array(positions, dtype=float).reshape(-1, 2)
    if len(coords) < 4:
        raise InvalidGeometryError(
            f"{_sentence(label)} has only {len(coords)} position{_plural(len(coords))}; "
            "a ring needs at least 4 (three corners, then the first one repeated to close it)."
        )
    first, last = _point(coords[0]), _point(coords[-1])
    if first != last:
        raise InvalidGeometryError(
            f"{_sentence(label)} is not closed: it starts at [{_fmt(first[0])}, {_fmt(first[1])}] "
            f"but ends at [{_fmt(last[0])}, {_fmt(last[1])}]; repeat the first position at the end.",
            location=last,
        )
    span = float(coords[:, 0].max() - coords[:, 0].min())
    if span > 180:
        # GEOS knows nothing of the antimeridian: such a ring would silently wrap the globe.
        raise InvalidGeometryError(
            f"{_sentence(label)} spans {span:.1f}° of longitude; an outline crossing "
            "the 180° meridian must be split there into two polygons of a MultiPolygon.",
            location=first,
        )
    return coords


def _bulk_positions(ring: list[Any] | tuple[Any, ...]) -> np.ndarray | None:
    """The common case, checked in bulk: a list of in-range [lon, lat] number pairs.

    Returns None for anything else, which then goes position by position to name the culprit;
    checking each position in Python would make parsing a city's lots several times slower.
    """
    if set(map(type, ring)) != {list} or set(map(len, ring)) != {2}:
        return None
    if not set(map(type, itertools.chain.from_iterable(ring))) <= {float, int}:
        return None  # bool is its own type here, so true/false do not pass as 1/0
    coords = np.array(ring, dtype=float)
    # NaN and infinity fail the comparison too.
    return coords if (np.abs(coords) <= _LON_LAT_LIMITS).all() else None


def _point(coords: np.ndarray) -> tuple[float, float]:
    return float(coords[0]), float(coords[1])


def _read_position(position: Any, where: str) -> tuple[float, float]:
    if (
        not isinstance(position, _ARRAY)
        or len(position) not in (2, 3)
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position)
    ):
        shown = repr(position)
        if len(shown) > 40:
            shown = shown[:37] + "..."
        raise InvalidGeometryError(f"{where} is {shown}; each position must be a [lon, lat] pair of numbers.")
    lon, lat = float(position[0]), float(position[1])
    for name, value in (("longitude", lon), ("latitude", lat)):
        if not math.isfinite(value):
            raise InvalidGeometryError(
                f"{where} has a {name} of {value}; coordinates must be finite numbers."
            )
    lon_ok, lat_ok = -180 <= lon <= 180, -90 <= lat <= 90
    if lon_ok and lat_ok:
        return lon, lat
    problem = (
        f"longitude {_fmt(lon)}, outside -180..180"
        if not lon_ok
        else f"latitude {_fmt(lat)}, outside -90..90"
    )
    hint = ""
    if -90 <= lon <= 90 and -180 <= lat <= 180:
        hint = " It looks like [lat, lon]; GeoJSON positions are [lon, lat], so swap the two numbers."
    raise InvalidGeometryError(f"{where} has {problem}.{hint}")


def _geos_location(reason: str) -> tuple[float, float] | None:
    match = _GEOS_LOCATION.search(reason)
    if match is None:
        return None
    try:
        lon, lat = float(match.group(1)), float(match.group(2))
    except ValueError:
        return None
    return (lon, lat) if math.isfinite(lon) and math.isfinite(lat) else None


def _diagnose(geometry: Outline, parts: list[list[np.ndarray]], *, multi: bool) -> NoReturn:
    """Raise an InvalidGeometryError explaining why a structurally sound outline is invalid."""
    for index, rings in enumerate(parts):
        _diagnose_polygon(rings, index if multi else None)
    # Every polygon is fine on its own, so the trouble is between the polygons of a MultiPolygon.
    reason = shapely.is_valid_reason(geometry)
    location = _geos_location(reason)
    near = f" {_near(*location)}" if location else ""
    polygons = [Polygon(rings[0], rings[1:]) for rings in parts]
    if reason.startswith("Nested shells"):
        for outer, inner in itertools.permutations(range(len(polygons)), 2):
            if polygons[outer].covers(polygons[inner]):
                raise InvalidGeometryError(
                    f"Polygon {inner} lies inside polygon {outer}{near}; make it a hole of polygon {outer} "
                    "or remove it.",
                    location=location,
                )
    touching = _indices_at(polygons, location)
    if reason.startswith("Self-intersection") and len(touching) >= 2:
        first, second = touching[:2]
        raise InvalidGeometryError(
            f"Polygons {first} and {second} overlap or share an edge{near}; merge them into one polygon "
            "or keep them apart.",
            location=location,
        )
    raise InvalidGeometryError(
        f"The polygons of the lot outline overlap or nest{near} ({reason}); redraw them so they are apart.",
        location=location,
    )


def _diagnose_polygon(rings: list[np.ndarray], polygon: int | None) -> None:
    for index, ring in enumerate(rings):
        label = _ring_label(index, polygon)
        fix = "redraw it around the parking area" if index == 0 else "remove the hole or redraw it"
        start = _point(ring[0])
        corners = set(map(tuple, ring[:-1].tolist()))
        if len(corners) < 3:
            raise InvalidGeometryError(
                f"{_sentence(label)} has only {len(corners)} distinct corner{_plural(len(corners))} "
                f"{_near(*start)}, so it encloses no area; {fix} with at least three corners.",
                location=start,
            )
        if _collinear(ring):
            raise InvalidGeometryError(
                f"{_sentence(label)} encloses no area: all its corners lie on one line "
                f"{_near(*start)}; {fix}.",
                location=start,
            )

    polygon_geometry = Polygon(rings[0], rings[1:])
    reason = shapely.is_valid_reason(polygon_geometry)
    if reason == "Valid Geometry":
        if polygon_geometry.area > 0:
            return
        raise InvalidGeometryError(f"{_sentence(_ring_label(0, polygon))} encloses no area; redraw it.")
    location = _geos_location(reason)
    near = f" {_near(*location)}" if location else ""
    lines = [shapely.LinearRing(ring) for ring in rings]
    at = _indices_at(lines, location)
    named = _sentence(_ring_label(at[0], polygon)) if at else _sentence(_ring_label(0, polygon))

    def fail(message: str) -> NoReturn:
        raise InvalidGeometryError(message, location=location)

    if reason.startswith("Ring Self-intersection"):
        fail(
            f"{named} touches itself at a single point{near}, pinching the lot in two; redraw it, or send "
            "the two parts as separate polygons of a MultiPolygon."
        )
    if reason.startswith("Self-intersection"):
        crossing = next((i for i in at if not lines[i].is_simple), None)
        if crossing is None:
            crossing = next((i for i, line in enumerate(lines) if not line.is_simple), None)
        if crossing is not None:
            fail(
                f"{_sentence(_ring_label(crossing, polygon))} crosses itself{near}; redraw it so its edges "
                "do not cross."
            )
        holes = [i for i in at if i > 0]
        if 0 in at and holes:
            fail(
                f"{_sentence(_ring_label(holes[0], polygon))} crosses or runs along "
                f"{_ring_label(0, polygon)}{near}; a hole must lie inside the outline."
            )
        if len(holes) >= 2:
            fail(f"Holes {holes[0]} and {holes[1]}{_of(polygon)} overlap{near}; merge them into one hole.")
        fail(f"The lot outline crosses itself{near}; redraw it so its edges do not cross.")
    if reason.startswith("Hole lies outside shell"):
        hole = next((i for i in at if i > 0), None)
        what = _sentence(_ring_label(hole, polygon)) if hole else "A hole"
        fail(f"{what} lies outside {_ring_label(0, polygon)}{near}; move it inside the outline or remove it.")
    if reason.startswith("Holes are nested"):
        for outer, inner in itertools.permutations(range(1, len(rings)), 2):
            if Polygon(rings[outer]).covers(lines[inner]):
                fail(f"Hole {inner}{_of(polygon)} lies inside hole {outer}{near}; remove the inner hole.")
        fail(f"One hole{_of(polygon)} lies inside another{near}; remove the inner hole.")
    if reason.startswith("Interior is disconnected"):
        fail(
            f"The holes{_of(polygon)} cut the lot into separate pieces{near}; send each piece as its own "
            "polygon of a MultiPolygon."
        )
    fail(f"{named} is not a valid polygon{near} ({reason}); redraw it.")


def _of(polygon: int | None) -> str:
    return "" if polygon is None else f" of polygon {polygon}"


def _collinear(ring: np.ndarray) -> bool:
    points = ring[:-1]
    offsets = points - points[0]
    far = offsets[np.argmax(np.hypot(offsets[:, 0], offsets[:, 1]))]
    # |offset × far| is |far| times the offset's distance from the line through points[0] and far.
    cross = np.abs(offsets[:, 0] * far[1] - offsets[:, 1] * far[0])
    return bool(cross.max() <= _COLLINEAR_TOLERANCE * float(far @ far))


def _indices_at(geometries: list[BaseGeometry], location: tuple[float, float] | None) -> list[int]:
    if location is None:
        return []
    point = Point(location)
    return [i for i, geometry in enumerate(geometries) if geometry.distance(point) <= _LOCATION_TOLERANCE]


def _check_point(lon: float, lat: float) -> None:
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError(f"Not a WGS84 point: lon {lon!r}, lat {lat!r}")


def _local_projection(lon: float, lat: float) -> Transformer:
    # A PROJ pipeline string builds in ~70 µs; Transformer.from_crs with a CRS lookup takes ~15 ms.
    return Transformer.from_pipeline(
        "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "
        f"+step +proj=aeqd +lat_0={lat!r} +lon_0={lon!r} +ellps=WGS84"
    )


def _distances_m(lon: float, lat: float, geometries: np.ndarray) -> np.ndarray:
    to_local = _local_projection(lon, lat)

    def project(coords: np.ndarray) -> np.ndarray:
        x, y = to_local.transform(coords[:, 0], coords[:, 1])
        return np.column_stack((x, y))

    # One transform call covers every candidate's coordinates; the point itself is the origin.
    return shapely.distance(shapely.transform(geometries, project), _ORIGIN)


def _search_boxes(lon: float, lat: float, radius_m: float) -> list[Polygon]:
    """Lon/lat boxes that together contain every point within radius_m of (lon, lat).

    A point within r of the centre lies within r of it along the meridian too, so its latitude is
    within r / (min metres per degree of latitude). The shortest path to it stays inside that
    latitude band, where a degree of longitude is at least a·cos(φmax) long, which bounds its
    longitude offset. Boxes are split at the antimeridian; near a pole all longitudes are searched.
    """
    dlat = radius_m / _MIN_M_PER_DEG_LAT
    south, north = lat - dlat, lat + dlat
    if south <= -90 or north >= 90:
        return [shapely.box(-180, max(south, -90), 180, min(north, 90))]
    dlon = radius_m / (_M_PER_DEG_LON_AT_EQUATOR * math.cos(math.radians(max(abs(south), abs(north)))))
    if dlon >= 180:
        return [shapely.box(-180, south, 180, north)]
    west, east = lon - dlon, lon + dlon
    if west < -180:
        return [shapely.box(west + 360, south, 180, north), shapely.box(-180, south, east, north)]
    if east > 180:
        return [shapely.box(west, south, 180, north), shapely.box(-180, south, east - 360, north)]
    return [shapely.box(west, south, east, north)]
