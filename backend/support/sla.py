"""Support SLA figures: how fast tickets are first answered and resolved.

Percentiles interpolate linearly between the nearest ranks (as numpy's default and
`statistics.quantiles(..., method="inclusive")` do): the median of 30, 60, 90 and 300 minutes is
75, their 90th percentile 237. The first-response target counts a ticket as met when it was
answered within the target, as missed when it was answered later or is still unanswered past the
target; a ticket still inside its target is neither.
"""

import statistics
from datetime import UTC, datetime, timedelta

from tortoise.functions import Count

from backend.auth.dependencies import OperatorContext
from backend.models import Ticket
from shared.schemas.support import DurationFigures, SlaFigures, TargetFigures, TicketStatus


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _figures(minutes: list[float]) -> DurationFigures:
    median = statistics.median(minutes) if minutes else None
    p90 = percentile(minutes, 0.9)
    return DurationFigures(
        count=len(minutes),
        median_minutes=None if median is None else round(median, 1),
        p90_minutes=None if p90 is None else round(p90, 1),
    )


def _minutes(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 60


async def sla_figures(ctx: OperatorContext, days: int, target_minutes: int) -> SlaFigures:
    until = datetime.now(UTC)
    since = until - timedelta(days=days)
    window = Ticket.filter(tenant_id=ctx.tenant_id, created_at__gte=since, created_at__lte=until)
    counts = {status: 0 for status in TicketStatus}
    for row in await window.annotate(n=Count("id")).group_by("status").values("status", "n"):
        counts[TicketStatus(row["status"])] = row["n"]
    moments = await window.values_list("created_at", "first_response_at", "resolved_at")
    first = [_minutes(c, f) for c, f, _ in moments if f is not None]
    resolved = [_minutes(c, r) for c, _, r in moments if r is not None]
    target = timedelta(minutes=target_minutes)
    met = sum(1 for c, f, _ in moments if f is not None and f - c <= target)
    missed = sum(1 for c, f, _ in moments if (f - c > target if f is not None else until - c > target))
    return SlaFigures(
        days=days,
        since=since,
        until=until,
        total=len(moments),
        by_status=counts,
        first_response=_figures(first),
        resolution=_figures(resolved),
        first_response_target=TargetFigures(
            target_minutes=target_minutes,
            met=met,
            missed=missed,
            share=round(met / (met + missed), 4) if met + missed else None,
        ),
    )
