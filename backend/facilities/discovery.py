"""Zone lookup and "near me" for drivers: candidates from every operator, nearest first."""

import asyncio
import logging
from collections.abc import Iterable
from uuid import UUID

from shapely.geometry import Point, shape

from backend.facilities.index import facility_index, invalidate_facility_index
from backend.kit.errors import NotFoundError
from backend.kit.services import AppServices
from backend.models import Facility
from backend.providers.data.client import EXTRAS_KEY as PARKING_DATA_KEY
from backend.providers.data.client import DataLot, ParkingDataClient
from backend.providers.data.merge import DUPLICATE_WITHIN_M, MATCH_MARGIN_M, merge_nearby
from shared.geo import LotIndex, distance_to_geometry_m
from shared.money import plain_decimal
from shared.schemas.facilities import (
    FacilityDetail,
    FacilitySummary,
    PassProductOut,
    Position,
    ServiceFeeOut,
)
from shared.schemas.geometry import GeoJSONGeometry
from shared.schemas.tariff import Tariff
from shared.tariff_text import describe_tariff

MAX_RESULTS = 100

log = logging.getLogger("parkflow.facilities")


def _summary_fields(facility: Facility, distance_m: float | None) -> dict:
    tenant = facility.tenant
    center = None
    if facility.center_lat is not None and facility.center_lon is not None:
        center = Position(lat=facility.center_lat, lon=facility.center_lon)
    return {
        "slug": facility.slug,
        "name": facility.name,
        "zone_number": facility.zone_number,
        "operator": tenant.name,
        "operator_slug": tenant.slug,
        "currency": tenant.currency,
        "detection": facility.detection,
        "capacity": facility.capacity,
        "center": center,
        "distance_m": None if distance_m is None else round(distance_m, 1),
        "tariff_text": describe_tariff(Tariff.model_validate(facility.tariff), tenant.currency),
        "address": facility.address,
    }


def to_summary(facility: Facility, distance_m: float | None = None) -> FacilitySummary:
    return FacilitySummary(**_summary_fields(facility, distance_m))


def _distance_to(facility: Facility, lat: float, lon: float) -> float | None:
    if facility.geometry:
        return distance_to_geometry_m(lon, lat, shape(facility.geometry))
    if facility.center_lon is not None and facility.center_lat is not None:
        return distance_to_geometry_m(lon, lat, Point(facility.center_lon, facility.center_lat))
    return None


async def by_zone_number(zone_number: str, lat: float | None, lon: float | None) -> list[FacilitySummary]:
    """Every operator's facility with this zone number; nearest first when a position is given."""
    facilities = (
        await Facility.filter(zone_number=zone_number.strip()).select_related("tenant").limit(MAX_RESULTS)
    )
    if lat is None or lon is None:
        return [to_summary(f) for f in sorted(facilities, key=lambda f: (f.name_lower, f.slug))]
    placed = [(f, _distance_to(f, lat, lon)) for f in facilities]
    placed.sort(key=lambda pair: (pair[1] is None, pair[1] or 0.0, pair[0].slug))
    return [to_summary(f, d) for f, d in placed]


async def nearby(
    services: AppServices, lat: float, lon: float, radius_m: float, limit: int
) -> list[FacilitySummary]:
    """Our facilities near the point, and — when a parking data API is configured — other lots
    from it (`source: "parking_data"`), merged nearest first. The data API never breaks this."""
    data: ParkingDataClient | None = services.extras.get(PARKING_DATA_KEY)
    if data is None:
        _, ours = await _ours_nearby(services, lat, lon, radius_m, limit)
        return [summary for _, summary in ours]
    (index, ours), lots = await asyncio.gather(
        _ours_nearby(services, lat, lon, radius_m, limit), _lots_near(data, lat, lon, radius_m)
    )
    if not lots:
        return [summary for _, summary in ours]

    def our_facility_at(lot: DataLot) -> UUID | None:
        hits = index.nearby(lot.lon, lot.lat, DUPLICATE_WITHIN_M, limit=1)
        return hits[0][0] if hits else None

    return merge_nearby(ours, lots, our_facility_at=our_facility_at, radius_m=radius_m, limit=limit)


async def _ours_nearby(
    services: AppServices, lat: float, lon: float, radius_m: float, limit: int
) -> tuple[LotIndex[UUID], list[tuple[UUID, FacilitySummary]]]:
    for attempt in range(2):
        index = await facility_index(services)
        hits = index.nearby(lon, lat, radius_m, limit=limit)
        by_id = await _load(f_id for f_id, _ in hits)
        if len(by_id) == len(hits) or attempt:
            break
        # A lot was deleted since the index was built (the index re-checks every few seconds):
        # rebuild now rather than answer with a hole.
        invalidate_facility_index(services)
    return index, [(f_id, to_summary(by_id[f_id], d)) for f_id, d in hits if f_id in by_id]


async def _lots_near(data: ParkingDataClient, lat: float, lon: float, radius_m: float) -> list:
    try:
        return await data.lots_near(lat, lon, radius_m, margin_m=MATCH_MARGIN_M)
    except Exception:  # decoration only: never let it break "near me"
        log.exception("parking data lookup failed; /nearby shows Parkflow's facilities only")
        return []


async def _load(ids: Iterable[UUID]) -> dict[UUID, Facility]:
    wanted = list(ids)
    if not wanted:
        return {}
    rows = await Facility.filter(id__in=wanted).select_related("tenant")
    return {f.id: f for f in rows}


async def detail(slug: str) -> FacilityDetail:
    facility = (
        await Facility.filter(slug=slug.strip().lower())
        .select_related("tenant")
        .prefetch_related("pass_products")
        .first()
    )
    if facility is None:
        raise NotFoundError(f"No facility '{slug}'. Check the sign or search by zone number.")
    tenant = facility.tenant
    return FacilityDetail(
        **_summary_fields(facility, None),
        timezone=facility.timezone,
        tariff=Tariff.model_validate(facility.tariff),
        service_fee=ServiceFeeOut(
            percent=plain_decimal(tenant.service_fee_percent), fixed_amount=tenant.service_fee_fixed_amount
        ),
        grace_minutes=facility.grace_minutes,
        early_stop=facility.early_stop,
        geometry=GeoJSONGeometry.model_validate(facility.geometry) if facility.geometry else None,
        pass_products=[
            PassProductOut(slug=p.slug, name=p.name, amount=p.amount, days=p.days)
            for p in sorted(facility.pass_products, key=lambda p: (p.days, p.slug))
            if p.is_active
        ],
        notices=list(facility.notices or []),
        rules=facility.rules or "",
    )
