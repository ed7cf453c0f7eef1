"""Queries of the operations view: one aggregate per figure, always within one tenant.

Per-facility figures filter by the tenant's facility ids (`facility_id IN (...)`), so they are
answered by the (facility_id, ...) indexes; time windows are UTC instants.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from tortoise import connections
from tortoise.expressions import Q
from tortoise.functions import Count, Min, Sum

from backend.enforcement.sql import fetch_dicts, fetch_rows, timestamp
from backend.models import (
    Facility,
    Invoice,
    ParkingPass,
    ParkingSession,
    PassProduct,
    Stay,
    StayEvent,
    Ticket,
)
from backend.operations import sql

LIVE_SESSION = "active"
SESSION_STARTED = ("active", "stopped", "expired")  # paid and started (not pending, not failed)


@dataclass(frozen=True)
class FacilityRow:
    id: UUID
    slug: str
    name: str
    capacity: int


@dataclass(frozen=True)
class StayTotals:
    count: int
    owed: int
    paid: int
    unpaid: int

    def __add__(self, other: "StayTotals") -> "StayTotals":
        return StayTotals(
            self.count + other.count,
            self.owed + other.owed,
            self.paid + other.paid,
            self.unpaid + other.unpaid,
        )


@dataclass(frozen=True)
class InvoiceTotals:
    count: int
    amount: int
    overdue_count: int
    overdue_amount: int


def _dialect() -> str:
    return connections.get("default").capabilities.dialect


async def facilities(tenant_id: UUID, facility_id: UUID | None = None) -> list[FacilityRow]:
    """The tenant's facilities (or the one asked for), by name."""
    query = Facility.filter(tenant_id=tenant_id)
    if facility_id is not None:
        query = query.filter(id=facility_id)
    rows = await query.order_by("name_lower", "slug").values_list("id", "slug", "name", "capacity")
    return [FacilityRow(UUID(str(i)), slug, name, capacity) for i, slug, name, capacity in rows]


async def revenue_buckets(
    tenant_id: UUID, since: datetime, until: datetime, facility_id: UUID | None
) -> list[Sequence[Any]]:
    """(currency, UTC quarter-hour bucket, revenue, payments) rows of payments made in [since, until)."""
    params: dict[str, Any] = {"tenant": str(tenant_id), "since": since, "until": until}
    if facility_id is not None:
        params["facility"] = str(facility_id)
    return list(
        await fetch_rows(sql.revenue_buckets(_dialect(), by_facility=facility_id is not None), params)
    )


async def exited_stays(
    facility_ids: list[UUID], currency: str, since: datetime, until: datetime | None
) -> StayTotals:
    """Stays that exited in [since, until) (`until` None: since then): how many, owed, paid, and how
    many are `unpaid`."""
    if not facility_ids:
        return StayTotals(0, 0, 0, 0)
    query = Stay.filter(facility_id__in=facility_ids, exited_at__gte=since, currency=currency)
    if until is not None:
        query = query.filter(exited_at__lt=until)
    rows = (
        # COUNT(status), not COUNT(id): the covering index (facility, exited_at, status, ...) answers alone.
        await query.annotate(n=Count("status"), owed=Sum("total_amount"), paid=Sum("paid_amount"))
        .group_by("status")
        .values("status", "n", "owed", "paid")
    )
    return StayTotals(
        count=sum(r["n"] for r in rows),
        owed=sum(r["owed"] or 0 for r in rows),
        paid=sum(r["paid"] or 0 for r in rows),
        unpaid=sum(r["n"] for r in rows if r["status"] == "unpaid"),
    )


async def open_stays(facility_ids: list[UUID]) -> dict[UUID, int]:
    """Vehicles inside now per facility: stays entered and not exited (status `open`)."""
    if not facility_ids:
        return {}
    rows = (
        await Stay.filter(facility_id__in=facility_ids, exited_at__isnull=True, status="open")
        .annotate(n=Count("id"))
        .group_by("facility_id")
        .values("facility_id", "n")
    )
    return {UUID(str(r["facility_id"])): r["n"] for r in rows}


async def live_sessions(facility_ids: list[UUID], now: datetime) -> dict[UUID, int]:
    """Prepaid sessions running now per facility (starts_at <= now < ends_at)."""
    if not facility_ids:
        return {}
    rows = (
        await ParkingSession.filter(
            facility_id__in=facility_ids, status=LIVE_SESSION, starts_at__lte=now, ends_at__gt=now
        )
        .annotate(n=Count("id"))
        .group_by("facility_id")
        .values("facility_id", "n")
    )
    return {UUID(str(r["facility_id"])): r["n"] for r in rows}


async def tickets_by_status(tenant_id: UUID) -> dict[str, tuple[int, datetime | None]]:
    """Per status: how many tickets, and when the oldest of them was opened."""
    rows = (
        await Ticket.filter(tenant_id=tenant_id)
        .annotate(n=Count("id"), oldest=Min("created_at"))
        .group_by("status")
        .values("status", "n", "oldest")
    )
    return {r["status"]: (r["n"], timestamp(r["oldest"])) for r in rows}


async def unpaid_invoices(
    tenant_id: UUID, currency: str, now: datetime, facility_id: UUID | None
) -> InvoiceTotals:
    query = Invoice.filter(tenant_id=tenant_id, status="issued", currency=currency)
    if facility_id is not None:
        query = query.filter(stay__facility_id=facility_id)
    overdue = Q(due_at__lt=now)
    rows = (
        await query.annotate(
            n=Count("id"),
            amount=Sum("amount"),
            overdue_n=Count("id", _filter=overdue),
            overdue_amount=Sum("amount", _filter=overdue),
        )
        .group_by("tenant_id")
        .values("n", "amount", "overdue_n", "overdue_amount")
    )
    if not rows:
        return InvoiceTotals(0, 0, 0, 0)
    row = rows[0]
    return InvoiceTotals(row["n"], row["amount"] or 0, row["overdue_n"] or 0, row["overdue_amount"] or 0)


async def latest_stay_events(tenant_id: UUID, facility_id: UUID | None, limit: int) -> list[dict[str, Any]]:
    query = StayEvent.filter(tenant_id=tenant_id)
    if facility_id is not None:
        query = query.filter(facility_id=facility_id)
    return await (
        query.order_by("-occurred_at")
        .limit(limit)
        .values("id", "event", "plate", "occurred_at", "image_url", "outcome", "stay_id", "facility_id")
    )


async def latest_payments(tenant_id: UUID, facility_id: UUID | None, limit: int) -> list[dict[str, Any]]:
    params: dict[str, Any] = {"tenant": str(tenant_id), "limit": limit}
    if facility_id is not None:
        params["facility"] = str(facility_id)
    rows = await fetch_dicts(sql.latest_payments(by_facility=facility_id is not None), params)
    for row in rows:
        row["created_at"] = timestamp(row["created_at"])
    return rows


async def latest_sessions(
    tenant_id: UUID, facility_id: UUID | None, now: datetime, limit: int
) -> list[dict[str, Any]]:
    """Prepaid sessions that started (were paid for), latest start first."""
    query = ParkingSession.filter(tenant_id=tenant_id, status__in=SESSION_STARTED, starts_at__lte=now)
    if facility_id is not None:
        query = query.filter(facility_id=facility_id)
    return await (
        query.order_by("-starts_at")
        .limit(limit)
        .values("id", "plate", "starts_at", "total_amount", "currency", "facility_id")
    )


async def pass_sales(tenant_id: UUID, currency: str, since: datetime, now: datetime) -> list[dict[str, Any]]:
    """Per (facility, product): passes sold since `since` and what was paid for them."""
    params = {"tenant": str(tenant_id), "currency": currency, "since": since, "now": now}
    return await fetch_dicts(sql.PASS_SALES, params)


async def valid_passes(tenant_id: UUID, now: datetime) -> dict[UUID, int]:
    """Passes valid at `now` per facility (valid_from <= now <= valid_until, as enforcement counts)."""
    rows = (
        await ParkingPass.filter(
            tenant_id=tenant_id, status="active", valid_from__lte=now, valid_until__gte=now
        )
        .annotate(n=Count("id"))
        .group_by("facility_id")
        .values("facility_id", "n")
    )
    return {UUID(str(r["facility_id"])): r["n"] for r in rows}


async def pass_products(tenant_id: UUID) -> list[tuple[UUID, UUID, str, str]]:
    """(product id, facility id, slug, name) of the tenant's pass products."""
    rows = await PassProduct.filter(facility__tenant_id=tenant_id).values_list(
        "id", "facility_id", "slug", "name"
    )
    return [(UUID(str(i)), UUID(str(f)), slug, name) for i, f, slug, name in rows]
