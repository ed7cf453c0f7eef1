"""`PUT /admin/facilities/{slug}/geometry`: a GeoJSON outline uploaded as a body or a file replaces the
facility's geofence, is checked like every outline, moves the centre, and is audited."""

import json

import pytest

from backend.models import AuditEntry, Facility
from tests.backend.admin.conftest import ADMIN, Operator, square

NEW_SPOT = {"lat": 60.1705, "lon": 24.9505}  # inside square(24.95, 60.17)


def _url(slug: str) -> str:
    return f"{ADMIN}/facilities/{slug}/geometry"


def _feature(geometry: dict | None, name: str = "Kamppi P1") -> dict:
    return {"type": "Feature", "properties": {"name": name}, "geometry": geometry}


def _collection(*features: dict) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


async def _nearby(client) -> list[str]:
    response = await client.get("/api/v1/facilities/nearby", params={**NEW_SPOT, "radius_m": 50})
    assert response.status_code == 200
    return [(item["slug"], item["distance_m"]) for item in response.json()["items"]]


async def test_a_polygon_body_replaces_the_outline_and_drivers_find_it_there_at_once(
    client, tenant_a: Operator
) -> None:
    assert await _nearby(client) == []  # also warms the index that lookups use
    outline = square(24.95, 60.17)
    response = await client.put(_url(tenant_a.facility), json=outline, headers=tenant_a.admin)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["geometry"] == outline
    assert 60.170 < body["center"]["lat"] < 60.171
    assert 24.950 < body["center"]["lon"] < 24.951
    assert body == {**body, "capacity": 120, "zone_number": "1234", "grace_minutes": 15}  # the rest is kept

    assert await _nearby(client) == [("alpha-p1", 0)]
    stored = await Facility.get(slug="alpha-p1")
    assert stored.geometry == outline
    assert (stored.center_lat, stored.center_lon) == (body["center"]["lat"], body["center"]["lon"])


async def _admin_view(client, operator: Operator) -> dict:
    return (await client.get(f"{ADMIN}/facilities/{operator.facility}", headers=operator.admin)).json()


@pytest.mark.parametrize(
    "document",
    [
        _feature(square(24.95, 60.17)),
        _collection(_feature(square(24.95, 60.17))),
        {"type": "MultiPolygon", "coordinates": [square(24.95, 60.17)["coordinates"]]},
        {
            **_collection(_feature(square(24.95, 60.17))),
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        },
    ],
    ids=["feature", "feature-collection", "multipolygon", "crs84"],
)
async def test_features_and_collections_of_one_are_unwrapped(client, tenant_a: Operator, document) -> None:
    response = await client.put(_url(tenant_a.facility), json=document, headers=tenant_a.admin)
    assert response.status_code == 200, response.text
    geometry = response.json()["geometry"]
    assert geometry["type"] in ("Polygon", "MultiPolygon")
    assert "properties" not in geometry
    assert "crs" not in geometry
    assert await _nearby(client) == [("alpha-p1", 0)]


async def test_a_geojson_file_upload(client, tenant_a: Operator) -> None:
    content = json.dumps(_collection(_feature(square(24.95, 60.17)))).encode()
    response = await client.put(
        _url(tenant_a.facility),
        files={"file": ("kamppi.geojson", content, "application/geo+json")},
        headers=tenant_a.admin,
    )
    assert response.status_code == 200, response.text
    assert response.json()["geometry"] == square(24.95, 60.17)
    # A byte-order mark, as some Windows tools write, is fine.
    bom = b"\xef\xbb\xbf" + json.dumps(square(24.96, 60.17)).encode()
    response = await client.put(
        _url(tenant_a.facility), files={"file": ("lot.json", bom, "application/json")}, headers=tenant_a.admin
    )
    assert response.status_code == 200, response.text
    assert response.json()["geometry"] == square(24.96, 60.17)


BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[24.95, 60.17], [24.951, 60.171], [24.951, 60.17], [24.95, 60.171], [24.95, 60.17]]],
}
OPEN_RING = {
    "type": "Polygon",
    "coordinates": [[[24.95, 60.17], [24.951, 60.17], [24.951, 60.171], [24.95, 60.171]]],
}
FAR_EAST = {
    "type": "Polygon",
    "coordinates": [[[200, 60.17], [24.951, 60.17], [24.951, 60.171], [200, 60.17]]],
}
# Finnish national grid (ETRS-TM35FIN) metres, as a municipal GIS exports them.
METRES = {
    "type": "FeatureCollection",
    "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3067"}},
    "features": [_feature(square(24.95, 60.17))],
}


@pytest.mark.parametrize(
    ("document", "detail"),
    [
        (
            _collection(*(_feature(square(24.95 + n / 100, 60.17)) for n in range(3))),
            "The FeatureCollection has 3 features; upload one lot outline.",
        ),
        (_collection(), "The FeatureCollection has no features; upload one lot outline."),
        (
            {"type": "FeatureCollection"},
            'The FeatureCollection has no "features" list; upload one lot outline.',
        ),
        (_feature(None), "The Feature has no geometry; draw the lot outline as a Polygon."),
        (
            _feature({"type": "Point", "coordinates": [24.95, 60.17]}),
            "Point is not a lot outline; send a Polygon or MultiPolygon.",
        ),
        (
            _collection(_feature({"type": "LineString", "coordinates": [[24.95, 60.17], [24.96, 60.17]]})),
            "LineString is not a lot outline; send a Polygon or MultiPolygon.",
        ),
        (
            BOWTIE,
            "The lot outline (coordinates[0]) crosses itself near (lon 24.9505, lat 60.1705); "
            "redraw it so its edges do not cross.",
        ),
        (
            OPEN_RING,
            "The lot outline (coordinates[0]) is not closed: it starts at [24.95, 60.17] but ends at "
            "[24.95, 60.171]; repeat the first position at the end.",
        ),
        (FAR_EAST, "Position 0 of the lot outline (coordinates[0][0]) has longitude 200, outside -180..180."),
        (
            square(24.95, 60.17, size=0.00001),
            "The outline covers only 0.6 m², less than one parking space; check that the coordinates "
            "are longitude/latitude in degrees (EPSG:4326).",
        ),
        (
            square(24.0, 60.0, size=0.5),
            "The outline covers 1,543 km², more than a parking area can (at most 50 km²); check that "
            "the coordinates are longitude/latitude in degrees and the file holds one lot.",
        ),
        (
            METRES,
            "The file's coordinates are in urn:ogc:def:crs:EPSG::3067; export the outline in WGS84 "
            "longitude/latitude (EPSG:4326).",
        ),
        (
            [square(24.95, 60.17)],
            "The upload is a list; send a GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection.",
        ),
    ],
    ids=[
        "three-features",
        "no-features",
        "no-features-list",
        "feature-without-geometry",
        "point",
        "line",
        "self-intersecting",
        "not-closed",
        "out-of-range",
        "too-small",
        "too-large",
        "projected-crs",
        "list",
    ],
)
async def test_a_bad_outline_is_a_422_saying_what_to_fix_and_changes_nothing(
    client, tenant_a: Operator, document, detail
) -> None:
    before = await _admin_view(client, tenant_a)
    response = await client.put(_url(tenant_a.facility), json=document, headers=tenant_a.admin)
    assert response.status_code == 422, response.text
    assert response.json() == {"detail": detail, "code": "invalid_geometry"}
    # The same document as a file gets the same answer.
    as_file = await client.put(
        _url(tenant_a.facility),
        files={"file": ("lot.geojson", json.dumps(document).encode(), "application/geo+json")},
        headers=tenant_a.admin,
    )
    assert as_file.json() == response.json()
    assert await _admin_view(client, tenant_a) == before
    assert not await AuditEntry.exists(action="facility.geometry_replaced")


async def test_unreadable_uploads_say_how_to_send_one(client, tenant_a: Operator) -> None:
    url = _url(tenant_a.facility)
    broken = await client.put(
        url, content=b'{"type": "Polygon",', headers={**tenant_a.admin, "Content-Type": "application/json"}
    )
    assert broken.status_code == 400
    assert broken.json()["code"] == "malformed_json"
    assert broken.json()["detail"].startswith("The request body is not valid JSON (line 1, column 20")

    broken_file = await client.put(
        url, files={"file": ("lot.geojson", b"<kml></kml>", "application/xml")}, headers=tenant_a.admin
    )
    assert broken_file.status_code == 422
    assert broken_file.json()["code"] == "invalid_geometry"
    assert broken_file.json()["detail"].startswith("The uploaded file is not valid JSON (line 1, column 1")

    wrong_field = await client.put(
        url, files={"outline": ("lot.geojson", b"{}", "application/json")}, headers=tenant_a.admin
    )
    assert wrong_field.status_code == 422
    assert wrong_field.json()["detail"].startswith("The form has no field 'file'.")

    as_text = await client.put(
        url, content=b"hello", headers={**tenant_a.admin, "Content-Type": "text/plain"}
    )
    assert as_text.status_code == 422
    assert as_text.json()["detail"].startswith("Cannot read a GeoJSON outline from text/plain.")

    empty = await client.put(url, content=b"", headers={**tenant_a.admin, "Content-Type": "application/json"})
    assert empty.status_code == 422
    assert empty.json()["detail"].startswith("The request body is empty.")


async def test_the_change_is_audited_without_the_outline_itself(client, tenant_a: Operator) -> None:
    first = await client.put(_url(tenant_a.facility), json=square(24.95, 60.17), headers=tenant_a.admin)
    assert first.status_code == 200
    log = await client.get(f"{ADMIN}/audit?object_type=facility", headers=tenant_a.admin)
    entry = log.json()["items"][0]
    assert (entry["actor"], entry["action"], entry["object_id"]) == (
        "tenant-admin@alpha.example.test",
        "facility.geometry_replaced",
        first.json()["id"],
    )
    details = entry["details"]
    assert (details["slug"], details["source"], details["type"], details["had_outline"]) == (
        "alpha-p1",
        "body",
        "Polygon",
        True,
    )
    assert 6_000 < details["area_m2"] < 6_300  # 0.001° x 0.001° at latitude 60.17: about 55.5 m x 111.4 m
    assert details["center_before"][1] < 60.169 < 60.17 < details["center_after"][1]


async def test_a_facility_without_an_outline_gets_one(client, tenant_a: Operator) -> None:
    cleared = await client.patch(
        f"{ADMIN}/facilities/{tenant_a.facility}", json={"geometry": None}, headers=tenant_a.admin
    )
    assert cleared.json()["center"] is None
    response = await client.put(_url(tenant_a.facility), json=square(24.95, 60.17), headers=tenant_a.admin)
    assert response.status_code == 200
    assert response.json()["center"] is not None
    assert await _nearby(client) == [("alpha-p1", 0)]


async def test_only_tenant_admins_upload_and_a_preview_refuses(
    client, tenant_a: Operator, super_admin
) -> None:
    url = _url(tenant_a.facility)
    for role in ("operator", "enforcement"):
        response = await client.put(url, json=square(24.95, 60.17), headers=getattr(tenant_a, role))
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
    preview = {**super_admin, "X-Tenant": "alpha", "X-Preview": "true"}
    response = await client.put(url, json=square(24.95, 60.17), headers=preview)
    assert response.status_code == 403
    assert response.json()["code"] == "read_only_preview"
    assert await _nearby(client) == []

    acting = await client.put(url, json=square(24.95, 60.17), headers={**super_admin, "X-Tenant": "alpha"})
    assert acting.status_code == 200
    entry = await AuditEntry.get(action="facility.geometry_replaced")
    assert entry.actor_label == "super-admin@platform.example.test"
    assert entry.tenant_id == tenant_a.tenant.id
