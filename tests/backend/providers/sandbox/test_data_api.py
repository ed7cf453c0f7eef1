"""The parking data API: real lots near a point, nearest first, with rates and time-varying occupancy."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from backend.providers.sandbox import create_sandbox_app
from backend.providers.sandbox.data_api import load_lots, lots_near, occupancy
from shared.geo import distance_m
from tests.backend.providers.sandbox.support import DATA_KEY

DOWNTOWN_CLEVELAND = {"lat": 41.4993, "lon": -81.6944}  # Public Square
KAUPPATORI = {"lat": 60.1675, "lon": 24.9540}  # Helsinki market square
KEY = {"X-Api-Key": DATA_KEY}


async def test_lots_come_nearest_first_within_the_radius(http: httpx.AsyncClient) -> None:
    response = await http.get("/data/v1/lots", params={**DOWNTOWN_CLEVELAND, "radius_m": 800}, headers=KEY)

    assert response.status_code == 200
    lots = response.json()["lots"]
    assert len(lots) >= 5
    distances = [lot["distance_m"] for lot in lots]
    assert distances == sorted(distances)
    for lot in lots:
        metres = distance_m(DOWNTOWN_CLEVELAND["lon"], DOWNTOWN_CLEVELAND["lat"], lot["lon"], lot["lat"])
        assert metres <= 800
        assert lot["distance_m"] == pytest.approx(metres, abs=0.1)
    wider = (
        await http.get("/data/v1/lots", params={**DOWNTOWN_CLEVELAND, "radius_m": 3000}, headers=KEY)
    ).json()["lots"]
    assert len(wider) > len(lots)
    assert [lot["id"] for lot in wider[: len(lots)]] == [lot["id"] for lot in lots]
    limited = await http.get(
        "/data/v1/lots", params={**DOWNTOWN_CLEVELAND, "radius_m": 3000, "limit": 3}, headers=KEY
    )
    assert [lot["id"] for lot in limited.json()["lots"]] == [lot["id"] for lot in wider[:3]]


async def test_a_lot_has_a_name_rates_and_occupancy(http: httpx.AsyncClient) -> None:
    lots = (await http.get("/data/v1/lots", params={**KAUPPATORI, "radius_m": 1500}, headers=KEY)).json()[
        "lots"
    ]

    assert lots, "central Helsinki lots are seeded"
    nearest = lots[0]
    assert set(nearest) == {
        "id",
        "name",
        "lat",
        "lon",
        "address",
        "operator",
        "distance_m",
        "rates",
        "occupancy",
    }
    assert nearest["id"].startswith("hel-terminal-")
    assert nearest["address"].endswith(", Helsinki")
    assert nearest["operator"] == "City of Helsinki"
    for lot in lots:
        for rate in lot["rates"]:
            assert set(rate) == {"description", "amount", "currency", "duration_minutes"}
            assert rate["currency"] == "EUR"
            assert isinstance(rate["amount"], int)
            assert rate["amount"] > 0
        occupancy_now = lot["occupancy"]
        assert 0 <= occupancy_now["available"] <= occupancy_now["capacity"]
        assert occupancy_now["updated_at"].endswith("Z")


async def test_a_point_far_from_any_lot_finds_none(http: httpx.AsyncClient) -> None:
    response = await http.get("/data/v1/lots", params={"lat": 0, "lon": 0, "radius_m": 50_000}, headers=KEY)

    assert response.json() == {"lots": []}


async def test_occupancy_moves_with_the_clock_and_is_repeatable(http: httpx.AsyncClient) -> None:
    params = {**DOWNTOWN_CLEVELAND, "radius_m": 3000}
    first = (await http.get("/data/v1/lots", params=params, headers=KEY)).json()["lots"]
    again = (await http.get("/data/v1/lots", params=params, headers=KEY)).json()["lots"]
    await http.post("/_sandbox/clock", json={"advance_seconds": 6 * 3600})
    later = (await http.get("/data/v1/lots", params=params, headers=KEY)).json()["lots"]

    def available(lots: list[dict]) -> dict[str, int]:
        return {lot["id"]: lot["occupancy"]["available"] for lot in lots}

    assert available(first) == available(again)
    assert available(first) != available(later)
    assert later[0]["occupancy"]["updated_at"] > first[0]["occupancy"]["updated_at"]


@pytest.mark.parametrize(
    ("params", "mentions"),
    [
        ({"lon": -81.69}, "lat is required"),
        ({"lat": 91, "lon": 0}, "lat"),
        ({"lat": 41.5, "lon": -81.69, "radius_m": 0}, "radius_m"),
        ({"lat": 41.5, "lon": -81.69, "radius_m": 100_000}, "radius_m"),
        ({"lat": "north", "lon": -81.69}, "lat"),
    ],
)
async def test_bad_queries_are_422(http: httpx.AsyncClient, params: dict, mentions: str) -> None:
    response = await http.get("/data/v1/lots", params=params, headers=KEY)

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert mentions in response.json()["detail"]


def test_the_lots_are_the_real_cleveland_and_helsinki_places() -> None:
    lots = {lot.id: lot for lot in load_lots()}

    assert len(lots) == 38
    assert lots["clv-way-116484451"].name == "The Halle Garage"
    assert lots["clv-way-111821510"].capacity == 1000  # from the data, not estimated
    assert lots["clv-way-177041927"].operator == "Standard Parking"
    assert lots["hel-terminal-18"].name == "Kauppatori 1 torin puoli (street parking)"
    assert {lot.timezone for lot in lots.values()} == {"America/New_York", "Europe/Helsinki"}


def test_occupancy_follows_the_local_time_of_day() -> None:
    lots = load_lots()
    day = datetime(2026, 3, 30, 18, 0, tzinfo=UTC)  # 14:00 in Cleveland
    night = day + timedelta(hours=12)  # 02:00 in Cleveland
    cleveland = [lot for lot in lots if lot.id.startswith("clv-")]

    free_by_day = sum(occupancy(lot, day)["available"] for lot in cleveland)
    free_at_night = sum(occupancy(lot, night)["available"] for lot in cleveland)

    assert free_at_night > 2 * free_by_day
    assert occupancy(cleveland[0], day) == occupancy(cleveland[0], day + timedelta(minutes=4, seconds=59))
    assert occupancy(cleveland[0], day)["updated_at"] == "2026-03-30T18:00:00Z"


def test_lots_near_respects_the_limit_and_ties() -> None:
    lots = load_lots()
    now = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)

    found = lots_near(lots, lat=41.4993, lon=-81.6944, radius_m=5000, limit=4, now=now)

    assert len(found) == 4
    assert [lot["distance_m"] for lot in found] == sorted(lot["distance_m"] for lot in found)


async def test_the_data_api_over_asgi_without_a_server() -> None:
    app = create_sandbox_app()  # the built-in demo set: data key data_demo_key_0123456789
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
        response = await client.get(
            "/data/v1/lots", params=DOWNTOWN_CLEVELAND, headers={"X-Api-Key": "data_demo_key_0123456789"}
        )

    assert response.status_code == 200
    assert all(lot["distance_m"] <= 1000 for lot in response.json()["lots"])  # default radius
