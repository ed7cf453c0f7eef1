"""The activity feed: entries and exits, payments captured and failed, prepaid sessions started.

Three bounded queries (the latest `limit` of each source), merged newest first here and cut to
`limit`: whatever the sources hold, the feed costs the same.
"""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from backend.auth.dependencies import OperatorContext
from backend.operations import repository
from backend.operations.dashboard import facility_id_of, tenant_of
from shared.money import format_amount
from shared.schemas.admin_operations import ActivityFeed, ActivityItem, ActivityKind, Severity

# Stay event outcomes (backend.anpr.rules) an operator should look at.
_REVIEW_OUTCOMES = {
    "late_entry": "delivered after a later entry; needs review",
    "exit_without_entry": "without a recorded entry; needs review",
}
_PAID_FOR = {"stay": "parking", "stay_prepay": "parking", "session": "a session", "extension": "an extension"}


class _Facilities:
    def __init__(self, rows: list[repository.FacilityRow]) -> None:
        self._by_id = {str(f.id): f for f in rows}

    def of(self, facility_id: Any) -> tuple[str | None, str | None]:
        found = self._by_id.get(str(facility_id)) if facility_id is not None else None
        return (found.slug, found.name) if found else (None, None)


def _stay_event(row: dict[str, Any], facilities: _Facilities) -> ActivityItem:
    slug, name = facilities.of(row["facility_id"])
    entry = row["event"] == "entry"
    title = f"{row['plate']} {'entered' if entry else 'left'} {name}"
    review = _REVIEW_OUTCOMES.get(row["outcome"])
    if review:
        title += f" ({review})"
    return ActivityItem(
        kind=ActivityKind.stay_entry if entry else ActivityKind.stay_exit,
        at=row["occurred_at"],
        title=title,
        facility=slug,
        facility_name=name,
        plate=row["plate"],
        amount=None,
        currency=None,
        severity=Severity.warning if review else Severity.info,
        ref_type="stay" if row["stay_id"] else None,
        ref_id=str(row["stay_id"]) if row["stay_id"] else None,
        image_url=row["image_url"],
        outcome=row["outcome"],
    )


def _payment_ref(row: dict[str, Any]) -> tuple[str, str]:
    """What the payment paid for, so the UI opens that timeline; the payment itself otherwise."""
    for ref_type, column in (("stay", "stay_id"), ("session", "session_id"), ("pass", "pass_id")):
        if row[column]:
            return ref_type, row[column]
    return "payment", row["id"]


def _payment(row: dict[str, Any], facilities: _Facilities) -> ActivityItem:
    slug, name = facilities.of(row["facility_id"])
    money = format_amount(row["amount"], row["currency"])
    what = "a pass" if row["purpose"] == "pass" else _PAID_FOR.get(row["purpose"], row["purpose"])
    where = "".join(
        part for part in (f" by {row['plate']}" if row["plate"] else "", f" at {name}" if name else "")
    )
    failed = row["status"] == "failed"
    if failed:
        title = f"Payment of {money} for {what}{where} failed"
        if row["failure_reason"]:
            title += f": {row['failure_reason']}"
    else:
        title = f"{money} paid for {what}{where}"
    ref_type, ref_id = _payment_ref(row)
    return ActivityItem(
        kind=ActivityKind.payment_failed if failed else ActivityKind.payment_captured,
        at=row["created_at"],
        title=title,
        facility=slug,
        facility_name=name,
        plate=row["plate"],
        amount=row["amount"],
        currency=row["currency"],
        severity=Severity.error if failed else Severity.success,
        ref_type=ref_type,
        ref_id=ref_id,
    )


def _session(row: dict[str, Any], facilities: _Facilities) -> ActivityItem:
    slug, name = facilities.of(row["facility_id"])
    return ActivityItem(
        kind=ActivityKind.session_started,
        at=row["starts_at"],
        title=f"{row['plate']} started a prepaid session at {name}",
        facility=slug,
        facility_name=name,
        plate=row["plate"],
        amount=row["total_amount"],
        currency=row["currency"],
        severity=Severity.info,
        ref_type="session",
        ref_id=str(row["id"]),
    )


async def activity(ctx: OperatorContext, facility: str | None, limit: int) -> ActivityFeed:
    """The latest `limit` events of the operator acted for (of one facility, when given)."""
    tenant = tenant_of(ctx)
    facility_id = await facility_id_of(tenant.id, facility)
    return await activity_for(tenant.id, facility_id, limit)


async def activity_for(tenant_id: UUID, facility_id: UUID | None, limit: int) -> ActivityFeed:
    now = datetime.now(UTC)
    facilities = _Facilities(await repository.facilities(tenant_id, facility_id))
    events = await repository.latest_stay_events(tenant_id, facility_id, limit)
    payments = await repository.latest_payments(tenant_id, facility_id, limit)
    sessions = await repository.latest_sessions(tenant_id, facility_id, now, limit)
    items = [
        *(_stay_event(r, facilities) for r in events),
        *(_payment(r, facilities) for r in payments),
        *(_session(r, facilities) for r in sessions),
    ]
    items.sort(key=lambda item: item.at, reverse=True)
    return ActivityFeed(generated_at=now, items=items[:limit])
