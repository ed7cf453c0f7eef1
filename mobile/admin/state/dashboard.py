"""The operations dashboard: revenue, collection, live occupancy, support, unpaid invoices and the
activity feed, optionally for one facility, refreshed every `REFRESH_SECONDS` while it is shown.

The figures are the API's own (`GET /dashboard`, `GET /activity`); this state only orders and
trims them for the screen (fullest facilities first, the latest activity).
"""

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime

import flet as ft

from mobile.services.admin_api import HttpAdminApi
from mobile.services.errors import ApiError
from shared.schemas.admin_operations import ActivityFeed, ActivityItem, Dashboard, FacilityOccupancy, Revenue

REFRESH_SECONDS = 30
OCCUPANCY_SHOWN = 12
ACTIVITY_LIMIT = 20


@dataclass(frozen=True)
class FacilityChoice:
    slug: str
    name: str


@ft.observable
@dataclass
class DashboardState:
    api: HttpAdminApi
    dashboard: Dashboard | None = None
    activity: list[ActivityItem] = field(default_factory=list)
    facility: str | None = None
    facilities: list[FacilityChoice] = field(default_factory=list)
    updated_at: datetime | None = None
    loading: bool = False
    error: str | None = None

    def __post_init__(self) -> None:
        self._live: asyncio.Task | None = None
        self._operator: str | None = None

    def show_operator(self, acting: str | None) -> None:
        """A super admin switched operator: nothing of the last one's figures or filter may stay."""
        if acting != self._operator:
            self._operator = acting
            self.dashboard, self.activity, self.facility, self.facilities = None, [], None, []
            self.updated_at, self.error = None, None

    @property
    def revenue(self) -> Revenue | None:
        """In the operator's currency (the API lists it first)."""
        return self.dashboard.revenue[0] if self.dashboard and self.dashboard.revenue else None

    @property
    def other_revenue(self) -> list[Revenue]:
        """Payments in other currencies, reported apart and never added up."""
        return self.dashboard.revenue[1:] if self.dashboard else []

    @property
    def currency(self) -> str:
        return self.revenue.currency if self.revenue else ""

    @property
    def timezone(self) -> str | None:
        return self.dashboard.timezone if self.dashboard else None

    @property
    def trend_percent(self) -> float | None:
        """The last 30 days against the 30 before, in percent; None without a baseline."""
        revenue = self.revenue
        if revenue is None or revenue.previous_30_days_amount <= 0:
            return None
        change = revenue.last_30_days_amount - revenue.previous_30_days_amount
        return 100 * change / revenue.previous_30_days_amount

    @property
    def occupancy(self) -> list[FacilityOccupancy]:
        """Fullest first; facilities without a capacity last, by how many cars they hold."""
        rows = self.dashboard.occupancy if self.dashboard else []
        return sorted(
            rows,
            key=lambda o: (o.percent is None, -(o.percent or 0), -o.occupied, o.name.lower()),
        )

    @property
    def occupancy_shown(self) -> list[FacilityOccupancy]:
        return self.occupancy[:OCCUPANCY_SHOWN]

    @property
    def occupancy_more(self) -> int:
        return max(0, len(self.occupancy) - OCCUPANCY_SHOWN)

    @property
    def occupancy_totals(self) -> tuple[int, int]:
        """Occupied and capacity over the facilities shown in the figures (all or the filtered one)."""
        rows = self.dashboard.occupancy if self.dashboard else []
        return sum(o.occupied for o in rows), sum(o.capacity for o in rows)

    async def load(self) -> None:
        self.loading = True
        query = {"facility": self.facility} if self.facility else {}
        try:
            dashboard = await self.api.get("/dashboard", Dashboard, **query)
            activity = await self.api.get("/activity", ActivityFeed, limit=ACTIVITY_LIMIT, **query)
        except ApiError as exc:
            self.error = exc.message
            return
        finally:
            self.loading = False
        if not self.facility:
            self.facilities = [FacilityChoice(o.facility, o.name) for o in dashboard.occupancy]
        self.dashboard, self.activity = dashboard, activity.items
        self.updated_at, self.error = datetime.now(UTC), None

    async def choose_facility(self, slug: str | None) -> None:
        self.facility = slug or None
        await self.load()

    def start_live(self, every_seconds: float = REFRESH_SECONDS) -> None:
        """Load now and again every `every_seconds` until `stop_live` (the screen is left)."""
        self.stop_live()
        self._live = asyncio.create_task(self._refresh_every(every_seconds))

    def stop_live(self) -> None:
        if self._live is not None:
            self._live.cancel()
            self._live = None

    @property
    def live(self) -> bool:
        return self._live is not None and not self._live.done()

    async def _refresh_every(self, seconds: float) -> None:
        while True:
            try:
                await self.load()
            except Exception:  # a live screen keeps going: show it, the next round retries
                self.error = "The figures could not be refreshed; trying again shortly."
                self.loading = False
            await asyncio.sleep(seconds)
