"""The operator's facilities at a glance (zone, detection, capacity, grace, what an hour costs) and the
operator's branding (name and colour of the portal header)."""

from dataclasses import dataclass, field

import flet as ft

from mobile.admin.state.session import AdminSession
from mobile.services.admin_api import HttpAdminApi
from mobile.services.errors import ApiError
from shared.schemas.admin import TenantOut
from shared.schemas.admin_facilities import AdminFacilityPage, AdminFacilitySummary

PAGE_SIZE = 200  # the most the API gives in one page
MAX_PAGES = 50  # 10,000 facilities: a bound, so a list that keeps shifting cannot page forever
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


def row_of(facility: AdminFacilitySummary) -> FacilityRow:
    """A row as the list shows it; the API prices the hour (from this minute, in the facility's zone)."""
    return FacilityRow(
        slug=facility.slug,
        name=facility.name,
        zone_number=facility.zone_number,
        detection=facility.detection.value,
        capacity=facility.capacity,
        grace_minutes=facility.grace_minutes,
        hour_amount=facility.hour_amount,
        currency=facility.currency,
        has_outline=facility.has_outline,
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

    async def _all_facilities(self) -> tuple[list[AdminFacilitySummary], int]:
        """Every facility of the operator, a page of `PAGE_SIZE` at a time (at most `MAX_PAGES`)."""
        by_slug: dict[str, AdminFacilitySummary] = {}
        total = 0
        for number in range(MAX_PAGES):
            page = await self.api.get(
                "/facilities", AdminFacilityPage, limit=PAGE_SIZE, offset=number * PAGE_SIZE
            )
            # By slug: a facility added meanwhile shifts the pages, and one may come twice.
            by_slug.update((item.slug, item) for item in page.items)
            total = page.total
            if len(page.items) < PAGE_SIZE or (number + 1) * PAGE_SIZE >= total:
                break
        return list(by_slug.values()), total

    async def load(self, tenant_slug: str | None = None) -> None:
        self.loading = True
        try:
            facilities, total = await self._all_facilities()
            if tenant_slug:
                self.tenant = await self.api.get(f"/tenants/{tenant_slug}", TenantOut)
        except ApiError as exc:
            self.error = exc.message
            return
        finally:
            self.loading = False
        self.rows = sorted((row_of(f) for f in facilities), key=lambda r: r.name.lower())
        self.total, self.error, self.loaded = total, None, True

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
