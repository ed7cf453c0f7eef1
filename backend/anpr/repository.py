"""Queries of the camera intake: the calling operator's facility, and a plate's stays around a moment."""

import hashlib
import time
from datetime import datetime
from uuid import UUID

from tortoise.backends.base.client import BaseDBAsyncClient

from backend.kit.errors import NotFoundError
from backend.kit.services import AppServices
from backend.models import Facility, Stay, StayEvent
from backend.stays.sql import fetch_models

FACILITY_CACHE_KEY = "anpr_facilities"
FACILITY_CACHE_SECONDS = 5.0


class FacilityCache:
    """Facilities (with their operator) by (tenant, slug), kept a few seconds.

    Cameras send hundreds of events a second for a handful of facilities; reading the same row for
    each is most of an event's database time. A tariff or fee edited in the admin view applies to
    events from a few seconds later on. Only found facilities are kept (a new one is seen at once).
    """

    def __init__(self, ttl_seconds: float = FACILITY_CACHE_SECONDS) -> None:
        self.ttl_seconds = ttl_seconds
        self._entries: dict[tuple[UUID, str], tuple[float, Facility]] = {}

    async def get(self, tenant_id: UUID, slug: str) -> Facility:
        key = (tenant_id, slug.strip().lower())
        now = time.monotonic()
        cached = self._entries.get(key)
        if cached is not None and now - cached[0] < self.ttl_seconds:
            return cached[1]
        facility = await Facility.filter(slug=key[1], tenant_id=tenant_id).select_related("tenant").first()
        if facility is None:
            self._entries.pop(key, None)
            raise NotFoundError(f"No facility '{slug}' for this webhook token's operator; check facility_id.")
        if len(self._entries) > 10_000:
            self._entries.clear()
        self._entries[key] = (now, facility)
        return facility


async def facility_for(services: AppServices, tenant_id: UUID, slug: str) -> Facility:
    """The operator's facility with its tenant loaded; another operator's is a 404 like a missing one."""
    cache = services.extras.get(FACILITY_CACHE_KEY)
    if cache is None:
        cache = services.extras[FACILITY_CACHE_KEY] = FacilityCache()
    return await cache.get(tenant_id, slug)


async def lock_plate(connection: BaseDBAsyncClient, facility_id: UUID, plate_normalized: str) -> None:
    """Serialise events of one plate at one facility until the transaction ends.

    PostgreSQL: a transaction-scoped advisory lock, so an entry and an exit of the same car delivered
    at once cannot both see "no open stay". SQLite needs nothing: tortoise runs one transaction at a
    time per process (and one process writes at a time).
    """
    if connection.capabilities.dialect != "postgres":
        return
    digest = hashlib.blake2b(f"{facility_id}:{plate_normalized}".encode(), digest_size=8).digest()
    await connection.execute_query(
        "SELECT pg_advisory_xact_lock($1)", [int.from_bytes(digest, "big", signed=True)]
    )


STAYS_AROUND = """
SELECT * FROM stay WHERE facility_id = :facility AND plate_normalized = :plate
AND (status = 'open' OR entered_at >= :at OR exited_at >= :at)
"""
LATEST_ENTERED_BY = """
SELECT * FROM stay WHERE facility_id = :facility AND plate_normalized = :plate AND entered_at <= :at
ORDER BY entered_at DESC LIMIT 1
"""


async def stays_around(facility_id: UUID, plate_normalized: str, at: datetime) -> list[Stay]:
    """What an entry at `at` must be weighed against: the plate's open stays, and every stay of it
    that entered or exited at `at` or later."""
    return await fetch_models(Stay, STAYS_AROUND, facility=facility_id, plate=plate_normalized, at=at)


async def latest_entered_by(facility_id: UUID, plate_normalized: str, at: datetime) -> Stay | None:
    """The plate's stay with the latest entry at or before `at` (the one an exit at `at` can close)."""
    found = await fetch_models(Stay, LATEST_ENTERED_BY, facility=facility_id, plate=plate_normalized, at=at)
    return found[0] if found else None


async def delivered_event(
    facility_id: UUID, plate_normalized: str, event: str, at: datetime
) -> StayEvent | None:
    """The event recorded before with this key (facility, plate, event, timestamp), if any."""
    return await StayEvent.get_or_none(
        facility_id=facility_id, plate_normalized=plate_normalized, event=event, occurred_at=at
    )
