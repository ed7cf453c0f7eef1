"""The driver's side of support: open a ticket about their own stay, session or a facility, read
their tickets, answer the operator."""

from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from backend.kit.errors import ConflictError, NotFoundError
from backend.kit.repository import parse_uuid
from backend.models import Driver, Facility, ParkingSession, Stay, Ticket, TicketMessage
from backend.stays.repository import DriverParking
from backend.support import repository, views
from backend.support.repository import ROW_RELATIONS
from backend.tenants.counters import next_number
from shared.schemas.support import (
    DriverTicket,
    DriverTicketList,
    MessageCreate,
    TicketCreate,
    TicketKind,
    TicketStatus,
)

MAX_LISTED = 200


def _author(driver: Driver) -> str:
    return driver.name or driver.email


async def _subject_matter(
    driver: Driver, body: TicketCreate
) -> tuple[Stay | None, ParkingSession | None, Facility | None]:
    """The stay, session or facility the ticket is about; another driver's stay or session is a 404."""
    if body.stay_id:
        stay = await DriverParking(driver).stay(parse_uuid(body.stay_id, "stay"))
        if stay is None:
            raise NotFoundError(f"You have no stay with id '{body.stay_id}'.")
        return stay, None, stay.facility
    if body.session_id:
        pk = parse_uuid(body.session_id, "parking session")
        session = await ParkingSession.filter(id=pk, driver_id=driver.id).select_related("facility").first()
        if session is None:
            raise NotFoundError(f"You have no parking session with id '{body.session_id}'.")
        return None, session, session.facility
    assert body.facility
    facility = await Facility.get_or_none(slug=body.facility.strip().lower())
    if facility is None:
        raise NotFoundError(f"No facility '{body.facility}'.")
    return None, None, facility


async def _load(ticket: Ticket) -> Ticket:
    await ticket.fetch_related("tenant", *ROW_RELATIONS)
    return ticket


async def open_ticket(driver: Driver, body: TicketCreate) -> DriverTicket:
    stay, session, facility = await _subject_matter(driver, body)
    assert facility is not None
    if body.kind is TicketKind.dispute:
        existing = await repository.open_dispute_of(
            driver, stay_id=stay.id if stay else None, session_id=session.id if session else None
        )
        if existing is not None:
            raise ConflictError(
                f"You already have an open dispute about this {'stay' if stay else 'session'} "
                f"(#{existing.number}); add to it instead."
            )
    now = datetime.now(UTC)
    tenant_id = facility.tenant_id  # type: ignore[attr-defined]
    async with in_transaction():
        number = await next_number(tenant_id, "ticket")
        ticket = await Ticket.create(
            tenant_id=tenant_id,
            number=number,
            driver=driver,
            kind=body.kind.value,
            subject=body.subject,
            status=TicketStatus.open.value,
            stay=stay,
            session=session,
            plate=(stay or session).plate if (stay or session) else None,
            created_at=now,
            last_message_at=now,
        )
        messages = []
        if stay is None and session is None:
            # The ticket has no column for a facility on its own: keep it in the chat, where the
            # operator reads it first.
            messages.append(
                await TicketMessage.create(
                    ticket=ticket,
                    author_kind="system",
                    author_name="Parkflow",
                    body=f"About the facility {facility.name} ({facility.slug}).",
                    created_at=now,
                )
            )
        messages.append(
            await TicketMessage.create(
                ticket=ticket,
                author_kind="driver",
                author_name=_author(driver),
                body=body.body,
                created_at=now,
            )
        )
    return views.driver_ticket(await _load(ticket), messages)


async def list_tickets(driver: Driver) -> DriverTicketList:
    tickets = (
        await Ticket.filter(driver_id=driver.id)
        .order_by("-last_message_at", "-created_at")
        .limit(MAX_LISTED)
        .prefetch_related("tenant", *ROW_RELATIONS)
    )
    return DriverTicketList(items=[views.driver_summary(t) for t in tickets])


async def get_ticket(driver: Driver, ticket_id: str) -> DriverTicket:
    ticket = await repository.driver_ticket(driver, ticket_id)
    return views.driver_ticket(await _load(ticket), await repository.messages_of(ticket))


async def reply(driver: Driver, ticket_id: str, body: MessageCreate) -> DriverTicket:
    """The driver's answer puts the ticket back with the operator (`open`), a resolved one included."""
    now = datetime.now(UTC)
    async with in_transaction():
        ticket = await repository.driver_ticket(driver, ticket_id, lock=True)
        if ticket.status == TicketStatus.closed:
            raise ConflictError(
                f"Ticket #{ticket.number} is closed; open a new ticket if you still need help."
            )
        await TicketMessage.create(
            ticket=ticket, author_kind="driver", author_name=_author(driver), body=body.body, created_at=now
        )
        ticket.status = TicketStatus.open.value
        ticket.resolved_at = None
        ticket.last_message_at = now
        await ticket.save(update_fields=["status", "resolved_at", "last_message_at", "updated_at"])
    return views.driver_ticket(await _load(ticket), await repository.messages_of(ticket))
