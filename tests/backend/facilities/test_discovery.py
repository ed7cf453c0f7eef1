"""Zone entry, "near me" and the facility page, as a driver's app calls them."""

from backend.models import Facility

# Inside the Kamppi P1 outline of the demo file, and a point ~150 m east of it.
KAMPPI_INSIDE = {"lat": 60.16785, "lon": 24.93045}
CLEVELAND_GATEWAY = {"lat": 41.4972, "lon": -81.6872}


async def test_zone_number_finds_the_facility_with_its_tariff_in_words(client, demo_facilities) -> None:
    response = await client.get("/api/v1/facilities", params={"zone_number": "1234"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [kamppi] = body["items"]
    assert kamppi["slug"] == "kamppi-p1"
    assert kamppi["operator"] == "Helsinki Parking Oy"
    assert kamppi["currency"] == "EUR"
    assert (
        kamppi["tariff_text"] == "First 15 min free, then 0.75 per 15 min, max 24.00 a day, stays up to 24 h"
    )
    assert kamppi["distance_m"] is None


async def test_a_zone_number_used_by_two_operators_returns_both_nearest_first(
    client, demo_facilities
) -> None:
    near_helsinki = await client.get(
        "/api/v1/facilities", params={"zone_number": "4101", "lat": 60.1677, "lon": 24.9436}
    )
    near_cleveland = await client.get(
        "/api/v1/facilities", params={"zone_number": "4101", **CLEVELAND_GATEWAY}
    )
    helsinki_first = [f["operator_slug"] for f in near_helsinki.json()["items"]]
    cleveland_first = [f["operator_slug"] for f in near_cleveland.json()["items"]]
    assert helsinki_first == ["helsinki-parking", "cleveland-parking"]
    assert cleveland_first == ["cleveland-parking", "helsinki-parking"]
    distances = [f["distance_m"] for f in near_cleveland.json()["items"]]
    assert distances[0] < 200 < 6_000_000 < distances[1]


async def test_unknown_zone_number_is_an_empty_list_not_an_error(client, demo_facilities) -> None:
    response = await client.get("/api/v1/facilities", params={"zone_number": "999999"})
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0}


async def test_zone_lookup_needs_a_zone_number_and_both_coordinates(client, demo_facilities) -> None:
    missing = await client.get("/api/v1/facilities")
    half = await client.get("/api/v1/facilities", params={"zone_number": "1234", "lat": 60.1})
    assert missing.status_code == 422
    assert "zone_number" in missing.json()["detail"]
    assert half.status_code == 422
    assert half.json()["code"] == "validation_error"


async def test_nearby_lists_the_lot_you_stand_in_first_at_zero_metres(client, demo_facilities) -> None:
    response = await client.get("/api/v1/facilities/nearby", params={**KAMPPI_INSIDE, "radius_m": 600})
    assert response.status_code == 200
    items = response.json()["items"]
    assert items[0]["slug"] == "kamppi-p1"
    assert items[0]["distance_m"] == 0
    distances = [i["distance_m"] for i in items]
    assert distances == sorted(distances)
    assert all(d <= 600 for d in distances)
    assert {i["operator_slug"] for i in items} == {"helsinki-parking"}


async def test_nearby_radius_is_metric(client, demo_facilities) -> None:
    """Widening the radius only adds lots, and each lot's distance does not depend on the radius."""
    small = (await client.get("/api/v1/facilities/nearby", params={**KAMPPI_INSIDE, "radius_m": 300})).json()
    large = (await client.get("/api/v1/facilities/nearby", params={**KAMPPI_INSIDE, "radius_m": 2000})).json()
    small_d = {i["slug"]: i["distance_m"] for i in small["items"]}
    large_d = {i["slug"]: i["distance_m"] for i in large["items"]}
    assert set(small_d) < set(large_d)
    assert all(large_d[slug] == d for slug, d in small_d.items())
    assert max(large_d.values()) > 300


async def test_nearby_far_from_everything_is_empty(client, demo_facilities) -> None:
    response = await client.get("/api/v1/facilities/nearby", params={"lat": 0, "lon": 0, "radius_m": 5000})
    assert response.status_code == 200
    assert response.json()["items"] == []


async def test_nearby_rejects_bad_positions_and_radii(client, demo_facilities) -> None:
    for params in (
        {"lat": 91, "lon": 0},
        {"lat": 60, "lon": "east"},
        {"lat": 60, "lon": 24, "radius_m": -5},
        {"lat": 60, "lon": 24, "radius_m": 10_000_000},
    ):
        response = await client.get("/api/v1/facilities/nearby", params=params)
        assert response.status_code == 422, params
        assert response.json()["code"] == "validation_error"


async def test_nearby_sees_a_facility_added_after_the_index_was_built(client, demo_facilities) -> None:
    before = await client.get("/api/v1/facilities/nearby", params={**KAMPPI_INSIDE, "radius_m": 50})
    assert [i["slug"] for i in before.json()["items"]] == ["kamppi-p1"]
    await Facility.filter(slug="kamppi-p1").delete()
    client_app = client._transport.app  # type: ignore[attr-defined]
    from backend.facilities.index import invalidate_facility_index

    invalidate_facility_index(client_app.state.services)
    after = await client.get("/api/v1/facilities/nearby", params={**KAMPPI_INSIDE, "radius_m": 50})
    assert after.json()["items"] == []


async def test_facility_page_shows_tariff_fee_outline_and_passes(client, demo_facilities) -> None:
    response = await client.get("/api/v1/facilities/kamppi-p1")
    assert response.status_code == 200
    body = response.json()
    assert body["timezone"] == "Europe/Helsinki"
    assert body["tariff"]["segments"][1] == {"from_minute": 15, "amount": 75}
    assert body["service_fee"] == {"percent": "2.5", "fixed_amount": 0}
    assert body["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert body["center"]["lat"] > 60
    assert [p["slug"] for p in body["pass_products"]]


async def test_unknown_facility_is_a_404_with_the_error_body(client, demo_facilities) -> None:
    response = await client.get("/api/v1/facilities/kamppi-p9")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "kamppi-p9" in response.json()["detail"]
