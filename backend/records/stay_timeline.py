"""A stay's timeline: entry (photo) → free period → payments or the unpaid warning → exit (photo) →
invoices → plate corrections and other audit entries → enforcement checks → support tickets."""

from datetime import datetime, timedelta

from backend.audit.service import to_out
from backend.invoices.numbers import invoice_number
from backend.models import AuditEntry, Invoice, Payment, Stay, StayEvent
from backend.records import timeline as t
from backend.records.timeline import Kind, Severity
from shared.schemas.admin_records import TimelineItem

_OUTCOMES = {
    "completed_late": "Delivered late: it completed a stay seen only at its exit",
    "inside_recorded_stay": "A second read during the stay; nothing changed",
    "late_entry": "Delivered after a later entry of the plate",
    "exit_without_entry": "No entry of the plate was recorded",
}
_INVOICE_ACTIONS = ("invoice.issued", "invoice.paid", "invoice.voided")
# An exit-only stay has no start to bound the enforcement checks: look this far back from its exit.
_EXIT_ONLY_LOOKBACK = timedelta(hours=24)


def _event_item(event: StayEvent) -> TimelineItem:
    phone = event.source == "geofence"
    verb = "Entry" if event.event == "entry" else "Exit"
    title = f"{verb} reported by the driver's phone" if phone else f"{verb} seen by camera"
    detail = f"Plate read as {event.plate}"
    if event.outcome in _OUTCOMES:
        detail += f". {_OUTCOMES[event.outcome]}"
    return t.item(
        event.occurred_at,
        Kind.entry if event.event == "entry" else Kind.exit,
        title,
        detail,
        actor="driver's phone" if phone else "camera",
        image_url=event.image_url,
        severity=Severity.warning if event.outcome in _OUTCOMES else Severity.info,
    )


def _recorded_items(stay: Stay, events: list[StayEvent]) -> list[TimelineItem]:
    """The entry and exit events; a stay written without them (imported data) shows its own fields."""
    items = [_event_item(e) for e in events]
    seen = {e.event for e in events}
    if stay.entered_at is not None and "entry" not in seen:
        items.append(
            t.item(stay.entered_at, Kind.entry, "Entry", image_url=stay.entry_image_url, actor="camera")
        )
    if stay.exited_at is not None and "exit" not in seen:
        items.append(t.item(stay.exited_at, Kind.exit, "Exit", image_url=stay.exit_image_url, actor="camera"))
    return items


def _free_period(stay: Stay, timezone: str) -> TimelineItem | None:
    if stay.entered_at is None or stay.free_until is None:
        return None
    minutes = int((stay.free_until - stay.entered_at).total_seconds() // 60)
    left_free = stay.exited_at is not None and stay.exited_at <= stay.free_until
    detail = f"{minutes} minutes free" + ("; left within it" if left_free else "")
    return t.item(
        stay.entered_at,
        Kind.free_period,
        f"Free period until {t.local_time(stay.free_until, timezone)}",
        detail,
    )


def _payment_what(payment: Payment, timezone: str) -> tuple[str, str | None]:
    driver = payment.driver.email if payment.driver else None
    if payment.purpose == "stay_prepay":
        until = f" up to {t.local_time(payment.covers_until, timezone)}" if payment.covers_until else ""
        return f"Paid ahead in the app{until}", driver
    if payment.idempotency_key.startswith("stay-exit:"):
        return "Exit charge (auto-pay)", "system"
    return "Paid in the app", driver


def _settlement(stay: Stay, payments: list[Payment], now: datetime) -> TimelineItem | None:
    """The stay's payment state after its exit: the unpaid warning, a charge under way, a review."""
    latest = max([stay.exited_at or stay.entered_at or now, *(p.created_at for p in payments)])
    due = max(0, stay.total_amount - stay.paid_amount)
    if stay.status == "unpaid":
        return t.item(
            latest,
            Kind.unpaid,
            f"Unpaid: {t.money(due, stay.currency)} owed",
            stay.failure_reason or "",
            severity=Severity.warning,
        )
    if stay.status == "payment_pending":
        return t.item(
            latest, Kind.payment, "Charging the driver's card", f"{t.money(due, stay.currency)} due"
        )
    if stay.status == "needs_review":
        return t.item(
            latest, Kind.review, "Needs review", stay.review_reason or "", severity=Severity.warning
        )
    return None


async def _invoice_items(stay: Stay, timezone: str) -> list[TimelineItem]:
    invoices = await Invoice.filter(stay_id=stay.id).order_by("issued_at")
    if not invoices:
        return []
    entries = await AuditEntry.filter(
        tenant_id=stay.tenant_id,  # type: ignore[attr-defined]
        object_type="invoice",
        object_id__in=[str(i.id) for i in invoices],
    ).order_by("id")
    actors = {(e.object_id, e.action): e.actor_label for e in entries}
    items = [t.audit_item(to_out(e)) for e in entries if e.action not in _INVOICE_ACTIONS]
    for invoice in invoices:
        number, key = invoice_number(invoice.number), str(invoice.id)
        amount = t.money(invoice.amount, invoice.currency)
        due = t.local_datetime(invoice.due_at, timezone)[:10]
        items.append(
            t.item(
                invoice.issued_at,
                Kind.invoice,
                f"Invoice {number} issued: {amount}",
                f"Due {due}" + (f"; bill to {invoice.bill_to}" if invoice.bill_to else ""),
                actor=actors.get((key, "invoice.issued")),
            )
        )
        if invoice.paid_at is not None:
            items.append(
                t.item(
                    invoice.paid_at,
                    Kind.invoice,
                    f"Invoice {number} marked paid",
                    f"Reference: {invoice.paid_reference}" if invoice.paid_reference else "",
                    actor=actors.get((key, "invoice.paid")),
                    severity=Severity.success,
                )
            )
        if invoice.voided_at is not None:
            items.append(
                t.item(
                    invoice.voided_at,
                    Kind.invoice,
                    f"Invoice {number} voided",
                    invoice.void_reason or "",
                    actor=actors.get((key, "invoice.voided")),
                )
            )
    return items


async def stay_timeline(stay: Stay, now: datetime) -> list[TimelineItem]:
    """`stay` with its facility loaded."""
    facility = stay.facility
    tenant_id = stay.tenant_id  # type: ignore[attr-defined]
    events = await StayEvent.filter(stay_id=stay.id).order_by("occurred_at", "received_at")
    payments = await t.payments_of(stay_id=stay.id)
    items = _recorded_items(stay, events)
    free = _free_period(stay, facility.timezone)
    if free is not None:
        items.append(free)
    for payment in payments:
        what, actor = _payment_what(payment, facility.timezone)
        items.append(t.payment_item(payment, what, actor))
        refund = t.refund_item(payment)
        if refund is not None:
            items.append(refund)
    settlement = _settlement(stay, payments, now)
    if settlement is not None:
        items.append(settlement)
    items += await _invoice_items(stay, facility.timezone)
    items += await t.audit_items(tenant_id, "stay", stay.id)
    start = stay.entered_at or (stay.exited_at - _EXIT_ONLY_LOOKBACK if stay.exited_at else now)
    items += await t.check_items(
        tenant_id, facility.id, stay.plate_normalized, start, stay.exited_at or now, facility.timezone
    )
    items += await t.ticket_items(tenant_id, stay_id=stay.id)
    return t.ordered(items)
