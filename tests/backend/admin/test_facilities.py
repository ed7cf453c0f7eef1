"""Facilities as an operator configures them: create, list, change, delete."""

import json

from backend.models import Facility, Tenant
from shared.geo import InvalidGeometryError, parse_lot_geometry
from tests.backend.admin.conftest import ADMIN, TARIFF, Operator, created, facility_body, square
from tests.backend.drivers.conftest import counting_selects
from tests.shared_data import INVALID_US_LOT_FIXTURE, find_data

# The US downtown lots data set, or the copy of its one invalid lot when ../shared/data is absent.
POLYGONS = find_data("polygons/us_downtown_parking_lots_prn.geojson") or INVALID_US_LOT_FIXTURE


def invalid_lot() -> dict:
    """The one lot outline in the US downtown data set that is refused (fayetteville-ar-0071)."""
    features = json.loads(POLYGONS.read_text(encoding="utf-8"))["features"]
    lot = next(f for f in features if f["properties"]["id"] == "fayetteville-ar-0071")
    try:
        parse_lot_geometry(lot["geometry"])
    except InvalidGeometryError:
        return lot["geometry"]
    raise AssertionError("fayetteville-ar-0071 was expected to be invalid")


async def test_create_and_read_back_a_facility(client, tenant_a: Operator) -> None:
    body = facility_body(
        "alpha-p2",
        "2345",
        provider={"connection": "passport", "zone_id": "Z-2345"},
        address="Urho Kekkosen katu 1",
        pass_products=[{"slug": "weekly", "name": "Weekly", "amount": 2900, "days": 7}],
    )
    made = await created(await client.post(f"{ADMIN}/facilities", json=body, headers=tenant_a.admin))
    assert made["slug"] == "alpha-p2"
    assert made["provider"] == {"connection": "passport", "zone_id": "Z-2345"}
    assert made["timezone"] == "Europe/Helsinki"  # the operator's, since none was given
    assert made["currency"] == "EUR"
    assert made["tariff_text"].startswith("First 15 min free")
    assert made["geometry"] == body["geometry"]
    assert 60.168 < made["center"]["lat"] < 60.169
    assert 24.930 < made["center"]["lon"] < 24.931

    fetched = await client.get(f"{ADMIN}/facilities/alpha-p2", headers=tenant_a.enforcement)
    assert fetched.status_code == 200
    assert fetched.json() == made
    products = await client.get(f"{ADMIN}/facilities/alpha-p2/pass-products", headers=tenant_a.operator)
    assert [p["slug"] for p in products.json()] == ["weekly"]


async def test_an_invalid_outline_is_a_422_saying_what_is_wrong(client, tenant_a: Operator) -> None:
    body = facility_body("fayetteville-71", "71", geometry=invalid_lot())
    response = await client.post(f"{ADMIN}/facilities", json=body, headers=tenant_a.admin)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_geometry"
    detail = response.json()["detail"]
    assert detail.startswith("'geometry'")
    assert "Hole 1" in detail
    assert "only 2 distinct corners" in detail
    assert not await Facility.exists(slug="fayetteville-71")


async def test_a_slug_taken_by_the_same_operator_is_a_409_too(client, tenant_a: Operator) -> None:
    response = await client.post(
        f"{ADMIN}/facilities", json=facility_body("alpha-p1", "5555"), headers=tenant_a.admin
    )
    assert response.status_code == 409
    assert response.json() == {"detail": "This slug is taken; choose another.", "code": "conflict"}


async def test_zone_numbers_are_unique_within_an_operator(client, tenant_a: Operator) -> None:
    response = await client.post(
        f"{ADMIN}/facilities", json=facility_body("alpha-p2", "1234"), headers=tenant_a.admin
    )
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert "'1234'" in response.json()["detail"]

    await created(
        await client.post(
            f"{ADMIN}/facilities", json=facility_body("alpha-p2", "2345"), headers=tenant_a.admin
        )
    )
    moved = await client.patch(
        f"{ADMIN}/facilities/alpha-p2", json={"zone_number": "1234"}, headers=tenant_a.admin
    )
    assert moved.status_code == 409
    assert moved.json()["code"] == "conflict"


async def test_an_unknown_provider_connection_is_a_422(
    client, tenant_a: Operator, tenant_b: Operator
) -> None:
    body = facility_body("alpha-p2", "2345", provider={"connection": "parkmobile", "zone_id": "1"})
    response = await client.post(f"{ADMIN}/facilities", json=body, headers=tenant_a.admin)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert "'parkmobile'" in response.json()["detail"]


async def test_bad_facility_input_is_a_422_naming_the_field(client, tenant_a: Operator) -> None:
    cases = [
        ({"tariff": {**TARIFF, "segments": [{"from_minute": 5, "amount": 0}]}}, "'tariff'", "invalid_tariff"),
        ({"timezone": "Europe/Atlantis"}, "'timezone'", "validation_error"),
        ({"detection": "radar"}, "'detection'", "validation_error"),
        ({"capacity": -1}, "'capacity'", "validation_error"),
        ({"slug": "Alpha P2"}, "'slug'", "validation_error"),
        ({"geometry": {"type": "Point", "coordinates": [24.9, 60.1]}}, "'geometry", "invalid_geometry"),
        ({"unexpected": 1}, "'unexpected'", "validation_error"),
    ]
    for change, field, code in cases:
        body = {**facility_body("alpha-p2", "2345"), **change}
        response = await client.post(f"{ADMIN}/facilities", json=body, headers=tenant_a.admin)
        assert response.status_code == 422, change
        assert response.json()["code"] == code, change
        assert response.json()["detail"].startswith(field), response.json()


async def test_pass_products_given_twice_on_create_are_a_422(client, tenant_a: Operator) -> None:
    product = {"slug": "weekly", "name": "Weekly", "amount": 2900, "days": 7}
    body = facility_body("alpha-p2", "2345", pass_products=[product, {**product, "amount": 1}])
    response = await client.post(f"{ADMIN}/facilities", json=body, headers=tenant_a.admin)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert "'weekly'" in response.json()["detail"]
    assert not await Facility.exists(slug="alpha-p2")


async def test_bad_json_is_a_400(client, tenant_a: Operator) -> None:
    response = await client.post(
        f"{ADMIN}/facilities",
        content=b'{"slug": "alpha-p2", ',
        headers={**tenant_a.admin, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"


async def test_a_naive_timestamp_filter_is_a_422(client, tenant_a: Operator) -> None:
    response = await client.get(
        f"{ADMIN}/facilities", params={"updated_since": "2026-03-30T14:23:00"}, headers=tenant_a.admin
    )
    assert response.status_code == 422
    assert response.json()["code"] == "naive_timestamp"
    assert "'updated_since'" in response.json()["detail"]


async def test_list_pages_searches_and_filters_by_change_time(client, tenant_a: Operator) -> None:
    for number in range(2, 7):
        body = facility_body(f"alpha-p{number}", f"10{number}", name=f"Harbour {number}")
        await created(await client.post(f"{ADMIN}/facilities", json=body, headers=tenant_a.admin))

    first = await client.get(f"{ADMIN}/facilities", params={"limit": 2}, headers=tenant_a.admin)
    assert first.json()["total"] == 6
    assert [f["slug"] for f in first.json()["items"]] == ["alpha-p1", "alpha-p2"]
    rest = await client.get(f"{ADMIN}/facilities", params={"limit": 2, "offset": 4}, headers=tenant_a.admin)
    assert [f["slug"] for f in rest.json()["items"]] == ["alpha-p5", "alpha-p6"]

    by_name = await client.get(f"{ADMIN}/facilities", params={"q": "HARBOUR"}, headers=tenant_a.admin)
    assert by_name.json()["total"] == 5
    by_zone = await client.get(f"{ADMIN}/facilities", params={"q": "104"}, headers=tenant_a.admin)
    assert [f["slug"] for f in by_zone.json()["items"]] == ["alpha-p4"]
    by_slug = await client.get(f"{ADMIN}/facilities", params={"q": "p1"}, headers=tenant_a.admin)
    assert [f["slug"] for f in by_slug.json()["items"]] == ["alpha-p1"]

    mark = (await client.get(f"{ADMIN}/facilities/alpha-p6", headers=tenant_a.admin)).json()["updated_at"]
    await client.patch(f"{ADMIN}/facilities/alpha-p3", json={"capacity": 7}, headers=tenant_a.admin)
    changed = await client.get(f"{ADMIN}/facilities", params={"updated_since": mark}, headers=tenant_a.admin)
    assert {f["slug"] for f in changed.json()["items"]} >= {"alpha-p3"}
    assert "alpha-p1" not in {f["slug"] for f in changed.json()["items"]}

    too_many = await client.get(f"{ADMIN}/facilities", params={"limit": 500}, headers=tenant_a.admin)
    assert too_many.status_code == 422
    assert too_many.json()["code"] == "validation_error"


# 20-minute increments, 1.00 each for the first 40 minutes and 1.50 after: an hour is 1.00 + 1.00 + 1.50,
# whatever the time of day (no daily cap to reach).
STEPPED = {
    "increment_minutes": 20,
    "segments": [{"from_minute": 0, "amount": 100}, {"from_minute": 40, "amount": 150}],
}


async def test_the_list_carries_what_the_list_screen_shows(client, tenant_a: Operator) -> None:
    await Tenant.filter(id=tenant_a.tenant.id).update(currency="SEK")  # the operator's, not the facility's
    body = facility_body("alpha-p2", "2345", geometry=None, tariff=STEPPED, grace_minutes=7)
    await created(await client.post(f"{ADMIN}/facilities", json=body, headers=tenant_a.admin))

    listed = await client.get(f"{ADMIN}/facilities", headers=tenant_a.enforcement)
    assert listed.status_code == 200, listed.text
    fields = ("slug", "grace_minutes", "currency", "tariff_text", "hour_amount", "has_outline")
    assert [tuple(item[name] for name in fields) for item in listed.json()["items"]] == [
        (
            "alpha-p1",
            15,
            "SEK",
            "First 15 min free, then 0.75 per 15 min, max 24.00 a day, stays up to 24 h",
            3 * 75,  # the first started quarter is free, the next three cost 0.75 each
            True,
        ),
        ("alpha-p2", 7, "SEK", "1.00 per 20 min for the first 40 min, then 1.50 per 20 min", 350, False),
    ]
    # The detail says the same: it is the summary and more.
    for item in listed.json()["items"]:
        detail = (await client.get(f"{ADMIN}/facilities/{item['slug']}", headers=tenant_a.admin)).json()
        assert {name: detail[name] for name in fields} == {name: item[name] for name in fields}
        assert detail["has_outline"] == (detail["geometry"] is not None)


async def test_the_list_costs_the_same_queries_however_many_facilities(client, tenant_a: Operator) -> None:
    linked = {"connection": "passport", "zone_id": "Z-2345"}
    await created(
        await client.post(
            f"{ADMIN}/facilities",
            json=facility_body("alpha-p2", "2345", provider=linked),
            headers=tenant_a.admin,
        )
    )
    with counting_selects() as few:
        assert len((await client.get(f"{ADMIN}/facilities", headers=tenant_a.admin)).json()["items"]) == 2
    for number in range(3, 9):
        body = facility_body(
            f"alpha-p{number}",
            f"10{number}",
            geometry=None if number % 2 else square(24.93 + number / 100, 60.168),
            tariff=STEPPED if number % 3 else TARIFF,
            provider={"connection": "passport", "zone_id": f"Z-{number}"} if number % 2 else "native",
        )
        await created(await client.post(f"{ADMIN}/facilities", json=body, headers=tenant_a.admin))
    with counting_selects() as many:
        assert len((await client.get(f"{ADMIN}/facilities", headers=tenant_a.admin)).json()["items"]) == 8
    assert len(many) == len(few), many


async def test_patch_changes_only_what_is_sent(client, tenant_a: Operator) -> None:
    before = (await client.get(f"{ADMIN}/facilities/alpha-p1", headers=tenant_a.admin)).json()
    new_tariff = {"increment_minutes": 60, "segments": [{"from_minute": 0, "amount": 300}]}
    response = await client.patch(
        f"{ADMIN}/facilities/alpha-p1",
        json={"capacity": 150, "tariff": new_tariff, "timezone": "Europe/Stockholm"},
        headers=tenant_a.admin,
    )
    assert response.status_code == 200, response.text
    after = response.json()
    assert (after["capacity"], after["timezone"]) == (150, "Europe/Stockholm")
    assert {k: v for k, v in after["tariff"].items() if v is not None} == new_tariff
    assert after["tariff_text"] == "3.00 per hour"
    for unchanged in ("name", "zone_number", "geometry", "center", "detection", "grace_minutes", "provider"):
        assert after[unchanged] == before[unchanged], unchanged

    moved = await client.patch(
        f"{ADMIN}/facilities/alpha-p1", json={"geometry": square(24.95, 60.17)}, headers=tenant_a.admin
    )
    assert 24.95 < moved.json()["center"]["lon"] < 24.951
    cleared = await client.patch(
        f"{ADMIN}/facilities/alpha-p1", json={"geometry": None}, headers=tenant_a.admin
    )
    assert (cleared.json()["geometry"], cleared.json()["center"]) == (None, None)

    nulled = await client.patch(f"{ADMIN}/facilities/alpha-p1", json={"name": None}, headers=tenant_a.admin)
    assert nulled.status_code == 422
    assert nulled.json()["code"] == "validation_error"
    assert "'name'" in nulled.json()["detail"]


async def test_patch_keeps_the_provider_link(client, tenant_a: Operator) -> None:
    body = facility_body("alpha-p2", "2345", provider={"connection": "passport", "zone_id": "Z9"})
    await created(await client.post(f"{ADMIN}/facilities", json=body, headers=tenant_a.admin))
    response = await client.patch(
        f"{ADMIN}/facilities/alpha-p2", json={"zone_number": "2346"}, headers=tenant_a.admin
    )
    assert response.json()["provider"] == {"connection": "passport", "zone_id": "Z9"}


async def test_put_replaces_everything_but_the_slug(client, tenant_a: Operator) -> None:
    body = {k: v for k, v in facility_body("ignored", "9999").items() if k != "slug"}
    body.update(name="Kamppi Renewed", capacity=10, grace_minutes=5, detection="geofence")
    response = await client.put(f"{ADMIN}/facilities/alpha-p1", json=body, headers=tenant_a.admin)
    assert response.status_code == 200, response.text
    got = response.json()
    assert (got["slug"], got["name"], got["zone_number"], got["detection"]) == (
        "alpha-p1",
        "Kamppi Renewed",
        "9999",
        "geofence",
    )
    renamed = await client.put(
        f"{ADMIN}/facilities/alpha-p1", json={**body, "slug": "new"}, headers=tenant_a.admin
    )
    assert renamed.status_code == 422
    assert "'slug'" in renamed.json()["detail"]


async def test_delete_removes_the_facility_and_its_products(client, tenant_a: Operator) -> None:
    response = await client.delete(f"{ADMIN}/facilities/alpha-p1", headers=tenant_a.admin)
    assert response.status_code == 204
    assert response.content == b""
    gone = await client.get(f"{ADMIN}/facilities/alpha-p1", headers=tenant_a.admin)
    assert gone.status_code == 404
    assert gone.json() == {"detail": "No facility 'alpha-p1'.", "code": "not_found"}
    # The slug is free again.
    await created(
        await client.post(
            f"{ADMIN}/facilities", json=facility_body("alpha-p1", "1234"), headers=tenant_a.admin
        )
    )


async def test_drivers_find_a_new_facility_and_stop_finding_a_deleted_one(client, tenant_a: Operator) -> None:
    near = {"lat": 60.1705, "lon": 24.9605, "radius_m": 200}
    assert (await client.get("/api/v1/facilities/nearby", params=near)).json()["count"] == 0

    body = facility_body("alpha-harbour", "3456", geometry=square(24.96, 60.17))
    await created(await client.post(f"{ADMIN}/facilities", json=body, headers=tenant_a.admin))
    found = await client.get("/api/v1/facilities/nearby", params=near)
    assert [f["slug"] for f in found.json()["items"]] == ["alpha-harbour"]

    await client.delete(f"{ADMIN}/facilities/alpha-harbour", headers=tenant_a.admin)
    assert (await client.get("/api/v1/facilities/nearby", params=near)).json()["count"] == 0
