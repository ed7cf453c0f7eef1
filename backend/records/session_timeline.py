"""A prepaid session's timeline: requested and paid → started (here or at the provider) → extensions →
stopped early or expired (or failed) → refunds → audit entries, enforcement checks, support tickets."""

from datetime import datetime

from backend.models import ParkingSession, Payment, Quote
from backend.records import timeline as t
from backend.records.timeline import Kind, Severity
from shared.schemas.admin_records import TimelineItem

AUDIT_OBJECT_TYPE = "parking_session"


def _payment_items(
    session: ParkingSession, payments: list[Payment], driver: str | None
) -> list[TimelineItem]:
    timezone = session.facility.timezone
    items = []
    for payment in payments:
        if payment.purpose == "extension":
            until = f" to {t.local_time(payment.covers_until, timezone)}" if payment.covers_until else ""
            paid = t.payment_item(payment, f"Extension{until}", driver)
            if paid.kind is Kind.payment and payment.status in ("captured", "partially_refunded", "refunded"):
                paid = paid.model_copy(update={"kind": Kind.extension})
            items.append(paid)
        else:
            items.append(t.payment_item(payment, "Payment", driver))
        refund = t.refund_item(payment)
        if refund is not None:
            items.append(refund)
    return items


def _lifecycle_items(session: ParkingSession, minutes: int | None, driver: str | None) -> list[TimelineItem]:
    timezone = session.facility.timezone
    items = [
        t.item(
            session.created_at,
            Kind.session_requested,
            f"Session requested: {minutes} minutes" if minutes else "Session requested",
            f"Plate {session.plate} at {session.facility.name}",
            actor=driver,
        )
    ]
    if session.status in ("active", "stopped", "expired"):
        provider_id = session.provider_session_id or ""
        at_provider = provider_id and not provider_id.startswith("native_")
        items.append(
            t.item(
                session.starts_at,
                Kind.session_started,
                "Started at the parking provider" if at_provider else "Started",
                f"Session id {provider_id}" if provider_id else "",
                actor="system",
                severity=Severity.success,
            )
        )
    if session.status == "stopped" and session.stopped_at is not None:
        items.append(
            t.item(
                session.stopped_at,
                Kind.session_stopped,
                f"Stopped early at {t.local_time(session.stopped_at, timezone)}",
                f"Paid until {t.local_time(session.ends_at, timezone)}",
                actor=driver,
            )
        )
    elif session.status == "expired":
        items.append(t.item(session.ends_at, Kind.session_expired, "Expired at the end paid for"))
    elif session.status == "failed":
        items.append(
            t.item(
                session.updated_at,
                Kind.session_failed,
                "The session did not start",
                session.failure_reason or "",
                severity=Severity.error,
            )
        )
    return items


async def session_timeline(session: ParkingSession, now: datetime) -> list[TimelineItem]:
    """`session` with its facility and driver loaded."""
    tenant_id = session.tenant_id  # type: ignore[attr-defined]
    facility = session.facility
    driver = session.driver.email if session.driver else None
    payments = await t.payments_of(session_id=session.id)
    # The duration asked for is the quote's: stopping early moves the payment's `covers_until`.
    minutes = await Quote.filter(session_id=session.id, purpose="session").values_list(
        "duration_minutes", flat=True
    )
    items = _lifecycle_items(session, minutes[0] if minutes else None, driver)
    items += _payment_items(session, payments, driver)
    items += await t.audit_items(tenant_id, AUDIT_OBJECT_TYPE, session.id)
    end = min(session.stopped_at or session.ends_at, now)
    items += await t.check_items(
        tenant_id, facility.id, session.plate_normalized, session.starts_at, end, facility.timezone
    )
    items += await t.ticket_items(tenant_id, session_id=session.id)
    return t.ordered(items)
