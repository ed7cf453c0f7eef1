"""The operations dashboard: revenue, collection, live occupancy, support, unpaid invoices.

Nine aggregate queries whatever the data size (facilities, revenue of the closed days and of today,
exited stays of the closed days and of today, open stays, live sessions, tickets, invoices), two of
them skipped while the closed days are cached (`closed_days`); the days are the operator's.
"""

import asyncio
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from backend.auth.dependencies import OperatorContext
from backend.facilities.repository import FacilityRepository
from backend.kit.services import AppServices
from backend.models import Tenant
from backend.operations import repository
from backend.operations.closed_days import ClosedDays, closed_days
from backend.operations.periods import BucketDays, Days
from shared.schemas.admin_operations import (
    CollectionRate,
    DailyRevenue,
    Dashboard,
    FacilityOccupancy,
    Revenue,
    SupportPipeline,
    UnpaidInvoices,
)

WINDOW_DAYS = 30
WEEK_DAYS = 7
TICKET_STATUSES = ("open", "pending", "resolved", "closed")


def tenant_of(ctx: OperatorContext) -> Tenant:
    _ = ctx.tenant_id  # a super admin who chose no operator (X-Tenant) gets a 403 here
    assert ctx.tenant is not None
    return ctx.tenant


async def facility_id_of(tenant_id: UUID, slug: str | None) -> UUID | None:
    """The filter's facility (another operator's slug is a 404 like an unknown one)."""
    if slug is None:
        return None
    return (await FacilityRepository(tenant_id).by_slug(slug)).id


async def _revenue(
    tenant: Tenant, now: datetime, facility_id: UUID | None, days: Days, both: Days, cache: ClosedDays
) -> list[Revenue]:
    closed = await cache.get(
        ("revenue", tenant.id, facility_id, days.today),
        lambda: repository.revenue_buckets(tenant.id, both.since, days.today_starts, facility_id),
    )
    rows = [*closed, *await repository.revenue_buckets(tenant.id, days.today_starts, now, facility_id)]
    day_of = BucketDays(both)
    amounts: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    counts: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for currency, bucket, revenue, payments in rows:
        day = day_of.day(int(bucket))
        if day is not None:
            amounts[currency][day] += int(revenue or 0)
            counts[currency][day] += int(payments)
    currencies = [tenant.currency, *sorted(set(amounts) - {tenant.currency})]
    week_start = days.today - timedelta(days=WEEK_DAYS - 1)
    result = []
    for currency in currencies:
        by_day, count_by_day = amounts[currency], counts[currency]
        result.append(
            Revenue(
                currency=currency,
                today_amount=by_day[days.today],
                last_7_days_amount=sum(v for d, v in by_day.items() if d >= week_start),
                last_30_days_amount=sum(v for d, v in by_day.items() if d >= days.first),
                previous_30_days_amount=sum(v for d, v in by_day.items() if d < days.first),
                daily=[
                    DailyRevenue(date=d, revenue_amount=by_day[d], payments_count=count_by_day[d])
                    for d in days.dates
                ],
            )
        )
    return result


async def _collection(
    tenant: Tenant, facility_id: UUID | None, facility_ids: list[UUID], days: Days, cache: ClosedDays
) -> CollectionRate:
    closed = await cache.get(
        ("collection", tenant.id, facility_id, days.today),
        lambda: repository.exited_stays(facility_ids, tenant.currency, days.since, days.today_starts),
    )
    totals = closed + await repository.exited_stays(facility_ids, tenant.currency, days.today_starts, None)
    return CollectionRate(
        currency=tenant.currency,
        stays_count=totals.count,
        owed_amount=totals.owed,
        paid_amount=totals.paid,
        rate=round(totals.paid / totals.owed, 4) if totals.owed else None,
        unpaid_stays_count=totals.unpaid,
    )


async def _occupancy(facilities: list[repository.FacilityRow], now: datetime) -> list[FacilityOccupancy]:
    ids = [f.id for f in facilities]
    inside = await repository.open_stays(ids)
    sessions = await repository.live_sessions(ids, now)
    result = []
    for f in facilities:
        occupied = inside.get(f.id, 0) + sessions.get(f.id, 0)
        result.append(
            FacilityOccupancy(
                facility=f.slug,
                name=f.name,
                capacity=f.capacity,
                vehicles_inside=inside.get(f.id, 0),
                active_sessions=sessions.get(f.id, 0),
                occupied=occupied,
                percent=round(100 * occupied / f.capacity, 1) if f.capacity > 0 else None,
            )
        )
    return result


async def _support(tenant_id: UUID, now: datetime) -> SupportPipeline:
    by_status = await repository.tickets_by_status(tenant_id)
    counts = {status: by_status.get(status, (0, None))[0] for status in TICKET_STATUSES}
    oldest = by_status.get("open", (0, None))[1]
    return SupportPipeline(
        **counts,
        oldest_open_at=oldest,
        oldest_open_age_minutes=int((now - oldest).total_seconds() // 60) if oldest else None,
    )


async def _invoices(tenant: Tenant, now: datetime, facility_id: UUID | None) -> UnpaidInvoices:
    totals = await repository.unpaid_invoices(tenant.id, tenant.currency, now, facility_id)
    return UnpaidInvoices(
        currency=tenant.currency,
        count=totals.count,
        amount=totals.amount,
        overdue_count=totals.overdue_count,
        overdue_amount=totals.overdue_amount,
    )


async def dashboard(services: AppServices, ctx: OperatorContext, facility: str | None) -> Dashboard:
    """The figures of the operator acted for; `facility` (a slug) narrows all but support to it."""
    tenant = tenant_of(ctx)
    facility_id = await facility_id_of(tenant.id, facility)
    return await dashboard_for(tenant, facility_id, closed_days(services), facility_slug=facility)


async def dashboard_for(
    tenant: Tenant,
    facility_id: UUID | None,
    cache: ClosedDays,
    *,
    now: datetime | None = None,
    facility_slug: str | None = None,
) -> Dashboard:
    """The dashboard of `tenant` (no access checks: the caller made them; the benchmark calls this)."""
    now = now or datetime.now(UTC)
    days = Days.ending_today(tenant.timezone, now, WINDOW_DAYS)
    both = Days.ending_today(tenant.timezone, now, 2 * WINDOW_DAYS)  # and the 30 days before
    facilities = await repository.facilities(tenant.id, facility_id)
    facility_ids = [f.id for f in facilities]
    # Independent reads: on PostgreSQL they run side by side on the pool's connections (the two
    # over the closed days are most of a cold dashboard); SQLite's one connection takes them in turn.
    revenue, collection, occupancy, support, invoices = await asyncio.gather(
        _revenue(tenant, now, facility_id, days, both, cache),
        _collection(tenant, facility_id, facility_ids, days, cache),
        _occupancy(facilities, now),
        _support(tenant.id, now),
        _invoices(tenant, now, facility_id),
    )
    return Dashboard(
        generated_at=now,
        timezone=tenant.timezone,
        today=days.today,
        facility=facility_slug.strip().lower() if facility_slug else None,
        revenue=revenue,
        collection=collection,
        occupancy=occupancy,
        support=support,
        invoices=invoices,
    )
