"""`ParkingDataClient`: lots near a point from an INRIX/ParkMe-style parking data API.

Speaks the sandbox's `GET {PARKFLOW_PARKING_DATA_URL}/lots?lat=&lon=&radius_m=&limit=` with
`X-Api-Key` (see `backend/providers/sandbox/data_api.py`). The vendor payload stays in this folder:
callers get `DataLot`s.

It is decoration for "near me", so it must never slow it down or break it: one short timeout
(`parking_data_timeout_seconds`, 1 s by default), no retries, every failure logged and answered
with no lots. Answers are cached for `parking_data_cache_seconds` per position rounded to ~100 m
and radius rounded up to 250 m (the API is asked for that rounded circle, grown by the rounding, and
the lots are then measured from the real position); a failure is remembered for a few seconds so a
dead API costs one timeout, not one per request. Concurrent misses for one key share one request.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import httpx
from pydantic import AwareDatetime, BaseModel, ConfigDict, ValidationError

from shared.geo import distance_m

log = logging.getLogger("parkflow.providers.data")

EXTRAS_KEY = "parking_data"
_DECIMALS = 3  # ~110 m of latitude
_ROUNDING_SLACK_M = 80.0  # farthest a point is from its rounded position (mid-latitudes and below)
_RADIUS_STEP_M = 250.0
_MAX_RADIUS_M = 50_000.0
_FAILURE_MEMORY_SECONDS = 10.0
_MAX_ENTRIES = 2048
_LIMIT = 200


@dataclass(frozen=True)
class LotRate:
    description: str
    amount: int
    currency: str
    duration_minutes: int


@dataclass(frozen=True)
class LotOccupancy:
    capacity: int
    available: int
    updated_at: datetime


@dataclass(frozen=True)
class DataLot:
    id: str
    name: str
    lat: float
    lon: float
    address: str | None
    operator: str | None
    rates: tuple[LotRate, ...]
    occupancy: LotOccupancy | None


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _WireRate(_Wire):
    description: str
    amount: int
    currency: str
    duration_minutes: int


class _WireOccupancy(_Wire):
    capacity: int
    available: int
    updated_at: AwareDatetime


class _WireLot(_Wire):
    id: str
    name: str
    lat: float
    lon: float
    address: str | None = None
    operator: str | None = None
    rates: list[_WireRate] = []
    occupancy: _WireOccupancy | None = None


class _WireLots(_Wire):
    lots: list[_WireLot]


def _lot(wire: _WireLot) -> DataLot:
    occupancy = wire.occupancy
    return DataLot(
        id=wire.id,
        name=wire.name,
        lat=wire.lat,
        lon=wire.lon,
        address=wire.address,
        operator=wire.operator,
        rates=tuple(LotRate(**rate.model_dump()) for rate in wire.rates),
        occupancy=None if occupancy is None else LotOccupancy(**occupancy.model_dump()),
    )


@dataclass
class _Entry:
    lots: tuple[DataLot, ...]
    expires_at: float


class ParkingDataClient:
    def __init__(
        self,
        *,
        http: httpx.AsyncClient,
        base_url: str,
        api_key: str,
        timeout_seconds: float,
        cache_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._http = http
        self._url = base_url.rstrip("/") + "/lots"
        self._headers = {"X-Api-Key": api_key}
        self._timeout = httpx.Timeout(timeout_seconds)
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._cache: dict[tuple, _Entry] = {}
        self._inflight: dict[tuple, asyncio.Future[tuple[DataLot, ...]]] = {}

    async def lots_near(
        self, lat: float, lon: float, radius_m: float, *, margin_m: float = 0.0
    ) -> list[tuple[DataLot, float]]:
        """(lot, metres from the point) within `radius_m + margin_m`, nearest first; [] when the API fails.

        The margin lets a caller recognise lots whose centre lies just outside the circle although
        the lot (one of ours, measured to its edge) is inside it.
        """
        reach = radius_m + margin_m
        key = (
            round(lat, _DECIMALS),
            round(lon, _DECIMALS),
            min(math.ceil((reach + _ROUNDING_SLACK_M) / _RADIUS_STEP_M) * _RADIUS_STEP_M, _MAX_RADIUS_M),
        )
        lots = await self._cached(key)
        found = [(lot, distance_m(lon, lat, lot.lon, lot.lat)) for lot in lots]
        return sorted(((lot, d) for lot, d in found if d <= reach), key=lambda pair: (pair[1], pair[0].id))

    async def _cached(self, key: tuple) -> tuple[DataLot, ...]:
        entry = self._cache.get(key)
        if entry is not None and entry.expires_at > self._clock():
            return entry.lots
        pending = self._inflight.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self._fetch(key))
            self._inflight[key] = pending
            pending.add_done_callback(lambda _: self._inflight.pop(key, None))
        # Shielded: a driver's request going away must not cancel the fetch others wait for.
        return await asyncio.shield(pending)

    async def _fetch(self, key: tuple) -> tuple[DataLot, ...]:
        lat, lon, radius_m = key
        params = {"lat": str(lat), "lon": str(lon), "radius_m": str(radius_m), "limit": str(_LIMIT)}
        lots: tuple[DataLot, ...] | None = None
        try:
            response = await self._http.get(
                self._url, params=params, headers=self._headers, timeout=self._timeout
            )
            if response.status_code == 200:
                lots = tuple(_lot(lot) for lot in _WireLots.model_validate_json(response.content).lots)
            else:
                log.warning(
                    "parking data API answered HTTP %s: %s", response.status_code, response.text[:200]
                )
        except httpx.HTTPError as exc:
            log.warning("parking data API unreachable (%s); /nearby shows Parkflow's facilities only", exc)
        except ValidationError as exc:
            log.warning("parking data API answered an unreadable body: %s", exc.errors()[:3])
        ttl = self._cache_seconds if lots is not None else min(self._cache_seconds, _FAILURE_MEMORY_SECONDS)
        self._remember(key, lots or (), ttl)
        return lots or ()

    def _remember(self, key: tuple, lots: tuple[DataLot, ...], ttl: float) -> None:
        if ttl <= 0:
            return
        now = self._clock()
        if len(self._cache) >= _MAX_ENTRIES:
            self._cache = {k: e for k, e in self._cache.items() if e.expires_at > now}
            while len(self._cache) >= _MAX_ENTRIES:
                self._cache.pop(next(iter(self._cache)))
        self._cache[key] = _Entry(lots, now + ttl)

    def clear(self) -> None:
        self._cache.clear()
