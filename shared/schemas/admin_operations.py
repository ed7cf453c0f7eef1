"""The operator's operations view: the dashboard figures, the activity feed and the passes report.

Days are the operator's calendar days (its timezone); money is integer minor units beside `currency`.
The plate check screen answers with the enforcement API's `EnforcementCheckResult`.
"""

import datetime as dt
from enum import StrEnum

from pydantic import Field

from shared.schemas.common import ContractModel

_AT = "2026-03-30T14:23:00Z"


class DailyRevenue(ContractModel):
    date: dt.date = Field(description="A calendar day in the operator's timezone", examples=["2026-03-30"])
    revenue_amount: int = Field(description="Captured minus refunded, minor units", examples=[48250])
    payments_count: int = Field(description="Payments captured that day (refunded ones too)", examples=[112])


class Revenue(ContractModel):
    """Captured payments minus what was refunded of them, by the day they were made."""

    currency: str = Field(examples=["EUR"])
    today_amount: int = Field(examples=[48250])
    last_7_days_amount: int = Field(description="Today and the 6 days before", examples=[301400])
    last_30_days_amount: int = Field(description="Today and the 29 days before", examples=[1288000])
    previous_30_days_amount: int = Field(
        description="The 30 days before those: the trend's baseline", examples=[1190500]
    )
    daily: list[DailyRevenue] = Field(
        description="The last 30 days, oldest first, days without payments as 0"
    )


class CollectionRate(ContractModel):
    """Of the stays that ended (exited) in the last 30 days: what was owed and what was paid."""

    currency: str = Field(examples=["EUR"])
    stays_count: int = Field(examples=[5120])
    owed_amount: int = Field(description="Sum of the stays' total amounts", examples=[812000])
    paid_amount: int = Field(examples=[779500])
    rate: float | None = Field(description="paid / owed, 0..1; null when nothing was owed", examples=[0.96])
    unpaid_stays_count: int = Field(description="Of those stays, how many are `unpaid`", examples=[41])


class FacilityOccupancy(ContractModel):
    facility: str = Field(description="The facility's slug", examples=["kamppi-p1"])
    name: str = Field(examples=["Kamppi P1"])
    capacity: int = Field(examples=[120])
    vehicles_inside: int = Field(description="Open stays (entered, not yet exited)", examples=[84])
    active_sessions: int = Field(description="Prepaid sessions running now", examples=[12])
    occupied: int = Field(description="vehicles_inside + active_sessions", examples=[96])
    percent: float | None = Field(
        description="occupied / capacity in percent (may pass 100); null when capacity is 0", examples=[80.0]
    )


class SupportPipeline(ContractModel):
    """Tickets by status, across the operator (tickets belong to no facility)."""

    open: int = Field(examples=[4])
    pending: int = Field(examples=[2])
    resolved: int = Field(examples=[31])
    closed: int = Field(examples=[120])
    oldest_open_at: dt.datetime | None = Field(
        description="When the oldest open ticket was opened", examples=[_AT]
    )
    oldest_open_age_minutes: int | None = Field(
        description="Its age when the figures were made", examples=[95]
    )


class UnpaidInvoices(ContractModel):
    """Invoices issued and neither paid nor void."""

    currency: str = Field(examples=["EUR"])
    count: int = Field(examples=[7])
    amount: int = Field(examples=[16800])
    overdue_count: int = Field(description="Of those, past their due date", examples=[2])
    overdue_amount: int = Field(examples=[4800])


class Dashboard(ContractModel):
    generated_at: dt.datetime = Field(examples=[_AT])
    timezone: str = Field(
        description="The operator's timezone, which the days are in", examples=["Europe/Helsinki"]
    )
    today: dt.date = Field(examples=["2026-03-30"])
    facility: str | None = Field(description="The facility filter, when one was given", examples=[None])
    revenue: list[Revenue] = Field(
        description="One entry per currency, the operator's currency first (always present)"
    )
    collection: CollectionRate
    occupancy: list[FacilityOccupancy] = Field(description="Every facility (or the filtered one), by name")
    support: SupportPipeline
    invoices: UnpaidInvoices


class ActivityKind(StrEnum):
    stay_entry = "stay_entry"
    stay_exit = "stay_exit"
    payment_captured = "payment_captured"
    payment_failed = "payment_failed"
    session_started = "session_started"


class Severity(StrEnum):
    info = "info"
    success = "success"
    warning = "warning"
    error = "error"


class ActivityItem(ContractModel):
    kind: ActivityKind = Field(examples=["stay_entry"])
    at: dt.datetime = Field(examples=[_AT])
    title: str = Field(examples=["ABC-123 entered Kamppi P1"])
    facility: str | None = Field(description="The facility's slug", examples=["kamppi-p1"])
    facility_name: str | None = Field(examples=["Kamppi P1"])
    plate: str | None = Field(examples=["ABC-123"])
    amount: int | None = Field(description="Payments: the amount charged (minor units)", examples=[None])
    currency: str | None = Field(examples=[None])
    severity: Severity = Field(examples=["info"])
    ref_type: str | None = Field(
        description="What to open for details: `stay`, `session`, `pass` or `payment`", examples=["stay"]
    )
    ref_id: str | None = Field(examples=["6f1c1a52-4b7e-4d8e-9a51-0c2f7d3e9b10"])
    image_url: str | None = Field(default=None, description="Stay events: the camera's picture")
    outcome: str | None = Field(
        default=None, description="Stay events: what the event did (`opened`, `closed`, `late_entry`, ...)"
    )


class ActivityFeed(ContractModel):
    generated_at: dt.datetime = Field(examples=[_AT])
    items: list[ActivityItem] = Field(description="Newest first")


class ProductPassSales(ContractModel):
    facility: str = Field(examples=["kamppi-p1"])
    product: str = Field(description="The pass product's slug", examples=["monthly"])
    product_name: str = Field(examples=["Monthly pass"])
    sold_count: int = Field(examples=[14])
    revenue_amount: int = Field(description="Paid for those passes, minus refunds", examples=[142000])


class FacilityPassSales(ContractModel):
    facility: str = Field(examples=["kamppi-p1"])
    name: str = Field(examples=["Kamppi P1"])
    sold_count: int = Field(examples=[14])
    revenue_amount: int = Field(examples=[142000])
    active_now: int = Field(description="Passes valid right now (whenever they were sold)", examples=[63])


class PassesReport(ContractModel):
    generated_at: dt.datetime = Field(examples=[_AT])
    days: int = Field(examples=[30])
    since: dt.datetime = Field(
        description="Start of the window: local midnight `days - 1` days ago", examples=[_AT]
    )
    currency: str = Field(examples=["EUR"])
    sold_count: int = Field(examples=[40])
    revenue_amount: int = Field(examples=[396000])
    active_now: int = Field(examples=[180])
    by_facility: list[FacilityPassSales] = Field(description="Every facility, by name")
    by_product: list[ProductPassSales] = Field(description="Every pass product, by facility and product")
