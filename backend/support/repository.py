"""Ticket queries: one operator's tickets (by number), one driver's tickets (by id), the search."""

from collections.abc import Iterable
from uuid import UUID

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from backend.kit.errors import NotFoundError
from backend.kit.repository import TenantRepository, parse_uuid
from backend.models import Driver, Ticket, TicketMessage
from shared.plates import InvalidPlateError, normalize_plate

# What a ticket row shows besides its own columns; each is one extra query for the whole page.
ROW_RELATIONS = ("driver", "assignee", "stay__facility", "session__facility")


class TicketRepository(TenantRepository[Ticket]):
    model = Ticket
    label = "ticket"

    async def by_number(self, number: int, *, lock: bool = False) -> Ticket:
        query = self.query().filter(number=number)
        if lock:
            query = query.select_for_update()
        found = await query.first()
        if found is None:
            raise NotFoundError(f"No ticket #{number}.")
        return found

    def search(
        self,
        *,
        statuses: Iterable[str] | None = None,
        kind: str | None = None,
        text: str | None = None,
        assignee_id: UUID | None = None,
        unassigned: bool = False,
    ) -> QuerySet[Ticket]:
        query = self.query()
        if statuses:
            query = query.filter(status__in=list(statuses))
        if kind:
            query = query.filter(kind=kind)
        if assignee_id is not None:
            query = query.filter(assignee_id=assignee_id)
        if unassigned:
            query = query.filter(assignee_id=None)
        if text and text.strip():
            query = query.filter(_matches(text.strip()))
        return query


def _matches(text: str) -> Q:
    """`#12` is ticket 12; anything else is looked for in the subject, the driver's e-mail, the plate
    (as written, or by its normalised form's beginning) and, when it is a number, the ticket number."""
    digits = text.removeprefix("#").strip()
    if text.startswith("#") and digits.isdigit():
        return Q(number=int(digits))
    found = Q(subject__icontains=text) | Q(driver__email__icontains=text) | Q(plate__icontains=text)
    try:
        plate = normalize_plate(text)
    except InvalidPlateError:
        plate = None
    if plate:
        found |= Q(stay__plate_normalized__startswith=plate) | Q(session__plate_normalized__startswith=plate)
    if digits.isdigit() and len(digits) < 10:
        found |= Q(number=int(digits))
    return found


async def driver_ticket(driver: Driver, ticket_id: str, *, lock: bool = False) -> Ticket:
    """One of the driver's tickets; anyone else's is a 404 like a missing one."""
    pk = parse_uuid(ticket_id, "ticket")
    query = Ticket.filter(id=pk, driver_id=driver.id)
    if lock:
        query = query.select_for_update()
    found = await query.first()
    if found is None:
        raise NotFoundError(f"You have no ticket with id '{ticket_id}'.")
    return found


async def messages_of(ticket: Ticket) -> list[TicketMessage]:
    return await TicketMessage.filter(ticket_id=ticket.id).order_by("id")


async def open_dispute_of(driver: Driver, *, stay_id: UUID | None, session_id: UUID | None) -> Ticket | None:
    """The driver's unresolved dispute of this stay or session, if any."""
    query = Ticket.filter(driver_id=driver.id, kind="dispute", status__in=["open", "pending"])
    about = {"stay_id": stay_id} if stay_id is not None else {"session_id": session_id}
    return await query.filter(**about).first()
