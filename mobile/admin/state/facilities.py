"""The operator's facilities at a glance (zone, detection, capacity, grace, what an hour costs) and the
operator's branding (name and colour of the portal header)."""

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import flet as ft

from mobile.admin.state.session import AdminSession
from mobile.services.admin_api import HttpAdminApi
from mobile.services.errors import ApiError
from shared.pricing import quote
from shared.schemas.admin import TenantOut
from shared.schemas.admin_facilities import AdminFacility, AdminFacilityPage

_DETAIL_CALLS = 6  # facilities fetched at once: a big operator's list fills in quickly, the API stays calm
_HEX = "0123456789ABCDEF"


@dataclass(frozen=True)
class FacilityRow:
    slug: str
    name: str
    zone_number: str
    detection: str
    capacity: int
    grace_minutes: int
    hour_amount: int  # parking for one hour starting now, before the service fee
    currency: str
    has_outline: bool


def row_of(facility: AdminFacility, now: datetime) -> FacilityRow:
    hour = quote(facility.tariff, now, now + timedelta(hours=1), facility.timezone).parking_amount
    return FacilityRow(
        slug=facility.slug,
        name=facility.name,
        zone_number=facility.zone_number,
        detection=facility.detection.value,
        capacity=facility.capacity,
        grace_minutes=facility.grace_minutes,
        hour_amount=hour,
        currency=facility.currency,
        has_outline=facility.geometry is not None,
    )


def _hex_color(text: str) -> str | None:
    value = text.strip().upper()
    value = value if value.startswith("#") else f"#{value}"
    return value if len(value) == 7 and all(c in _HEX for c in value[1:]) else None


@ft.observable
@dataclass
class FacilitiesState:
    api: HttpAdminApi
    rows: list[FacilityRow] = field(default_factory=list)
    total: int = 0
    tenant: TenantOut | None = None
    loading: bool = False
    loaded: bool = False
    error: str | None = None
    notice: str | None = None

    async def load(self, tenant_slug: str | None = None) -> None:
        self.loading = True
        try:
            page = await self.api.get("/facilities", AdminFacilityPage, limit=200)
            limit = asyncio.Semaphore(_DETAIL_CALLS)

            async def detail(slug: str) -> AdminFacility:
                async with limit:
                    return await self.api.get(f"/facilities/{slug}", AdminFacility)

            facilities = await asyncio.gather(*(detail(item.slug) for item in page.items))
            if tenant_slug:
                self.tenant = await self.api.get(f"/tenants/{tenant_slug}", TenantOut)
        except ApiError as exc:
            self.error = exc.message
            return
        finally:
            self.loading = False
        now = datetime.now(UTC).replace(second=0, microsecond=0)
        self.rows = sorted((row_of(f, now) for f in facilities), key=lambda r: r.name.lower())
        self.total, self.error, self.loaded = page.total, None, True

    async def save_branding(self, session: AdminSession, *, display_name: str, primary_color: str) -> None:
        """The operator's name and colour in the portal header; the header follows at once."""
        tenant = self.tenant
        if tenant is None:
            return
        color = _hex_color(primary_color)
        if color is None:
            self.error, self.notice = "Write the colour as six hex digits, like #0B5FFF.", None
            return
        branding = tenant.branding.model_dump(mode="json", exclude_none=True)
        name = display_name.strip()
        branding["primary_color"] = color
        if name and name != tenant.name:
            branding["display_name"] = name
        else:
            branding.pop("display_name", None)  # follows the operator's name
        try:
            self.tenant = await self.api.send(
                "PATCH", f"/tenants/{tenant.slug}", TenantOut, {"branding": branding}
            )
            session.me = await self.api.me()
        except ApiError as exc:
            self.error, self.notice = exc.message, None
            return
        self.error, self.notice = None, "Branding saved: the portal header shows it now."
