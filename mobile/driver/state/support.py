"""Help and disputes: the driver's tickets with their operators, one open at a time as a chat, and a
new ticket drafted from a session or a receipt (`/api/v1/me/tickets`)."""

from dataclasses import dataclass, field

import flet as ft

from mobile.services.driver_api import DriverApi
from mobile.services.errors import ApiError
from shared.schemas.support import DriverTicket, DriverTicketSummary, TicketKind, TicketStatus

STATUS_TEXT = {
    TicketStatus.open: "Waiting for the operator",
    TicketStatus.pending: "The operator answered",
    TicketStatus.resolved: "Resolved",
    TicketStatus.closed: "Closed",
}


@dataclass(frozen=True)
class Draft:
    """What a new ticket is about: a stay or a session, as the driver saw it (`label`)."""

    kind: TicketKind
    label: str
    stay_id: str | None = None
    session_id: str | None = None

    @property
    def subject(self) -> str:
        return f"{'Dispute' if self.kind is TicketKind.dispute else 'Question'}: {self.label}"[:200]


def status_text(ticket: DriverTicketSummary) -> str:
    text = STATUS_TEXT[ticket.status]
    if ticket.outcome is not None and ticket.status is TicketStatus.resolved:
        text += " · you were right" if ticket.outcome.value == "upheld" else " · charge stands"
    return text


@ft.observable
@dataclass
class SupportState:
    api: DriverApi
    tickets: list[DriverTicketSummary] = field(default_factory=list)
    current: DriverTicket | None = None
    draft: Draft | None = None
    loaded: bool = False
    loading: bool = False
    busy: bool = False
    error: str | None = None
    notice: str | None = None

    @property
    def answered(self) -> int:
        """Tickets the operator answered and the driver has not replied to."""
        return sum(1 for t in self.tickets if t.status is TicketStatus.pending)

    async def load(self) -> None:
        self.loading = True
        try:
            self.tickets, self.loaded, self.error = (await self.api.tickets()).items, True, None
        except ApiError as exc:
            self.error = exc.message
        finally:
            self.loading = False

    async def open(self, ticket_id: str) -> None:
        if self.current is not None and self.current.id != ticket_id:
            self.current = None
        self.notice = None
        try:
            self.current, self.error = await self.api.ticket(ticket_id), None
        except ApiError as exc:
            self.error = exc.message

    def prepare(
        self, kind: TicketKind, label: str, *, stay_id: str | None = None, session_id: str | None = None
    ):
        """Start a ticket about a stay or a session; `send` opens it."""
        self.draft, self.error, self.notice = Draft(kind, label, stay_id, session_id), None, None

    async def send(self, body: str, subject: str | None = None) -> DriverTicket | None:
        """Open the drafted ticket with the driver's first message; it becomes `current`."""
        draft = self.draft
        if draft is None:
            self.error = "Open a session or a receipt and choose Get help there."
            return None
        if not body.strip():
            self.error = (
                "Tell the operator why the charge is wrong."
                if draft.kind is TicketKind.dispute
                else "Write your question first."
            )
            return None
        self.busy, self.error = True, None
        try:
            made = await self.api.open_ticket(
                (subject or "").strip() or draft.subject,
                body.strip(),
                draft.kind,
                stay_id=draft.stay_id,
                session_id=draft.session_id,
            )
        except ApiError as exc:
            self.error = exc.message
            return None
        finally:
            self.busy = False
        self.current, self.draft = made, None
        self.notice = (
            f"Sent to {made.operator} as ticket #{made.number}. You'll be notified when they answer."
        )
        await self.load()
        return made

    async def reply(self, body: str) -> bool:
        ticket = self.current
        if ticket is None:
            return False
        if not body.strip():
            self.error = "Write your message first."
            return False
        self.busy, self.error, self.notice = True, None, None
        try:
            self.current = await self.api.reply_ticket(ticket.id, body.strip())
        except ApiError as exc:
            self.error = exc.message
            return False
        finally:
            self.busy = False
        await self.load()
        return True

    async def refresh(self) -> None:
        """An operator answered or resolved a ticket: the list and the open chat catch up."""
        await self.load()
        if self.current is not None:
            await self.open(self.current.id)
