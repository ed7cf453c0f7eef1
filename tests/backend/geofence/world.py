"""Geofence lots from the demo onboarding file, points in and around them, and a driver's phone.

The facilities are the demo's own (`assets/demo/onboarding.json`), stored with the loader's own
column mapping; positions around them are made with pyproj's geodesic, independent of `shared.geo`.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

import httpx
from pyproj import Geod
from shapely.geometry import shape

from backend.facilities.values import facility_values
from backend.models import Facility, Tenant
from shared.schemas.onboarding import OnboardingFile, TenantEntry
from tests.backend.anpr.world import iso

ONBOARDING = Path(__file__).resolve().parents[3] / "assets" / "demo" / "onboarding.json"
EVENTS = "/api/v1/geofence/events"
PLATE = "ABC-123"
_WGS84 = Geod(ellps="WGS84")


@cache
def _demo() -> OnboardingFile:
    return OnboardingFile.model_validate(json.loads(ONBOARDING.read_text(encoding="utf-8")))


def demo_tenant(slug: str) -> TenantEntry:
    return next(t for t in _demo().tenants if t.slug == slug)


async def load_demo_tenant(slug: str) -> dict[str, Facility]:
    """The demo tenant and its facilities (provider connections left out), by facility slug."""
    entry = demo_tenant(slug)
    tenant = await Tenant.create(
        slug=entry.slug,
        name=entry.name,
        currency=entry.currency,
        timezone=entry.timezone,
        service_fee_percent=Decimal(entry.service_fee.percent),
        service_fee_fixed_amount=entry.service_fee.fixed_amount,
    )
    facilities = {}
    for facility in entry.facilities:
        values = facility_values(facility, tenant.timezone, None)
        facilities[facility.slug] = await Facility.create(tenant=tenant, slug=facility.slug, **values)
    return facilities


@dataclass(frozen=True)
class Lot:
    """A facility's outline, for making positions in and around it."""

    slug: str
    geometry: dict

    def inside(self) -> tuple[float, float]:
        """(lat, lon) of a point inside the outline."""
        point = shape(self.geometry).representative_point()
        return point.y, point.x

    def beyond_north_edge(self, metres: float) -> tuple[float, float]:
        """(lat, lon) `metres` due north of the middle of a lon/lat-aligned lot's north edge."""
        west, _, east, north = shape(self.geometry).bounds
        lon, lat, _ = _WGS84.fwd((west + east) / 2, north, 0, metres)
        return lat, lon

    def beyond_east_edge(self, metres: float) -> tuple[float, float]:
        """(lat, lon) `metres` due east of the middle of a lon/lat-aligned lot's east edge."""
        _, south, east, north = shape(self.geometry).bounds
        lon, lat, _ = _WGS84.fwd(east, (south + north) / 2, 90, metres)
        return lat, lon


def lot(tenant_slug: str, facility_slug: str) -> Lot:
    facility = next(f for f in demo_tenant(tenant_slug).facilities if f.slug == facility_slug)
    assert facility.geometry is not None
    return Lot(facility_slug, facility.geometry.model_dump(mode="json"))


def ago(minutes: float) -> datetime:
    return datetime.now(UTC) - timedelta(minutes=minutes)


def event_body(
    lot: Lot,
    event: str,
    occurred_at: datetime | str,
    *,
    position: tuple[float, float] | None = None,
    accuracy_m: float = 8.0,
    plate: str = PLATE,
) -> dict:
    lat, lon = position or lot.inside()
    return {
        "facility": lot.slug,
        "event": event,
        "license_plate": plate,
        "lat": lat,
        "lon": lon,
        "accuracy_m": accuracy_m,
        "occurred_at": occurred_at if isinstance(occurred_at, str) else iso(occurred_at),
    }


async def report(
    client: httpx.AsyncClient, headers: dict, lot: Lot, event: str, occurred_at: datetime | str, **fields
) -> httpx.Response:
    return await client.post(EVENTS, json=event_body(lot, event, occurred_at, **fields), headers=headers)


def refused(response: httpx.Response, status: int, code: str) -> str:
    """Assert the contract's error body; returns its sentence."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code, body
    assert len(body["detail"]) > 20, body  # a sentence, not a bare code
    return body["detail"]
