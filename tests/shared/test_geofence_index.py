"""The geofence lot index on real lot outlines: what it finds, how far in metres, what it refuses."""

import json
from typing import Any

import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely import LineString, MultiPolygon, Polygon
from shapely.geometry import shape

from shared.geo import InvalidGeometryError, distance_to_geometry_m
from shared.geofence import GeofenceIndex
from tests.shared.geofence_world import Scene
from tests.shared_data import INVALID_US_LOT_FIXTURE, require_data

US_LOTS = "polygons/us_downtown_parking_lots_prn.geojson"
CLEVELAND = "polygons/fixture_cleveland_parking_lots_30.geojson"
INVALID_US_LOT = "fayetteville-ar-0071"
WGS84 = Geod(ellps="WGS84")


def features(relative: str) -> list[dict[str, Any]]:
    return json.loads(require_data(relative).read_text())["features"]


def reference_m(lon: float, lat: float, outline) -> float:
    """shared.geo's exact answer (azimuthal equidistant projection per point), signed like the index."""
    if outline.covers(shapely.Point(lon, lat)):
        return -distance_to_geometry_m(lon, lat, outline.boundary)
    return distance_to_geometry_m(lon, lat, outline)


def test_the_us_lots_are_indexed_and_the_invalid_one_reported():
    lots = features(US_LOTS)
    index = GeofenceIndex((f["properties"]["id"], f["geometry"]) for f in lots)
    assert len(index) == 15_740
    assert list(index.rejected) == [INVALID_US_LOT]
    error = index.rejected[INVALID_US_LOT]
    assert isinstance(error, InvalidGeometryError)
    assert "Hole 1" in str(error)
    assert error.location is not None
    assert INVALID_US_LOT not in index


def test_an_invalid_outline_does_not_stop_the_others():
    (invalid,) = json.loads(INVALID_US_LOT_FIXTURE.read_text())["features"]
    square = {"type": "Polygon", "coordinates": [[[0, 0], [0.001, 0], [0.001, 0.001], [0, 0.001], [0, 0]]]}
    index = GeofenceIndex([(INVALID_US_LOT, invalid["geometry"]), ("square", square)])
    assert len(index) == 1
    assert index.containing(0.0005, 0.0005) == ["square"]
    assert set(index.rejected) == {INVALID_US_LOT}


@pytest.mark.parametrize("relative", [CLEVELAND, US_LOTS])
def test_edge_distances_are_geodesic_metres(relative):
    """Against shared.geo's exact distances, for points 2 m to 1 km from real lots in every direction."""
    lots = features(relative)
    rng = np.random.default_rng(7)
    picked = [lots[i] for i in rng.choice(len(lots), min(len(lots), 300), replace=False)]
    outlines = {f["properties"]["id"]: shape(f["geometry"]) for f in picked}
    index = GeofenceIndex(outlines.items())
    checked = 0
    for key, outline in outlines.items():
        if key not in index:
            continue
        centre = outline.representative_point()
        for metres in (2.0, 20.0, 100.0, 1000.0):
            lon, lat, _ = WGS84.fwd(centre.x, centre.y, rng.uniform(0, 360), metres)
            expected = reference_m(lon, lat, outline)
            assert index.edge_distance_m(key, lon, lat) == pytest.approx(expected, abs=0.01 + 1e-4 * metres)
            checked += 1
    assert checked >= 4 * 29


def test_containing_agrees_with_the_edge_distance_sign():
    lots = features(CLEVELAND)
    index = GeofenceIndex((f["properties"]["id"], f["geometry"]) for f in lots)
    bounds = shapely.total_bounds([shape(f["geometry"]) for f in lots])
    rng = np.random.default_rng(8)
    inside = 0
    for lon, lat in zip(
        rng.uniform(bounds[0], bounds[2], 3000), rng.uniform(bounds[1], bounds[3], 3000), strict=True
    ):
        found = index.containing(lon, lat)
        by_distance = [
            f["properties"]["id"] for f in lots if index.edge_distance_m(f["properties"]["id"], lon, lat) <= 0
        ]
        assert found == by_distance
        inside += bool(found)
    assert inside > 50


def test_a_point_on_the_edge_is_inside_and_zero_metres_away():
    lot = Polygon([(24.94, 60.17), (24.941, 60.17), (24.941, 60.1705), (24.94, 60.1705)])
    index = GeofenceIndex([("lot", lot)])
    assert index.containing(24.9405, 60.17) == ["lot"]
    assert index.edge_distance_m("lot", 24.9405, 60.17) == pytest.approx(0, abs=1e-6)


def test_metres_are_metres_east_west_at_latitude_60():
    """A degree of longitude is half as long at latitude 60: 25 m east stays 25 m, not 12.5 or 50."""
    lot = Polygon([(24.94, 60.17), (24.941, 60.17), (24.941, 60.1705), (24.94, 60.1705)])
    index = GeofenceIndex([("lot", lot)])
    for azimuth in (90.0, 0.0):
        start = (24.941, 60.17025) if azimuth == 90.0 else (24.9405, 60.1705)
        lon, lat, _ = WGS84.fwd(*start, azimuth, 25.0)
        assert index.edge_distance_m("lot", lon, lat) == pytest.approx(25.0, abs=0.01)
    # 10 m inside from the west edge is 10 m deep.
    lon, lat, _ = WGS84.fwd(24.94, 60.17025, 90.0, 10.0)
    assert index.edge_distance_m("lot", lon, lat) == pytest.approx(-10.0, abs=0.01)


def test_a_lot_in_two_parts_around_a_building():
    """A MultiPolygon whose first part has a hole: the hole is not the lot, and its edge is an edge."""
    scene = Scene()
    outer = scene.square(0, 0, 100)
    building = scene.square(0, 0, 40)
    annex = scene.square(200, 0, 40)
    lot = MultiPolygon([Polygon(outer.exterior.coords, [building.exterior.coords]), annex])
    index = GeofenceIndex([("lot", lot)])
    (hole_lon, hole_lat), (ring_lon, ring_lat), (annex_lon, annex_lat) = scene.lonlat([0, 35, 200], [0, 0, 5])
    assert index.containing(hole_lon, hole_lat) == []
    assert index.edge_distance_m("lot", hole_lon, hole_lat) == pytest.approx(20.0, abs=0.01)
    assert index.containing(ring_lon, ring_lat) == ["lot"]
    assert index.edge_distance_m("lot", ring_lon, ring_lat) == pytest.approx(-15.0, abs=0.01)
    assert index.edge_distance_m("lot", annex_lon, annex_lat) == pytest.approx(-15.0, abs=0.01)


def test_distances_across_the_antimeridian():
    lot = Polygon([(179.999, -0.0005), (179.9999, -0.0005), (179.9999, 0.0005), (179.999, 0.0005)])
    index = GeofenceIndex([("dateline", lot)])
    expected = WGS84.inv(179.9999, 0.0, -179.9998, 0.0)[2]  # ~33 m over the 180th meridian
    assert index.edge_distance_m("dateline", -179.9998, 0.0) == pytest.approx(expected, abs=0.01)


def test_bad_lots_are_refused_with_the_reason():
    bowtie = Polygon([(0, 0), (0.001, 0.001), (0.001, 0), (0, 0.001), (0, 0)])
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [0, 0]}}
    index = GeofenceIndex(
        [
            ("bowtie", bowtie),
            ("road", LineString([(0, 0), (1, 1)])),
            ("feature", feature),
            ("empty", Polygon()),
        ]
    )
    assert len(index) == 0
    assert "crosses itself" in str(index.rejected["bowtie"])
    assert "LineString" in str(index.rejected["road"])
    assert "Feature" in str(index.rejected["feature"])
    assert set(index.rejected) == {"bowtie", "road", "feature", "empty"}
    assert index.containing(0.0005, 0.0002) == []
    with pytest.raises(KeyError):
        index.edge_distance_m("bowtie", 0.0, 0.0)
    with pytest.raises(ValueError, match="twice"):
        GeofenceIndex([("a", bowtie), ("a", bowtie)])
