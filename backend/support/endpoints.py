"""`/api/v1/me/tickets`: the driver's support tickets and disputes, and the chat with the operator."""

from fastapi import APIRouter, status

from backend.auth.dependencies import CurrentDriver
from backend.kit.openapi import errors
from backend.support import driver_service as service
from shared.schemas.support import DriverTicket, DriverTicketList, MessageCreate, TicketCreate

router = APIRouter(prefix="/api/v1/me/tickets", tags=["support"], responses=errors(401))


@router.post(
    "", status_code=status.HTTP_201_CREATED, response_model=DriverTicket, responses=errors(404, 409, 422)
)
async def open_ticket(body: TicketCreate, driver: CurrentDriver) -> DriverTicket:
    """Ask the operator of one of your stays or sessions (`stay_id`, `session_id`) or of a facility
    (`facility` slug) a question, or dispute a stay or session (`kind` `dispute`). The ticket goes to
    that facility's operator, who answers in the chat. Someone else's stay or session is a 404; a
    second open dispute of the same stay or session is a 409."""
    return await service.open_ticket(driver, body)


@router.get("", response_model=DriverTicketList)
async def list_tickets(driver: CurrentDriver) -> DriverTicketList:
    """Your tickets, latest activity first. `pending` means the operator answered you."""
    return await service.list_tickets(driver)


@router.get("/{ticket_id}", response_model=DriverTicket, responses=errors(404))
async def get_ticket(ticket_id: str, driver: CurrentDriver) -> DriverTicket:
    """One of your tickets with its messages, oldest first; anyone else's is a 404."""
    return await service.get_ticket(driver, ticket_id)


@router.post("/{ticket_id}/messages", response_model=DriverTicket, responses=errors(404, 409, 422))
async def reply(ticket_id: str, body: MessageCreate, driver: CurrentDriver) -> DriverTicket:
    """Write to the operator: the ticket goes back to them (`open`), a resolved one too. A closed
    ticket is a 409: open a new one."""
    return await service.reply(driver, ticket_id, body)
