"""shared.geo on real parking-lot outlines: validation messages, metric distances, the lot index."""

import json
import math
import time
from typing import Any

import numpy as np
import pytest
import shapely
from geopy.distance import geodesic
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyproj import Geod
from shapely import LineString, MultiPolygon, Point, Polygon

from shared.errors import ErrorCode, ParkflowError
from shared.geo import (
    InvalidGeometryError,
    LotIndex,
    distance_m,
    distance_to_geometry_m,
    parse_lot_geometry,
)
from tests.shared_data import require_data

US_LOTS = "polygons/us_downtown_parking_lots_prn.geojson"
CLEVELAND = "polygons/fixture_cleveland_parking_lots_30.geojson"
INVALID_US_LOT = "fayetteville-ar-0071"


# An independent reference for geodesic distances (pyproj's Geod is used here only to place points).
WGS84 = Geod(ellps="WGS84")
PUBLIC_SQUARE = (-81.6937, 41.4995)  # Cleveland, among the fixture's lots


def geopy_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    return geodesic((lat1, lon1), (lat2, lon2)).meters


def moved(lon: float, lat: float, azimuth_deg: float, metres: float) -> tuple[float, float]:
    lon2, lat2, _ = WGS84.fwd(lon, lat, azimuth_deg, metres)
    return float(lon2), float(lat2)


def reference_distance_m(lon: float, lat: float, geometry: Polygon | MultiPolygon) -> float:
    """Geodesic point-to-outline distance by brute force: geopy to every point of a ~2 m densified edge."""
    if geometry.covers(Point(lon, lat)):
        return 0.0
    dense = shapely.segmentize(geometry.boundary, 2e-5)
    return min(geopy_m(lon, lat, x, y) for x, y in shapely.get_coordinates(dense))


def square(lon: float, lat: float, size: float = 0.001) -> list[list[float]]:
    return [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]


def polygon(*rings: list[list[float]]) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": list(rings)}


def multipolygon(*polygons: list[list[list[float]]]) -> dict[str, Any]:
    return {"type": "MultiPolygon", "coordinates": list(polygons)}


@pytest.fixture(scope="module")
def us_features() -> list[dict[str, Any]]:
    return json.loads(require_data(US_LOTS).read_text())["features"]


@pytest.fixture(scope="module")
def us_parsed(
    us_features,
) -> tuple[list[tuple[str, Polygon | MultiPolygon]], dict[str, InvalidGeometryError]]:
    """(id, outline) for each lot that parses, and the errors of those that do not."""
    lots, failures = [], {}
    for feature in us_features:
        try:
            lots.append((feature["properties"]["id"], parse_lot_geometry(feature["geometry"])))
        except InvalidGeometryError as error:
            failures[feature["properties"]["id"]] = error
    return lots, failures


@pytest.fixture(scope="module")
def cleveland() -> list[tuple[str, Polygon | MultiPolygon]]:
    features = json.loads(require_data(CLEVELAND).read_text())["features"]
    return [(f["properties"]["id"], parse_lot_geometry(f["geometry"])) for f in features]


@pytest.fixture(scope="module")
def cleveland_index(cleveland) -> LotIndex[str]:
    return LotIndex(cleveland)


def brute_force_nearby(lots, lon: float, lat: float, radius_m: float) -> list[tuple[str, float]]:
    found = [(key, distance_to_geometry_m(lon, lat, geometry)) for key, geometry in lots]
    return sorted(((key, d) for key, d in found if d <= radius_m), key=lambda item: item[1])


def test_us_lots_all_parse_except_the_one_with_a_collapsed_hole(us_features, us_parsed):
    lots, failures = us_parsed
    assert len(us_features) == 15_741
    assert list(failures) == [INVALID_US_LOT]
    assert len(lots) == 15_740
    assert all(isinstance(geometry, Polygon) and geometry.is_valid for _, geometry in lots)

    # Its only hole repeats one corner and has just two distinct corners: it collapses to a line.
    error = failures[INVALID_US_LOT]
    message = str(error)
    assert error.code is ErrorCode.invalid_geometry
    assert "Hole 1 (coordinates[1])" in message
    assert "encloses no area" in message
    assert "near (lon -94.159932, lat 36.067991)" in message
    assert error.location == pytest.approx((-94.159932, 36.067991))


def test_us_index_builds_fast_and_finds_every_lot_by_a_point_inside_it(us_parsed):
    lots, _ = us_parsed
    started = time.perf_counter()
    index = LotIndex(lots)
    assert time.perf_counter() - started < 1.0
    assert len(index) == 15_740

    inside = shapely.get_coordinates(shapely.point_on_surface([geometry for _, geometry in lots]))
    missing = [
        key
        for (key, _), (lon, lat) in zip(lots, inside, strict=True)
        if key not in index.containing(lon, lat)
    ]
    assert missing == []


def test_us_nearby_agrees_with_brute_force_within_a_city(us_parsed):
    lots, _ = us_parsed
    index = LotIndex(lots)
    seattle = [(key, geometry) for key, geometry in lots if key.startswith("seattle-wa-")]
    centre = shapely.get_coordinates(shapely.MultiPolygon([g for _, g in seattle]).centroid)[0]
    rng = np.random.default_rng(7)
    total = 0
    for _ in range(10):
        lon, lat = moved(*centre, rng.uniform(0, 360), rng.uniform(0, 1500))
        found = index.nearby(lon, lat, 400)
        assert all(key.startswith("seattle-wa-") for key, _ in found)
        expected = brute_force_nearby(seattle, lon, lat, 400)
        assert [key for key, _ in found] == [key for key, _ in expected]
        total += len(found)
    assert total >= 50  # downtown Seattle is dense with lots; an empty answer would prove nothing


def test_containing_finds_each_cleveland_lot_and_counts_its_edge(cleveland, cleveland_index):
    for key, geometry in cleveland:
        point = geometry.representative_point()
        assert key in cleveland_index.containing(point.x, point.y)
        corner = shapely.get_coordinates(geometry)[0]
        assert key in cleveland_index.containing(*corner)
    assert cleveland_index.containing(-81.60, 41.45) == []


def test_nearby_is_sorted_within_radius_and_matches_geodesic_distances(cleveland, cleveland_index):
    geometries = dict(cleveland)
    found = cleveland_index.nearby(*PUBLIC_SQUARE, 600)
    assert len(found) >= 5
    distances = [d for _, d in found]
    assert distances == sorted(distances)
    assert all(0 <= d <= 600 for d in distances)
    assert len({key for key, _ in found}) == len(found)

    for key, d in found:
        reference = reference_distance_m(*PUBLIC_SQUARE, geometries[key])
        assert abs(d - reference) <= max(2.0, 0.01 * reference), key
        # Point to vertex: the outline can be no farther than its nearest corner.
        corners = shapely.get_coordinates(geometries[key])
        to_corners = [distance_m(*PUBLIC_SQUARE, x, y) for x, y in corners]
        assert d <= min(to_corners) + 0.01
        for (x, y), metres in zip(corners, to_corners, strict=True):
            assert metres == pytest.approx(geopy_m(*PUBLIC_SQUARE, x, y), rel=0.01, abs=2.0)

    assert cleveland_index.nearby(*PUBLIC_SQUARE, 600, limit=3) == found[:3]


def test_a_point_a_kilometre_away_finds_nothing_brute_force_would_not(cleveland, cleveland_index):
    key, geometry = cleveland[0]
    lon, lat = moved(geometry.representative_point().x, geometry.representative_point().y, 90, 1000)
    found = cleveland_index.nearby(lon, lat, 500)
    expected = brute_force_nearby(cleveland, lon, lat, 500)
    assert [k for k, _ in found] == [k for k, _ in expected]
    assert [d for _, d in found] == pytest.approx([d for _, d in expected])
    assert key not in [k for k, _ in found]
    assert reference_distance_m(lon, lat, geometry) > 500


def test_nearby_equals_brute_force_for_random_points_and_radii(cleveland, cleveland_index):
    rng = np.random.default_rng(2024)
    for _ in range(60):
        lon, lat = moved(*PUBLIC_SQUARE, rng.uniform(0, 360), rng.uniform(0, 3000))
        radius = float(rng.choice([0.0, 50.0, 250.0, 800.0, 2500.0]))
        found = cleveland_index.nearby(lon, lat, radius)
        expected = brute_force_nearby(cleveland, lon, lat, radius)
        assert [k for k, _ in found] == [k for k, _ in expected]
        assert [d for _, d in found] == pytest.approx([d for _, d in expected])


def test_a_kilometre_east_at_latitude_60_measures_a_kilometre():
    lon, lat = moved(24.94, 60.0, 90, 1000)
    assert distance_m(24.94, 60.0, lon, lat) == pytest.approx(1000, rel=1e-4)
    # The same step is ~0.018° of longitude: ~2 km if degrees were read at equator scale.
    assert (lon - 24.94) * 111_320 == pytest.approx(2000, rel=0.01)

    east_lot = Polygon(square(lon, lat - 0.0005, 0.001))
    assert distance_to_geometry_m(24.94, 60.0, east_lot) == pytest.approx(1000, rel=1e-3)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ((-81.6937, 41.4995), (-81.6886, 41.5095)),
        ((-122.3321, 47.6062), (-80.1918, 25.7617)),  # Seattle to Miami
        ((24.94, 60.17), (24.94, 60.18)),
        ((179.999, 0.0), (-179.999, 0.0)),
    ],
)
def test_distance_m_is_geodesic(a, b):
    assert distance_m(*a, *b) == pytest.approx(geopy_m(*a, *b), rel=1e-6)


def test_distance_to_geometry_is_zero_inside_and_on_the_edge():
    lot = Polygon(square(-81.69, 41.50))
    assert distance_to_geometry_m(-81.6895, 41.5005, lot) == 0
    assert distance_to_geometry_m(-81.69, 41.5005, lot) == pytest.approx(0, abs=1e-6)
    assert distance_to_geometry_m(-81.69, 41.4995, lot) == pytest.approx(
        geopy_m(-81.69, 41.4995, -81.69, 41.5)
    )


def test_distance_helpers_reject_impossible_points():
    with pytest.raises(ValueError, match="Not a WGS84 point"):
        distance_m(0, 91, 0, 0)
    with pytest.raises(ValueError, match="Not a WGS84 point"):
        distance_to_geometry_m(math.nan, 0, Polygon(square(0, 0)))


def test_nearby_across_the_antimeridian():
    west = Polygon(square(179.995, -16.5, 0.004))  # Fiji straddles 180°
    east = Polygon(square(-179.999, -16.5, 0.004))
    index = LotIndex([("west", west), ("east", east)])
    found = dict(index.nearby(-179.998, -16.498, 1000))
    assert set(found) == {"west", "east"}
    assert found["east"] == 0
    assert found["west"] == pytest.approx(geopy_m(-179.998, -16.498, 179.999, -16.498), abs=0.5)
    assert index.nearby(-179.998, -16.498, 100) == [("east", 0.0)]


def test_nearby_at_high_latitudes_and_the_pole_equals_brute_force():
    rng = np.random.default_rng(5)
    for lat in (70.0, 89.99):
        lots = []
        for i in range(60):
            lon, lot_lat = moved(25.0, lat, rng.uniform(0, 360), rng.uniform(0, 5000))
            lots.append((f"lot-{i}", Polygon(square(lon, min(lot_lat, 89.9995), 0.0003))))
        index = LotIndex(lots)
        for radius in (300.0, 1500.0, 4000.0):
            found = index.nearby(25.0, lat, radius)
            expected = brute_force_nearby(lots, 25.0, lat, radius)
            assert [k for k, _ in found] == [k for k, _ in expected]


def test_lot_index_accepts_point_facilities_for_nearby_only():
    lot = Polygon(square(24.94, 60.17))
    index = LotIndex([("lot", lot), ("terminal", Point(24.9405, 60.1705))])
    assert len(index) == 2
    assert index.containing(24.9405, 60.1705) == ["lot"]
    found = dict(index.nearby(24.9405, 60.1710, 100))
    assert found["terminal"] == pytest.approx(geopy_m(24.9405, 60.1710, 24.9405, 60.1705), abs=0.01)
    assert found["lot"] == 0


def test_lot_index_empty_and_bad_input():
    empty = LotIndex([])
    assert len(empty) == 0
    assert empty.containing(0, 0) == []
    assert empty.nearby(0, 0, 1000) == []
    with pytest.raises(TypeError, match="LineString"):
        LotIndex([("road", LineString([(0, 0), (1, 1)]))])
    with pytest.raises(ValueError, match="empty"):
        LotIndex([("nothing", Polygon())])
    index = LotIndex([("lot", Polygon(square(0, 0)))])
    with pytest.raises(ValueError, match="radius_m"):
        index.nearby(0, 0, -1)
    with pytest.raises(ValueError, match="radius_m"):
        index.nearby(0, 0, math.inf)
    with pytest.raises(ValueError, match="Not a WGS84 point"):
        index.nearby(0, 95, 10)
    assert index.nearby(0, 0, 10, limit=0) == []


BOWTIE = [[-94.16, 36.06], [-94.15, 36.07], [-94.15, 36.06], [-94.16, 36.07], [-94.16, 36.06]]

MALFORMED = {
    "point": (
        {"type": "Point", "coordinates": [1, 2]},
        ["Point is not a lot outline; send a Polygon or MultiPolygon"],
    ),
    "feature": ({"type": "Feature", "geometry": polygon(square(0, 0))}, ["Feature", '"geometry"']),
    "not an object": ([[0, 0]], ["GeoJSON geometry object", "a list"]),
    "no type": ({"coordinates": [square(0, 0)]}, ['no "type"']),
    "no coordinates": ({"type": "Polygon"}, ['no "coordinates"']),
    "coordinates not a list": ({"type": "Polygon", "coordinates": "0 0, 1 1"}, ["must be a list", "string"]),
    "ring not wrapped": (
        {"type": "Polygon", "coordinates": square(0, 0)},
        ["nested 2 lists deep", "needs 3", "Wrap the ring"],
    ),
    "multipolygon given polygon coordinates": (
        {"type": "MultiPolygon", "coordinates": [square(0, 0)]},
        ["nested 3 lists deep", "look like Polygon coordinates"],
    ),
    "no rings": (polygon(), ["no rings"]),
    "no polygons": ({"type": "MultiPolygon", "coordinates": []}, ["no polygons"]),
    "ring not a list": (
        {"type": "Polygon", "coordinates": [square(0, 0), 7]},
        ["Hole 1 (coordinates[1])", "list of [lon, lat]"],
    ),
    "text position": (
        polygon([[0, 0], [1, 0], "1, 1", [0, 0]]),
        ["Position 2", "coordinates[0][2]", "[lon, lat] pair of numbers"],
    ),
    "one number": (polygon([[0, 0], [1], [1, 1], [0, 0]]), ["Position 1", "[lon, lat] pair"]),
    "four numbers": (polygon([[0, 0], [1, 0, 0, 0], [1, 1], [0, 0]]), ["Position 1", "[lon, lat] pair"]),
    "boolean": (polygon([[0, 0], [True, 0], [1, 1], [0, 0]]), ["Position 1", "[lon, lat] pair"]),
    "null": (polygon([[0, 0], [None, 0], [1, 1], [0, 0]]), ["Position 1", "[lon, lat] pair"]),
    "nan": (polygon([[0, 0], [math.nan, 0], [1, 1], [0, 0]]), ["Position 1", "longitude", "finite"]),
    "infinity": (polygon([[0, 0], [1, math.inf], [1, 1], [0, 0]]), ["Position 1", "latitude", "finite"]),
    "longitude out of range": (polygon([[0, 0], [200, 0], [1, 1], [0, 0]]), ["longitude 200", "-180..180"]),
    "latitude out of range": (polygon([[0, 0], [-100, 95], [1, 1], [0, 0]]), ["latitude 95", "-90..90"]),
    "lat lon swapped": (
        polygon([[36.06, -94.16], [36.07, -94.16], [36.07, -94.15], [36.06, -94.16]]),
        ["latitude -94.16", "looks like [lat, lon]", "swap"],
    ),
    "three positions": (polygon([[0, 0], [1, 0], [0, 0]]), ["only 3 positions", "at least 4"]),
    "not closed": (polygon(square(0, 0)[:-1]), ["not closed", "repeat the first position"]),
    "hole not closed": (
        polygon(square(0, 0, 1), square(0.2, 0.2, 0.1)[:-1]),
        ["Hole 1 (coordinates[1]) is not closed"],
    ),
    "self-intersection": (polygon(BOWTIE), ["crosses itself", "near (lon -94.155, lat 36.065)", "redraw"]),
    "collinear": (polygon([[0, 0], [1, 0], [2, 0], [0, 0]]), ["encloses no area", "one line"]),
    "collapsed ring": (polygon([[0, 0], [0, 0], [1, 0], [0, 0]]), ["2 distinct corners", "no area"]),
    "pinched": (
        polygon([[0, 0], [2, 0], [1, 1], [2, 2], [0, 2], [1, 1], [0, 0]]),
        ["touches itself", "near (lon 1, lat 1)"],
    ),
    "hole outside": (polygon(square(0, 0, 1), square(2, 2, 1)), ["Hole 1", "lies outside", "near (lon"]),
    "hole crosses outline": (
        polygon(square(0, 0, 2), [[1, 1], [3, 1], [3, 1.5], [1, 1]]),
        ["Hole 1", "crosses or runs along the lot outline", "near (lon 2, lat 1)"],
    ),
    "hole crosses itself": (
        polygon(square(0, 0, 10), [[1, 1], [2, 2], [2, 1], [1, 2], [1, 1]]),
        ["Hole 1 (coordinates[1]) crosses itself", "near (lon 1.5, lat 1.5)"],
    ),
    "holes overlap": (polygon(square(0, 0, 10), square(1, 1, 4), square(4, 4, 2)), ["Holes 1 and 2 overlap"]),
    "holes nested": (
        polygon(square(0, 0, 10), square(1, 1, 8), square(2, 2, 1)),
        ["Hole 2 lies inside hole 1", "remove the inner hole"],
    ),
    "holes cut the lot": (
        polygon(square(0, 0, 4), [[0, 2], [2, 0], [4, 2], [0, 2]]),
        ["cut the lot into separate pieces", "MultiPolygon"],
    ),
    "polygons overlap": (
        multipolygon([square(0, 0, 2)], [square(1, 1, 2)]),
        ["Polygons 0 and 1 overlap", "near (lon"],
    ),
    "polygon inside another": (
        multipolygon([square(0, 0, 4)], [square(1, 1, 1)]),
        ["Polygon 1 lies inside polygon 0"],
    ),
    "part crosses itself": (
        multipolygon([square(0, 0, 1)], [BOWTIE]),
        ["outline of polygon 1 (coordinates[1][0]) crosses itself"],
    ),
    "part malformed": (
        multipolygon([square(0, 0, 1)], [[[0, 0], [1, 0], ["x"], [0, 0]]]),
        ["Position 2 of the outline of polygon 1 (coordinates[1][0][2])"],
    ),
    "spans the antimeridian": (
        polygon([[179.9, 0], [-179.9, 0], [-179.9, 1], [179.9, 1], [179.9, 0]]),
        ["180° meridian", "split"],
    ),
}


@pytest.mark.parametrize(("geojson", "words"), list(MALFORMED.values()), ids=list(MALFORMED))
def test_malformed_outlines_are_rejected_with_the_problem_named(geojson, words):
    with pytest.raises(InvalidGeometryError) as caught:
        parse_lot_geometry(geojson)
    message = str(caught.value)
    assert isinstance(caught.value, ParkflowError)
    assert caught.value.code is ErrorCode.invalid_geometry
    assert caught.value.detail == message
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"
    assert message.endswith(".")


def test_valid_outlines_parse_without_repair():
    lot = parse_lot_geometry(polygon(square(-81.69, 41.5), square(-81.6898, 41.5002, 0.0002)))
    assert isinstance(lot, Polygon)
    assert len(lot.interiors) == 1
    touching = parse_lot_geometry(multipolygon([square(0, 0, 1)], [square(1, 1, 1)]))
    assert isinstance(touching, MultiPolygon)
    assert len(touching.geoms) == 2
    with_altitude = parse_lot_geometry(polygon([[0, 0, 5], [1, 0, 5], [1, 1, 5], [0, 0, 5]]))
    assert not with_altitude.has_z
    from_tuples = parse_lot_geometry({"type": "Polygon", "coordinates": (((0, 0), (1, 0), (1, 1), (0, 0)),)})
    assert from_tuples.equals(Polygon([(0, 0), (1, 0), (1, 1)]))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-300, 300) | st.floats(allow_nan=True) | st.text(max_size=3),
    lambda children: (
        st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=3), children, max_size=3)
    ),
    max_leaves=40,
)


def parse_or_error(geojson: Any) -> Polygon | MultiPolygon | InvalidGeometryError:
    try:
        return parse_lot_geometry(geojson)
    except InvalidGeometryError as error:
        return error


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(["Polygon", "MultiPolygon"]), coordinates=json_values)
def test_arbitrary_coordinates_raise_only_invalid_geometry_error(kind, coordinates):
    outcome = parse_or_error({"type": kind, "coordinates": coordinates})
    if not isinstance(outcome, InvalidGeometryError):
        assert outcome.is_valid
        assert outcome.area > 0


@settings(max_examples=300, deadline=None)
@given(
    moves=st.lists(
        st.tuples(st.integers(0, 4), st.floats(-0.003, 0.003), st.floats(-0.003, 0.003)),
        min_size=1,
        max_size=3,
    )
)
def test_dragging_corners_either_stays_valid_or_says_where_it_broke(moves):
    ring = [list(p) for p in square(-81.69, 41.5, 0.002)[:-1]] + [[-81.69, 41.5005]]
    for corner, dlon, dlat in moves:
        ring[corner] = [ring[corner][0] + dlon, ring[corner][1] + dlat]
    ring.append(list(ring[0]))
    outcome = parse_or_error(polygon(ring))
    if isinstance(outcome, InvalidGeometryError):
        assert "near (lon" in str(outcome)
        assert outcome.location is not None
    else:
        assert outcome.is_valid
        assert outcome.area > 0
