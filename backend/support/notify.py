"""Telling the driver about their ticket through the app's event stream (`/me/events`)."""

import logging

from backend.kit.services import AppServices
from backend.models import Ticket
from backend.notifications.events import notify_driver
from shared.schemas.events import DriverEventKind, TicketEvent

log = logging.getLogger("parkflow.support")
EXCERPT = 200


async def tell_driver(services: AppServices, ticket: Ticket, kind: DriverEventKind, message: str) -> None:
    """Call after the change has committed (`tenant` loaded). A failure is logged, never raised: the
    reply is saved and the driver sees it when they open the ticket."""
    if ticket.driver_id is None:  # type: ignore[attr-defined]
        return
    text = message if len(message) <= EXCERPT else message[: EXCERPT - 1] + "…"
    payload = TicketEvent(
        ticket_id=str(ticket.id),
        number=ticket.number,
        operator=ticket.tenant.name,
        subject=ticket.subject,
        status=ticket.status,
        message=text,
        outcome=ticket.outcome,
    )
    try:
        await notify_driver(services, ticket.driver_id, kind, payload.model_dump(mode="json"))  # type: ignore[attr-defined]
    except Exception:
        log.exception("could not tell driver %s about ticket %s", ticket.driver_id, ticket.id)  # type: ignore[attr-defined]
