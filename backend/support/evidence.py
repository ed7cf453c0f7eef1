"""The evidence beside a dispute: what enforcement was told about the plate around the stay or
session, and the stay's own record (camera events, payments, invoice) or the session's times."""

from datetime import datetime, timedelta
from uuid import UUID

from backend.models import EnforcementCheck, Invoice, ParkingSession, Payment, Stay, StayEvent, Ticket
from shared.schemas.support import (
    CheckEvidence,
    Evidence,
    InvoiceRef,
    PaymentEvidence,
    SessionEvidence,
    StayEventEvidence,
    StayEvidence,
)

# Checks from this long before the stay or session began to this long after it ended: an officer who
# checked just before the car arrived, or just after it left, is part of the story.
MARGIN = timedelta(hours=1)
MAX_CHECKS = 200


def invoice_number(number: int) -> str:
    return f"INV-{number:06d}"


def payment_evidence(payment: Payment) -> PaymentEvidence:
    return PaymentEvidence(
        id=str(payment.id),
        purpose=payment.purpose,
        status=payment.status,
        amount=payment.amount,
        refunded_amount=payment.refunded_amount,
        currency=payment.currency,
        created_at=payment.created_at,
        covers_until=payment.covers_until,
        failure_reason=payment.failure_reason,
    )


async def _checks(
    tenant_id: UUID, facility_id: UUID, plate_normalized: str, start: datetime, end: datetime
) -> list[CheckEvidence]:
    # By the moment each check asked about (`at`): a later check "was it paid at 15:00?" belongs here too.
    rows = (
        await EnforcementCheck.filter(
            tenant_id=tenant_id,
            facility_id=facility_id,
            plate_normalized=plate_normalized,
            at__gte=start,
            at__lte=end,
        )
        .order_by("at", "id")
        .limit(MAX_CHECKS)
        .prefetch_related("api_key", "facility")
    )
    return [
        CheckEvidence(
            id=row.id,
            checked_at=row.checked_at,
            at=row.at,
            plate=row.plate,
            facility=row.facility.slug if row.facility else None,
            status=row.status,
            should_fine=row.should_fine,
            key_name=row.api_key.name if row.api_key else None,
        )
        for row in rows
    ]


async def _stay_evidence(stay: Stay, now: datetime) -> tuple[StayEvidence, datetime, datetime]:
    events = await StayEvent.filter(stay_id=stay.id).order_by("occurred_at", "received_at")
    payments = await Payment.filter(stay_id=stay.id).order_by("created_at")
    invoice = await Invoice.filter(stay_id=stay.id, live_slot="live").first()
    begin = stay.entered_at or stay.exited_at or stay.created_at
    end = stay.exited_at or (now if stay.status == "open" else begin)
    evidence = StayEvidence(
        id=str(stay.id),
        status=stay.status,
        plate=stay.plate,
        entered_at=stay.entered_at,
        exited_at=stay.exited_at,
        free_until=stay.free_until,
        paid_until=stay.paid_until,
        total_amount=stay.total_amount,
        paid_amount=stay.paid_amount,
        currency=stay.currency,
        failure_reason=stay.failure_reason,
        events=[
            StayEventEvidence(
                event=e.event,
                occurred_at=e.occurred_at,
                outcome=e.outcome,
                source=e.source,
                image_url=e.image_url,
            )
            for e in events
        ],
        payments=[payment_evidence(p) for p in payments],
        invoice=(
            InvoiceRef(
                number=invoice_number(invoice.number),
                status=invoice.status,
                amount=invoice.amount,
                currency=invoice.currency,
            )
            if invoice
            else None
        ),
    )
    return evidence, begin, end


async def _session_evidence(session: ParkingSession) -> tuple[SessionEvidence, datetime, datetime]:
    payments = await Payment.filter(session_id=session.id).order_by("created_at")
    evidence = SessionEvidence(
        id=str(session.id),
        status=session.status,
        plate=session.plate,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        stopped_at=session.stopped_at,
        total_amount=session.total_amount,
        refunded_amount=session.refunded_amount,
        currency=session.currency,
        payments=[payment_evidence(p) for p in payments],
    )
    return evidence, session.starts_at, session.stopped_at or session.ends_at


async def evidence_for(ticket: Ticket, now: datetime) -> Evidence | None:
    """For a ticket about a stay or a session of the ticket's operator; None otherwise."""
    tenant_id = ticket.tenant_id  # type: ignore[attr-defined]
    if ticket.stay_id is not None:  # type: ignore[attr-defined]
        stay = await Stay.get_or_none(id=ticket.stay_id, tenant_id=tenant_id)  # type: ignore[attr-defined]
        if stay is None:
            return None
        stay_evidence, begin, end = await _stay_evidence(stay, now)
        start, until = begin - MARGIN, end + MARGIN
        checks = await _checks(tenant_id, stay.facility_id, stay.plate_normalized, start, until)  # type: ignore[attr-defined]
        return Evidence(window_from=start, window_until=until, checks=checks, stay=stay_evidence)
    if ticket.session_id is not None:  # type: ignore[attr-defined]
        session = await ParkingSession.get_or_none(id=ticket.session_id, tenant_id=tenant_id)  # type: ignore[attr-defined]
        if session is None:
            return None
        session_evidence, begin, end = await _session_evidence(session)
        start, until = begin - MARGIN, end + MARGIN
        checks = await _checks(tenant_id, session.facility_id, session.plate_normalized, start, until)  # type: ignore[attr-defined]
        return Evidence(window_from=start, window_until=until, checks=checks, session=session_evidence)
    return None
