"""An INRIX/ParkMe-style parking data API: lots near a point, with rates and live-ish occupancy.

`GET /data/v1/lots?lat=&lon=&radius_m=[&limit=]` with `X-Api-Key` answers
`{"lots": [{id, name, lat, lon, address, operator, distance_m, rates: [{description, amount,
currency, duration_minutes}], occupancy: {capacity, available, updated_at}}]}`, nearest first.

The lots are real places: the 30 downtown Cleveland lots of
`assets/polygons/fixture_cleveland_parking_lots_30.geojson` (© OpenStreetMap contributors, ODbL;
centroid, name, operator, capacity) and eight central Helsinki pay terminals
(`helsinki_parking_terminals_sandbox_8.geojson`, City-of-Helsinki/parkkihubi, MIT). Where the data
has no capacity it is estimated from the outline's area (25 m² a space, four decks for garages);
rates and occupancy are synthetic but deterministic: occupancy follows the lot's local time of
day (quiet at night, busiest early afternoon) with a per-lot wobble, in 5-minute steps.
"""

import json
import math
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query
from shapely.geometry import shape

from backend.providers.sandbox.guard import Call, guard
from shared.geo import distance_m

ASSETS = Path(__file__).resolve().parents[3] / "assets" / "polygons"
CLEVELAND_FILE = "fixture_cleveland_parking_lots_30.geojson"
HELSINKI_FILE = "helsinki_parking_terminals_sandbox_8.geojson"
OCCUPANCY_STEP_SECONDS = 300
_M2_PER_SPACE = 25.0
_GARAGE_DECKS = 4


@dataclass(frozen=True)
class Lot:
    id: str
    name: str
    lat: float
    lon: float
    address: str
    operator: str | None
    capacity: int
    timezone: str
    rates: tuple[dict, ...]


def _pick(key: str, options: tuple[int, ...]) -> int:
    return options[zlib.crc32(key.encode()) % len(options)]


def _rate(description: str, amount: int, currency: str, minutes: int) -> dict:
    return {"description": description, "amount": amount, "currency": currency, "duration_minutes": minutes}


def _cleveland(path: Path) -> list[Lot]:
    lots = []
    for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
        props = feature["properties"]
        centre = shape(feature["geometry"]).centroid
        garage = props.get("parking") in ("multi-storey", "underground")
        capacity = props.get("capacity") or max(
            10, round(props["area_m2"] / _M2_PER_SPACE * (_GARAGE_DECKS if garage else 1))
        )
        kind = "garage" if garage else "surface lot"
        hourly = _pick(props["id"], (200, 300, 400, 500) if garage else (150, 200, 300))
        lots.append(
            Lot(
                id=f"clv-{props['id']}",
                name=props.get("name") or f"Unnamed {kind} ({props['osm_id']})",
                lat=round(centre.y, 7),
                lon=round(centre.x, 7),
                address="Downtown Cleveland, OH",
                operator=props.get("operator"),
                capacity=int(capacity),
                timezone="America/New_York",
                rates=(
                    _rate("Per hour", hourly, "USD", 60),
                    _rate("Daily maximum", hourly * _pick(props["id"] + "max", (4, 5, 6)), "USD", 1440),
                ),
            )
        )
    return lots


def _helsinki(path: Path) -> list[Lot]:
    lots = []
    for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
        props = feature["properties"]
        lon, lat = feature["geometry"]["coordinates"]
        street = props["name"].split(" / ")[0]
        key = f"hel-terminal-{props['number']}"
        per_hour = _pick(key, (300, 360, 420))
        lots.append(
            Lot(
                id=key,
                name=f"{props['name']} (street parking)",
                lat=lat,
                lon=lon,
                address=f"{street}, Helsinki",
                operator="City of Helsinki",
                capacity=_pick(key + "cap", (12, 18, 24, 30, 40)),
                timezone="Europe/Helsinki",
                rates=(
                    _rate("Per 15 minutes", per_hour // 4, "EUR", 15),
                    _rate("Per hour", per_hour, "EUR", 60),
                ),
            )
        )
    return lots


def load_lots(folder: Path | None = None) -> list[Lot]:
    """Every lot the data API serves, read from the assets folder (or `folder`)."""
    folder = folder or ASSETS
    return [*_cleveland(folder / CLEVELAND_FILE), *_helsinki(folder / HELSINKI_FILE)]


def occupancy(lot: Lot, now: datetime) -> dict:
    """Capacity and free spaces at `now`: a function of the lot and the 5-minute step only."""
    step = int(now.timestamp()) // OCCUPANCY_STEP_SECONDS * OCCUPANCY_STEP_SECONDS
    updated_at = datetime.fromtimestamp(step, tz=UTC)
    local = updated_at.astimezone(ZoneInfo(lot.timezone))
    hour = local.hour + local.minute / 60
    shift = zlib.crc32((lot.id + "phase").encode()) % 3 - 1  # lots peak an hour apart
    share = 0.55 - 0.35 * math.cos(2 * math.pi * (hour - 2 - shift) / 24)  # 0.2 at ~02:00, 0.9 at ~14:00
    wobble = (zlib.crc32(f"{lot.id}:{step}".encode()) % 1000 / 1000 - 0.5) * 0.12
    occupied = round(lot.capacity * min(max(share + wobble, 0.0), 1.0))
    return {
        "capacity": lot.capacity,
        "available": max(lot.capacity - occupied, 0),
        "updated_at": updated_at.isoformat().replace("+00:00", "Z"),
    }


def lots_near(lots: list[Lot], *, lat: float, lon: float, radius_m: float, limit: int, now: datetime) -> list:
    """Lots within `radius_m` of the point, nearest first (ties by id), as wire dicts."""
    found = []
    for lot in lots:
        metres = distance_m(lon, lat, lot.lon, lot.lat)
        if metres <= radius_m:
            found.append((metres, lot))
    found.sort(key=lambda pair: (pair[0], pair[1].id))
    return [
        {
            "id": lot.id,
            "name": lot.name,
            "lat": lot.lat,
            "lon": lot.lon,
            "address": lot.address,
            "operator": lot.operator,
            "distance_m": round(metres, 1),
            "rates": list(lot.rates),
            "occupancy": occupancy(lot, now),
        }
        for metres, lot in found[:limit]
    ]


data_router = APIRouter(prefix="/data/v1", tags=["parking data API"])


@data_router.get("/lots", summary="Parking lots near a point with rates and occupancy, nearest first")
async def lots(
    call: Annotated[Call, Depends(guard("data", "lots"))],
    lat: Annotated[float, Query(ge=-90, le=90, examples=[41.4993])],
    lon: Annotated[float, Query(ge=-180, le=180, examples=[-81.6944])],
    radius_m: Annotated[float, Query(gt=0, le=50_000, description="Metres")] = 1000,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict:
    state = call.state
    found = lots_near(state.lots, lat=lat, lon=lon, radius_m=radius_m, limit=limit, now=state.now())
    await call.finish()
    return {"lots": found}
