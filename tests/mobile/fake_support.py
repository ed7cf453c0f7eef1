"""The fake driver API's support tickets (`/api/v1/me/tickets`), mirroring the backend: a ticket is
about one of the driver's stays or sessions (someone else's, or none, is a 404), numbered per
operator, `open` while the operator owes an answer and `pending` once they answered; a second open
dispute of the same stay or session is a 409; the driver's message reopens a resolved ticket, and a
closed one refuses it (409).

A mixin of `tests.mobile.fakes.FakeDriverApi`. The operator's side is played by `operator_reply`,
`operator_resolve` and `operator_close`.
"""

import uuid
from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from mobile.services.errors import ApiError
from shared.schemas.facilities import FacilityDetail
from shared.schemas.sessions import SessionOut
from shared.schemas.stays import FacilityRef, ParkingItem
from shared.schemas.support import (
    DisputeOutcome,
    DriverTicket,
    DriverTicketList,
    DriverTicketSummary,
    MessageAuthor,
    MessageCreate,
    TicketCreate,
    TicketKind,
    TicketMessageOut,
    TicketStatus,
)


class FakeSupport:
    """Tickets of every account by id (`ticket_list`), whose each is (`ticket_owner`), and the last
    number per operator (`ticket_numbers`)."""

    now: datetime
    sessions: dict[str, SessionOut]
    stays: list[ParkingItem]

    if TYPE_CHECKING:  # provided by FakeDriverApi

        async def _enter(self, method: str, key: str | None = None) -> None: ...
        def _leave(self, method: str, result: Any) -> Any: ...
        def _me(self) -> Any: ...
        def _facility(self, slug: str) -> FacilityDetail: ...

    ticket_list: dict[str, DriverTicket]
    ticket_owner: dict[str, str]
    ticket_numbers: defaultdict[str, int]

    def _support(self) -> tuple[dict[str, DriverTicket], dict[str, str], defaultdict[str, int]]:
        return self.ticket_list, self.ticket_owner, self.ticket_numbers

    def _message(self, author: MessageAuthor, name: str, body: str, ticket: DriverTicket) -> TicketMessageOut:
        return TicketMessageOut(
            id=len(ticket.messages) + 1, author=author, author_name=name, body=body, created_at=self.now
        )

    def _mine(self, ticket_id: str) -> DriverTicket:
        tickets, owner, _ = self._support()
        me = self._me()
        if ticket_id not in tickets or owner[ticket_id] != me.id:
            raise ApiError("not_found", f"You have no ticket with id '{ticket_id}'.", 404)
        return tickets[ticket_id]

    async def open_ticket(
        self,
        subject: str,
        body: str,
        kind: TicketKind = TicketKind.question,
        *,
        stay_id: str | None = None,
        session_id: str | None = None,
        facility: str | None = None,
    ) -> DriverTicket:
        await self._enter("open_ticket")
        me = self._me()
        try:
            TicketCreate(
                subject=subject,
                body=body,
                kind=kind,
                stay_id=stay_id,
                session_id=session_id,
                facility=facility,
            )
        except ValidationError as exc:
            raise ApiError("validation_error", str(exc.errors()[0]["msg"]), 422) from None
        tickets, owner, numbers = self._support()
        plate = None
        if stay_id:
            stay = next((s for s in self.stays if s.id == stay_id), None)
            if stay is None:
                raise ApiError("not_found", f"You have no stay with id '{stay_id}'.", 404)
            place, plate = stay.facility, stay.license_plate
        elif session_id:
            session = self.sessions.get(session_id)
            if session is None:
                raise ApiError("not_found", f"You have no parking session with id '{session_id}'.", 404)
            found = self._facility(session.facility)
            place = FacilityRef(slug=found.slug, name=found.name, timezone=found.timezone)
            plate = session.license_plate
        else:
            found = self._facility(str(facility))
            place = FacilityRef(slug=found.slug, name=found.name, timezone=found.timezone)
        operator = self._facility(place.slug).operator
        if kind is TicketKind.dispute:
            existing = next(
                (
                    t
                    for t in tickets.values()
                    if owner[t.id] == me.id
                    and t.kind is TicketKind.dispute
                    and t.status in (TicketStatus.open, TicketStatus.pending)
                    and (t.stay_id, t.session_id) == (stay_id, session_id)
                ),
                None,
            )
            if existing is not None:
                what = "stay" if stay_id else "session"
                raise ApiError(
                    "conflict",
                    f"You already have an open dispute about this {what} (#{existing.number}); "
                    "add to it instead.",
                    409,
                )
        numbers[operator] += 1
        ticket = DriverTicket(
            id=str(uuid.uuid4()),
            number=numbers[operator],
            operator=operator,
            subject=subject,
            kind=kind,
            status=TicketStatus.open,
            facility=place,
            license_plate=plate,
            stay_id=stay_id,
            session_id=session_id,
            created_at=self.now,
            last_message_at=self.now,
            messages=[],
        )
        if not stay_id and not session_id:
            ticket.messages.append(
                self._message(
                    MessageAuthor.system,
                    "Parkflow",
                    f"About the facility {place.name} ({place.slug}).",
                    ticket,
                )
            )
        ticket.messages.append(self._message(MessageAuthor.driver, me.name or me.email, body, ticket))
        tickets[ticket.id], owner[ticket.id] = ticket, me.id
        return self._leave("open_ticket", ticket.model_copy(deep=True))

    async def tickets(self) -> DriverTicketList:
        await self._enter("tickets")
        me = self._me()
        tickets, owner, _ = self._support()
        mine = sorted(
            (t for t in tickets.values() if owner[t.id] == me.id),
            key=lambda t: (t.last_message_at, t.created_at),
            reverse=True,
        )
        items = [
            DriverTicketSummary.model_validate(t.model_dump(exclude={"messages", "resolution"})) for t in mine
        ]
        return self._leave("tickets", DriverTicketList(items=items))

    async def ticket(self, ticket_id: str) -> DriverTicket:
        await self._enter("ticket")
        return self._leave("ticket", self._mine(ticket_id).model_copy(deep=True))

    async def reply_ticket(self, ticket_id: str, body: str) -> DriverTicket:
        await self._enter("reply_ticket")
        try:
            MessageCreate(body=body)
        except ValidationError as exc:
            raise ApiError("validation_error", str(exc.errors()[0]["msg"]), 422) from None
        ticket = self._mine(ticket_id)
        if ticket.status is TicketStatus.closed:
            raise ApiError(
                "conflict",
                f"Ticket #{ticket.number} is closed; open a new ticket if you still need help.",
                409,
            )
        me = self._me()
        ticket.messages.append(self._message(MessageAuthor.driver, me.name or me.email, body, ticket))
        ticket.status, ticket.resolved_at, ticket.last_message_at = TicketStatus.open, None, self.now
        return self._leave("reply_ticket", ticket.model_copy(deep=True))

    # -- the operator's side (test controls) --------------------------------------------------------

    def operator_reply(self, ticket_id: str, body: str, name: str = "Olli Operator") -> None:
        ticket = self._support()[0][ticket_id]
        ticket.messages.append(self._message(MessageAuthor.operator, name, body, ticket))
        ticket.status, ticket.resolved_at, ticket.last_message_at = TicketStatus.pending, None, self.now

    def operator_resolve(
        self, ticket_id: str, resolution: str, outcome: DisputeOutcome | None = None
    ) -> None:
        ticket = self._support()[0][ticket_id]
        ticket.messages.append(self._message(MessageAuthor.system, "Parkflow", resolution, ticket))
        ticket.status, ticket.outcome, ticket.resolution = TicketStatus.resolved, outcome, resolution
        ticket.resolved_at = ticket.last_message_at = self.now

    def operator_close(self, ticket_id: str) -> None:
        self._support()[0][ticket_id].status = TicketStatus.closed
