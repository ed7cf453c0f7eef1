"""`/facilities/nearby` with the parking data API: other lots beside ours, ours never listed twice,
and a failing or slow data API never breaks "near me"."""

import time
from collections.abc import AsyncIterator, Callable

import pytest

from backend.facilities.index import invalidate_facility_index
from backend.models import Facility
from backend.providers.data.client import EXTRAS_KEY as PARKING_DATA_KEY
from backend.providers.data.client import ParkingDataClient
from backend.providers.registry import EXTRAS_KEY
from tests.backend.facilities.conftest import seed_facilities_from_demo
from tests.backend.helpers import app_of
from tests.backend.providers.adapters.support import DATA_KEY, add_fault, stats

CLEVELAND = {"lat": 41.4993, "lon": -81.6944, "radius_m": 800}
KAMPPI = {"lat": 60.16785, "lon": 24.93045, "radius_m": 800}


@pytest.fixture
async def use_data_api(client, adapter_sandbox) -> AsyncIterator[Callable[..., ParkingDataClient]]:
    """Plug a parking data client (pointing at the sandbox unless told otherwise) into the app."""
    services = app_of(client).state.services

    def plug(base_url: str | None = None, timeout_seconds: float = 1.0) -> ParkingDataClient:
        data = ParkingDataClient(
            http=services.extras[EXTRAS_KEY].context.shared.client,
            base_url=base_url or f"{adapter_sandbox.url}/data/v1",
            api_key=DATA_KEY,
            timeout_seconds=timeout_seconds,
            cache_seconds=60,
        )
        services.extras[PARKING_DATA_KEY] = data
        return data

    yield plug
    services.extras.pop(PARKING_DATA_KEY, None)


async def _nearby(client, params: dict) -> list[dict]:
    response = await client.get("/api/v1/facilities/nearby", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] == len(body["items"])
    return body["items"]


async def test_lots_that_are_our_facilities_are_listed_once_as_ours_with_occupancy(
    client, admin, use_data_api
) -> None:
    await seed_facilities_from_demo()
    without = await _nearby(client, CLEVELAND)
    use_data_api()

    merged = await _nearby(client, CLEVELAND)

    # The data API knows these very lots: ours are listed once and gain live occupancy; the only
    # lot added is the one downtown lot the demo operator does not run.
    assert [i["slug"] for i in merged if i["source"] == "parkflow"] == [i["slug"] for i in without]
    extra = [i["name"] for i in merged if i["source"] == "parking_data"]
    assert extra == ["Unnamed surface lot (way/162917761)"]
    ontario = next(i for i in merged if i["slug"] == "ontario-street-parking-garage")
    assert ontario["occupancy"]["capacity"] > 0
    assert 0 <= ontario["occupancy"]["available"] <= ontario["occupancy"]["capacity"]
    assert ontario["occupancy"]["updated_at"].endswith("Z")
    assert ontario["rates"] is None  # our own tariff is what the driver pays
    # Every facility the data API knows gains occupancy (a few demo lots are not in its data set).
    enriched = [i["slug"] for i in merged if i["source"] == "parkflow" and i["occupancy"]]
    assert len(enriched) >= len(without) - 3


async def test_a_lot_that_is_not_ours_is_listed_as_parking_data_nearest_first(
    client, admin, use_data_api
) -> None:
    await seed_facilities_from_demo()
    await Facility.filter(slug="ontario-street-parking-garage").delete()
    invalidate_facility_index(app_of(client).state.services)
    use_data_api()

    merged = await _nearby(client, CLEVELAND)

    extra = {i["name"]: i for i in merged if i["source"] == "parking_data"}
    assert set(extra) == {"Ontario Street Parking Garage", "Unnamed surface lot (way/162917761)"}
    lot = extra["Ontario Street Parking Garage"]
    assert lot["slug"] is None
    assert lot["zone_number"] is None
    assert lot["external_id"].startswith("clv-")
    assert lot["currency"] == "USD"
    assert lot["rates"][0] == {
        "description": "Per hour",
        "amount": 500,
        "currency": "USD",
        "duration_minutes": 60,
    }
    assert lot["tariff_text"].startswith("Per hour: 5.00 USD; Daily maximum: ")
    assert lot["capacity"] == lot["occupancy"]["capacity"]
    assert 200 < lot["distance_m"] < 250
    distances = [i["distance_m"] for i in merged]
    assert distances == sorted(distances)


async def test_street_parking_from_the_data_api_joins_our_helsinki_facilities(
    client, admin, use_data_api
) -> None:
    await seed_facilities_from_demo()
    use_data_api()

    merged = await _nearby(client, {**KAMPPI, "limit": 50})

    assert merged[0]["slug"] == "kamppi-p1"
    assert merged[0]["distance_m"] == 0
    others = [i for i in merged if i["source"] == "parking_data"]
    assert others
    assert all(i["currency"] == "EUR" and i["occupancy"] for i in others)
    assert all(i["distance_m"] <= KAMPPI["radius_m"] for i in merged)
    assert [i["distance_m"] for i in merged] == sorted(i["distance_m"] for i in merged)

    limited = await _nearby(client, {**KAMPPI, "limit": 2})
    assert limited == merged[:2]


async def test_answers_are_cached_briefly(client, admin, use_data_api) -> None:
    await seed_facilities_from_demo()
    use_data_api()
    first = await _nearby(client, KAMPPI)
    nearby_point = {**KAMPPI, "lat": KAMPPI["lat"] + 0.0001}  # ~11 m away: same rounded position
    again = await _nearby(client, nearby_point)
    assert [i["name"] for i in again] == [i["name"] for i in first]
    assert (await stats(admin, "data-a"))["lots"] == 1


async def test_a_data_api_that_is_down_leaves_nearby_working(client, admin, use_data_api, caplog) -> None:
    await seed_facilities_from_demo()
    expected = await _nearby(client, KAMPPI)
    use_data_api(base_url="http://127.0.0.1:9/data/v1")  # nothing listens there

    assert await _nearby(client, KAMPPI) == expected
    assert "parking data API unreachable" in caplog.text


async def test_a_slow_data_api_costs_one_short_timeout_then_nothing(client, admin, use_data_api) -> None:
    await seed_facilities_from_demo()
    expected = await _nearby(client, KAMPPI)
    await add_fault(admin, connection="data-a", endpoint="lots", kind="latency", latency_ms=3000, times=None)
    use_data_api(timeout_seconds=0.5)

    began = time.monotonic()
    assert await _nearby(client, KAMPPI) == expected
    assert time.monotonic() - began < 2

    began = time.monotonic()
    assert await _nearby(client, KAMPPI) == expected  # the failure is remembered for a few seconds
    assert time.monotonic() - began < 0.4
    await admin.delete("/_sandbox/faults")


async def test_a_data_api_refusing_our_key_leaves_nearby_working(client, admin, use_data_api, caplog) -> None:
    await seed_facilities_from_demo()
    expected = await _nearby(client, KAMPPI)
    data = use_data_api()
    data._headers = {"X-Api-Key": "wrong"}

    assert await _nearby(client, KAMPPI) == expected
    assert "parking data API answered HTTP 401" in caplog.text
