"""Passes sold and their revenue by facility and product over a chosen period (`GET /passes/report`)."""

from dataclasses import dataclass

import flet as ft

from mobile.services.admin_api import HttpAdminApi
from mobile.services.errors import ApiError
from shared.schemas.admin_operations import FacilityPassSales, PassesReport, ProductPassSales

PERIODS: dict[int, str] = {7: "Last 7 days", 30: "Last 30 days", 90: "Last 90 days", 365: "Last 365 days"}


@ft.observable
@dataclass
class PassesState:
    api: HttpAdminApi
    days: int = 30
    report: PassesReport | None = None
    loading: bool = False
    error: str | None = None

    def __post_init__(self) -> None:
        self._operator: str | None = None

    def show_operator(self, acting: str | None) -> None:
        """A super admin switched operator: the last one's report goes before the new one loads."""
        if acting != self._operator:
            self._operator, self.report, self.error = acting, None, None

    @property
    def by_facility(self) -> list[FacilityPassSales]:
        """Best sellers first (by revenue, then passes sold), then by name."""
        rows = self.report.by_facility if self.report else []
        return sorted(rows, key=lambda r: (-r.revenue_amount, -r.sold_count, r.name.lower()))

    def products_of(self, facility: str) -> list[ProductPassSales]:
        rows = self.report.by_product if self.report else []
        return [r for r in rows if r.facility == facility]

    async def load(self) -> None:
        self.loading = True
        try:
            self.report = await self.api.get("/passes/report", PassesReport, days=self.days)
            self.error = None
        except ApiError as exc:
            self.error = exc.message
        finally:
            self.loading = False

    async def choose_days(self, days: int) -> None:
        if days not in PERIODS:
            self.error = "Choose one of the periods offered."
            return
        self.days = days
        await self.load()
