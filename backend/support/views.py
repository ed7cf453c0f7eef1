"""Tickets as the contract shows them: operator rows and details, the driver's (narrower) view."""

from typing import Any

from backend.models import Facility, Ticket, TicketMessage
from shared.schemas.stays import FacilityRef
from shared.schemas.support import (
    AdminTicket,
    AdminTicketRow,
    DisputeOutcome,
    DriverTicket,
    DriverTicketSummary,
    Evidence,
    MessageAuthor,
    TicketKind,
    TicketMessageOut,
    TicketStatus,
)


def facility_of(ticket: Ticket) -> Facility | None:
    """The facility of the ticket's stay or session (relations loaded: ROW_RELATIONS)."""
    if ticket.stay_id is not None and ticket.stay is not None:  # type: ignore[attr-defined]
        return ticket.stay.facility
    if ticket.session_id is not None and ticket.session is not None:  # type: ignore[attr-defined]
        return ticket.session.facility
    return None


def _outcome(ticket: Ticket) -> DisputeOutcome | None:
    return DisputeOutcome(ticket.outcome) if ticket.outcome else None


def _common(ticket: Ticket) -> dict[str, Any]:
    return {
        "number": ticket.number,
        "id": str(ticket.id),
        "subject": ticket.subject,
        "kind": TicketKind(ticket.kind),
        "status": TicketStatus(ticket.status),
        "outcome": _outcome(ticket),
        "created_at": ticket.created_at,
        "last_message_at": ticket.last_message_at or ticket.created_at,
        "resolved_at": ticket.resolved_at,
    }


def admin_row(ticket: Ticket) -> AdminTicketRow:
    return AdminTicketRow(**_row_fields(ticket))


def _row_fields(ticket: Ticket) -> dict[str, Any]:
    facility = facility_of(ticket)
    driver = ticket.driver if ticket.driver_id is not None else None  # type: ignore[attr-defined]
    assignee = ticket.assignee if ticket.assignee_id is not None else None  # type: ignore[attr-defined]
    return {
        **_common(ticket),
        "driver_id": str(driver.id) if driver else None,
        "driver_email": driver.email if driver else None,
        "driver_name": driver.name if driver else None,
        "plate": ticket.plate,
        "facility": facility.slug if facility else None,
        "facility_name": facility.name if facility else None,
        "assignee": assignee.email if assignee else None,
        "first_response_at": ticket.first_response_at,
    }


def message_out(message: TicketMessage) -> TicketMessageOut:
    return TicketMessageOut(
        id=message.id,
        author=MessageAuthor(message.author_kind),
        author_name=message.author_name,
        body=message.body,
        created_at=message.created_at,
    )


def admin_ticket(ticket: Ticket, messages: list[TicketMessage], evidence: Evidence | None) -> AdminTicket:
    return AdminTicket(
        **_row_fields(ticket),
        stay_id=str(ticket.stay_id) if ticket.stay_id else None,  # type: ignore[attr-defined]
        session_id=str(ticket.session_id) if ticket.session_id else None,  # type: ignore[attr-defined]
        resolution=ticket.resolution,
        messages=[message_out(m) for m in messages],
        evidence=evidence,
    )


def _driver_fields(ticket: Ticket) -> dict[str, Any]:
    """Relations loaded: `tenant` and ROW_RELATIONS. Nothing internal (assignee, first response)."""
    facility = facility_of(ticket)
    return {
        **_common(ticket),
        "operator": ticket.tenant.name,
        "facility": (
            FacilityRef(slug=facility.slug, name=facility.name, timezone=facility.timezone)
            if facility
            else None
        ),
        "license_plate": ticket.plate,
        "stay_id": str(ticket.stay_id) if ticket.stay_id else None,  # type: ignore[attr-defined]
        "session_id": str(ticket.session_id) if ticket.session_id else None,  # type: ignore[attr-defined]
    }


def driver_summary(ticket: Ticket) -> DriverTicketSummary:
    return DriverTicketSummary(**_driver_fields(ticket))


def driver_ticket(ticket: Ticket, messages: list[TicketMessage]) -> DriverTicket:
    return DriverTicket(
        **_driver_fields(ticket),
        resolution=ticket.resolution,
        messages=[message_out(m) for m in messages],
    )
