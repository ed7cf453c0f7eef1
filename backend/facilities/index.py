"""The spatial index of every facility, shared by discovery (and later geofencing).

Built from the database on first use and kept in the app's services. It is rebuilt when the
facility table changes: the admin API invalidates it directly, and a cheap fingerprint query
(row count and latest update) catches changes made by other workers or by `parkflow load`.
"""

import asyncio
import time
from dataclasses import dataclass
from uuid import UUID

from shapely.geometry import Point, shape
from tortoise import connections

from backend.kit.services import AppServices
from backend.models import Facility
from shared.geo import LotIndex

_KEY = "facility_index"
_CHECK_EVERY_SECONDS = 2.0


@dataclass
class _Cached:
    index: LotIndex[UUID]
    fingerprint: tuple
    checked_at: float


def invalidate_facility_index(services: AppServices) -> None:
    services.extras.pop(_KEY, None)


async def _fingerprint() -> tuple:
    conn = connections.get("default")
    _, rows = await conn.execute_query("SELECT COUNT(*), MAX(updated_at) FROM facility")
    return tuple(rows[0]) if rows else (0, None)


async def _build() -> LotIndex[UUID]:
    rows = await Facility.all().order_by("slug").values_list("id", "geometry", "center_lon", "center_lat")
    lots = []
    for facility_id, geometry, lon, lat in rows:
        if geometry:
            lots.append((facility_id, shape(geometry)))
        elif lon is not None and lat is not None:
            lots.append((facility_id, Point(lon, lat)))
    # Building is CPU work (~20 ms per 100k lots): keep it off the event loop.
    return await asyncio.to_thread(LotIndex, lots)


async def facility_index(services: AppServices) -> LotIndex[UUID]:
    cached: _Cached | None = services.extras.get(_KEY)
    now = time.monotonic()
    if cached is not None and now - cached.checked_at < _CHECK_EVERY_SECONDS:
        return cached.index
    fingerprint = await _fingerprint()
    if cached is not None and cached.fingerprint == fingerprint:
        cached.checked_at = now
        return cached.index
    lock: asyncio.Lock = services.extras.setdefault(f"{_KEY}_lock", asyncio.Lock())
    async with lock:
        cached = services.extras.get(_KEY)
        if cached is not None and cached.fingerprint == fingerprint:
            return cached.index
        index = await _build()
        services.extras[_KEY] = _Cached(index, fingerprint, time.monotonic())
        return index
