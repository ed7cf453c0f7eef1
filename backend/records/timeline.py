"""Timeline pieces shared by stays and sessions: payments and refunds, the audit log, enforcement
checks of the plate, and support tickets. Each reader runs one query for its kind of item."""

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from backend.audit.service import entries_for
from backend.models import EnforcementCheck, Payment, Ticket
from shared.money import format_amount
from shared.schemas.admin_audit import AuditEntryOut
from shared.schemas.admin_records import TimelineItem, TimelineKind, TimelineSeverity

Kind = TimelineKind
Severity = TimelineSeverity

# At the same moment, items read in this order (an entry before its free period, an exit before
# the charge it causes); anything not listed comes after them.
_ORDER = {
    Kind.session_requested: 0,
    Kind.entry: 0,
    Kind.free_period: 1,
    Kind.session_started: 2,
    Kind.exit: 3,
    Kind.payment: 4,
    Kind.payment_failed: 4,
    Kind.unpaid: 5,
}
_SETTLED = ("captured", "partially_refunded", "refunded")
_CHECK_STATUS = {
    "pass_active": "a pass is valid",
    "paid": "paid",
    "parked_unpaid": "parked unpaid: fine",
    "not_found": "nothing found",
}


def item(
    at: datetime,
    kind: TimelineKind,
    title: str,
    detail: str = "",
    *,
    actor: str | None = None,
    image_url: str | None = None,
    severity: TimelineSeverity = Severity.info,
) -> TimelineItem:
    return TimelineItem(
        at=at, kind=kind, title=title, detail=detail, actor=actor, image_url=image_url, severity=severity
    )


def ordered(items: list[TimelineItem]) -> list[TimelineItem]:
    return sorted(items, key=lambda i: (i.at, _ORDER.get(i.kind, 9)))


def money(amount: int, currency: str) -> str:
    return format_amount(amount, currency)


def local_time(moment: datetime, timezone: str) -> str:
    """`14:23` on the facility's clock."""
    return moment.astimezone(ZoneInfo(timezone)).strftime("%H:%M")


def local_datetime(moment: datetime, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")


async def payments_of(**filters: Any) -> list[Payment]:
    return (
        await Payment.filter(**filters)
        .select_related("payment_method", "driver")
        .order_by("created_at", "id")
    )


def card_of(payment: Payment) -> str:
    method = payment.payment_method
    if method is None:
        return "card removed since"
    return f"{method.brand.upper()} •••• {method.last4}"


def payment_item(payment: Payment, what: str, actor: str | None) -> TimelineItem:
    """One payment attempt: captured (money taken), declined, in progress or released."""
    amount = money(payment.amount, payment.currency)
    card = card_of(payment)
    if payment.status in _SETTLED:
        return item(
            payment.created_at,
            Kind.payment,
            f"{what}: {amount}",
            card,
            actor=actor,
            severity=Severity.success,
        )
    if payment.status == "failed":
        reason = payment.failure_reason or "declined"
        return item(
            payment.created_at,
            Kind.payment_failed,
            f"{what} declined: {amount}",
            f"{card}: {reason}",
            actor=actor,
            severity=Severity.error,
        )
    if payment.status == "voided":
        return item(
            payment.created_at, Kind.payment, f"{what}: {amount} held, then released", card, actor=actor
        )
    note = f"{card}: {payment.failure_reason}" if payment.failure_reason else card
    return item(payment.created_at, Kind.payment, f"{what}: {amount} in progress", note, actor=actor)


def refund_item(payment: Payment) -> TimelineItem | None:
    if payment.refunded_amount <= 0:
        return None
    at = payment.refunded_at or payment.updated_at
    whole = payment.refunded_amount >= payment.amount
    return item(
        at,
        Kind.refund,
        f"Refunded {money(payment.refunded_amount, payment.currency)}",
        f"{'All' if whole else 'Part'} of the {money(payment.amount, payment.currency)} "
        f"paid with {card_of(payment)}",
        actor="system",
    )


def _describe(details: dict[str, Any]) -> str:
    return "; ".join(
        f"{name.replace('_', ' ')}: {value}" for name, value in details.items() if value not in (None, "")
    )


def audit_item(entry: AuditEntryOut) -> TimelineItem:
    details = entry.details or {}
    if entry.action == "stay.plate_corrected":
        detail = f"Reason: {details.get('reason', '')}"
        if details.get("payment"):
            detail += f"; payment: {str(details['payment']).replace('_', ' ')}"
        if details.get("driver_to") or details.get("driver_from"):
            detail += (
                f"; driver: {details.get('driver_from') or 'none'} → {details.get('driver_to') or 'none'}"
            )
        return item(
            entry.created_at,
            Kind.plate_corrected,
            f"Plate corrected from {details.get('from', '?')} to {details.get('to', '?')}",
            detail,
            actor=entry.actor,
            severity=Severity.warning,
        )
    title = entry.action.replace(".", ": ", 1).replace("_", " ").capitalize()
    return item(entry.created_at, Kind.audit, title, _describe(details), actor=entry.actor)


async def audit_items(tenant_id: UUID, object_type: str, object_id: UUID) -> list[TimelineItem]:
    return [audit_item(entry) for entry in await entries_for(tenant_id, object_type, object_id)]


async def check_items(
    tenant_id: UUID, facility_id: UUID, plate_normalized: str, start: datetime, end: datetime, timezone: str
) -> list[TimelineItem]:
    """Enforcement checks of the plate at the facility about a moment from `start` to `end`."""
    checks = (
        await EnforcementCheck.filter(
            tenant_id=tenant_id,
            facility_id=facility_id,
            plate_normalized=plate_normalized,
            at__gte=start,
            at__lte=end,
        )
        .select_related("api_key")
        .order_by("checked_at", "id")
        .limit(200)
    )
    items = []
    for check in checks:
        answer = _CHECK_STATUS.get(check.status, check.status.replace("_", " "))
        detail = "Should fine" if check.should_fine else "Do not fine"
        if abs(check.checked_at - check.at) > timedelta(minutes=1):
            detail += f"; asked about {local_datetime(check.at, timezone)}"
        items.append(
            item(
                check.checked_at,
                Kind.enforcement_check,
                f"Enforcement check: {answer}",
                detail,
                actor=check.api_key.name if check.api_key else "enforcement API",
                severity=Severity.warning if check.should_fine else Severity.info,
            )
        )
    return items


async def ticket_items(tenant_id: UUID, **about: Any) -> list[TimelineItem]:
    """Support tickets about the stay or session (`stay_id=` or `session_id=`)."""
    tickets = (
        await Ticket.filter(tenant_id=tenant_id, **about).select_related("driver").order_by("created_at")
    )
    items = []
    for ticket in tickets:
        kind = "Dispute" if ticket.kind == "dispute" else "Support ticket"
        items.append(
            item(
                ticket.created_at,
                Kind.ticket,
                f"{kind} #{ticket.number}: {ticket.subject}",
                f"Status: {ticket.status}",
                actor=ticket.driver.email if ticket.driver else None,
                severity=Severity.warning if ticket.kind == "dispute" else Severity.info,
            )
        )
        if ticket.resolved_at is not None:
            outcome = f" ({ticket.outcome})" if ticket.outcome else ""
            items.append(
                item(
                    ticket.resolved_at,
                    Kind.ticket,
                    f"{kind} #{ticket.number} resolved{outcome}",
                    ticket.resolution or "",
                )
            )
    return items
