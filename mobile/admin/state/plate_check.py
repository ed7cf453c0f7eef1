"""The officer's plate check: the enforcement API's decision for a plate at one facility, now.

`GET /enforcement/check/{plate}` answers exactly as the handhelds' API does (and logs the check).
The checks made in this browser session are kept, newest first, so an officer can look back.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote

import flet as ft

from mobile.services.admin_api import HttpAdminApi
from mobile.services.errors import ApiError
from shared.schemas.admin_facilities import AdminFacilityPage, AdminFacilitySummary
from shared.schemas.enforcement import EnforcementCheckResult, EnforcementStatus

RECENT_KEPT = 10

VERDICTS: dict[EnforcementStatus, str] = {
    EnforcementStatus.paid: "Paid",
    EnforcementStatus.pass_active: "Valid pass",
    EnforcementStatus.parked_unpaid: "Parked without paying",
    EnforcementStatus.not_found: "No parking found",
}


@dataclass(frozen=True)
class Check:
    """One check as the officer saw it."""

    result: EnforcementCheckResult
    facility: AdminFacilitySummary
    checked_at: datetime

    @property
    def verdict(self) -> str:
        return VERDICTS[self.result.status]

    @property
    def fine_text(self) -> str:
        return "Fine: yes" if self.result.shouldFine else "Fine: no"


@ft.observable
@dataclass
class PlateCheckState:
    api: HttpAdminApi
    facilities: list[AdminFacilitySummary] = field(default_factory=list)
    facility: str | None = None
    last: Check | None = None
    recent: list[Check] = field(default_factory=list)
    busy: bool = False
    loaded: bool = False
    error: str | None = None

    def __post_init__(self) -> None:
        self._operator: str | None = None

    def show_operator(self, acting: str | None) -> None:
        """A super admin switched operator: the last one's facilities and checks go."""
        if acting != self._operator:
            self._operator = acting
            self.facilities, self.facility, self.last, self.recent = [], None, None, []
            self.loaded, self.error = False, None

    @property
    def chosen(self) -> AdminFacilitySummary | None:
        return next((f for f in self.facilities if f.slug == self.facility), None)

    async def load(self) -> None:
        try:
            page = await self.api.get("/facilities", AdminFacilityPage, limit=200)
        except ApiError as exc:
            self.error = exc.message
            return
        self.facilities = sorted(page.items, key=lambda f: f.name.lower())
        if self.chosen is None:
            self.facility = self.facilities[0].slug if len(self.facilities) == 1 else None
        self.loaded, self.error = True, None

    def choose_facility(self, slug: str | None) -> None:
        self.facility = slug or None
        self.error = None

    async def check(self, plate: str) -> bool:
        """Check `plate` at the chosen facility; False (and `error` set) when there is no verdict."""
        plate = plate.strip()
        facility = self.chosen
        if not plate:
            self.error = "Type the plate as you read it from the car."
            return False
        if facility is None:
            self.error = "Choose the facility where the car is parked."
            return False
        self.busy, self.error = True, None
        try:
            result = await self.api.get(
                f"/enforcement/check/{quote(plate, safe='')}", EnforcementCheckResult, facility=facility.slug
            )
        except ApiError as exc:
            self.error = exc.message
            return False
        finally:
            self.busy = False
        self.last = Check(result, facility, datetime.now(UTC))
        self.recent = [self.last, *self.recent][:RECENT_KEPT]
        return True

    def clear(self) -> None:
        self.last, self.error = None, None
