"""The support desk: the operator's tickets (numbered per operator), filters, SLA figures, the CSV
export, and one ticket open at a time with its chat, evidence and resolution.

Endpoints: `/tickets` (list, `/sla`, `/export.csv`), `/tickets/{number}` (detail, PATCH status and
assignee), `/tickets/{number}/messages`, `/tickets/{number}/resolve`.
"""

from dataclasses import dataclass, field
from typing import Any

import flet as ft

from mobile.services.admin_api import HttpAdminApi
from mobile.services.errors import ApiError
from shared.money import format_amount
from shared.schemas.support import (
    AdminTicket,
    AdminTicketPage,
    AdminTicketRow,
    DisputeOutcome,
    SlaFigures,
    TicketKind,
    TicketResolution,
    TicketStatus,
)

PAGE = 50
# The filter chips: what an operator asks for, and the statuses each means.
STATUS_FILTERS: dict[str, list[TicketStatus]] = {
    "needs answer": [TicketStatus.open],
    "waiting for driver": [TicketStatus.pending],
    "active": [TicketStatus.open, TicketStatus.pending],
    "resolved": [TicketStatus.resolved],
    "closed": [TicketStatus.closed],
    "all": [],
}
ASSIGNEE_FILTERS = {"anyone": None, "mine": "me", "unassigned": "none"}


def minutes_text(minutes: float | None) -> str:
    """`95.0` -> `1 h 35 min`; `None` -> `—`."""
    if minutes is None:
        return "—"
    whole = round(minutes)
    if whole < 60:
        return f"{whole} min"
    hours, rest = divmod(whole, 60)
    if hours >= 48:
        return f"{hours / 24:.1f} days"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def refundable(ticket: AdminTicket) -> tuple[int, str] | None:
    """What the driver paid for the disputed stay or session and still has not got back."""
    evidence = ticket.evidence
    if evidence is None:
        return None
    payments = (
        evidence.stay.payments if evidence.stay else evidence.session.payments if evidence.session else []
    )
    kept = [
        p for p in payments if p.status in ("captured", "partially_refunded") and p.amount > p.refunded_amount
    ]
    if not kept:
        return None
    return sum(p.amount - p.refunded_amount for p in kept), kept[0].currency


def upholding_effect(ticket: AdminTicket) -> str:
    """What upholding this dispute will do, said before the operator decides."""
    evidence = ticket.evidence
    parts: list[str] = []
    stay = evidence.stay if evidence else None
    session = evidence.session if evidence else None
    if stay is not None:
        invoice = stay.invoice
        if invoice is not None and invoice.status == "issued":
            parts.append(
                f"Invoice {invoice.number} ({format_amount(invoice.amount, invoice.currency)}) is voided: "
                "the driver owes nothing for this stay."
            )
        else:
            parts.append("The stay is waived: the driver owes nothing for it.")
    elif session is None:
        return "The driver is told you agree with them."
    paid = refundable(ticket)  # what the refund box below would give back: one figure for both
    if paid is not None:
        what = "for the session " if stay is None else ""
        parts.append(
            f"{format_amount(*paid)} was paid {what}by card: tick the refund below to send it back to "
            "the driver's card, or refund it yourself."
        )
    elif stay is None:
        parts.append("Nothing was paid for this session, so nothing is refunded.")
    return " ".join(parts) or "The driver is told you agree with them."


@ft.observable
@dataclass
class SupportState:
    api: HttpAdminApi
    rows: list[AdminTicketRow] = field(default_factory=list)
    total: int = 0
    offset: int = 0
    status_filter: str = "active"
    kind: TicketKind | None = None
    assignee: str = "anyone"
    query: str = ""
    sla: SlaFigures | None = None
    sla_days: int = 30
    ticket: AdminTicket | None = None
    resolution: TicketResolution | None = None
    loading: bool = False
    busy: bool = False
    loaded: bool = False
    error: str | None = None
    notice: str | None = None

    def _filters(self) -> dict[str, Any]:
        params: dict[str, Any] = {}
        statuses = STATUS_FILTERS.get(self.status_filter) or []
        if statuses:
            params["status"] = [s.value for s in statuses]
        if self.kind is not None:
            params["kind"] = self.kind.value
        if self.query.strip():
            params["q"] = self.query.strip()
        assignee = ASSIGNEE_FILTERS.get(self.assignee)
        if assignee:
            params["assignee"] = assignee
        return params

    async def load(self) -> None:
        self.loading = True
        try:
            page = await self.api.get(
                "/tickets", AdminTicketPage, limit=PAGE, offset=self.offset, **self._filters()
            )
            self.sla = await self.api.get("/tickets/sla", SlaFigures, days=self.sla_days)
            self.rows, self.total, self.error, self.loaded = page.items, page.total, None, True
        except ApiError as exc:
            self.error = exc.message
        finally:
            self.loading = False

    async def filter_status(self, name: str) -> None:
        self.status_filter, self.offset = name, 0
        await self.load()

    async def filter_kind(self, kind: TicketKind | None) -> None:
        self.kind, self.offset = kind, 0
        await self.load()

    async def filter_assignee(self, name: str) -> None:
        self.assignee, self.offset = name, 0
        await self.load()

    async def search(self, text: str) -> None:
        self.query, self.offset = text, 0
        await self.load()

    async def page(self, step: int) -> None:
        self.offset = max(0, min(self.offset + step * PAGE, max(self.total - 1, 0)))
        await self.load()

    async def export(self) -> bytes | None:
        """The tickets matching the filters as CSV (every page)."""
        try:
            data = await self.api.download("/tickets/export.csv", **self._filters())
        except ApiError as exc:
            self.error = exc.message
            return None
        self.error = None
        return data

    # -- one ticket ---------------------------------------------------------------------------------

    async def open(self, number: int) -> None:
        self.busy, self.resolution, self.notice = True, None, None
        try:
            self.ticket, self.error = await self.api.get(f"/tickets/{number}", AdminTicket), None
        except ApiError as exc:
            self.error = exc.message
        finally:
            self.busy = False

    def close(self) -> None:
        self.ticket, self.resolution, self.notice = None, None, None

    async def reply(self, body: str) -> bool:
        if self.ticket is None:
            return False
        if not body.strip():
            self.error = "Write your answer first."
            return False
        number = self.ticket.number
        return await self._change(
            self.api.send("POST", f"/tickets/{number}/messages", AdminTicket, {"body": body.strip()}),
            "Sent. The driver's app shows your answer and the ticket waits for them.",
        )

    async def set_status(self, status: TicketStatus) -> bool:
        if self.ticket is None:
            return False
        number = self.ticket.number
        return await self._change(
            self.api.send("PATCH", f"/tickets/{number}", AdminTicket, {"status": status.value}),
            f"Ticket #{number} is now {status.value}.",
        )

    async def assign_to_me(self) -> bool:
        if self.ticket is None:
            return False
        number = self.ticket.number
        return await self._change(
            self.api.send("PATCH", f"/tickets/{number}", AdminTicket, {"assign_to_me": True}),
            f"Ticket #{number} is assigned to you.",
        )

    async def unassign(self) -> bool:
        if self.ticket is None:
            return False
        number = self.ticket.number
        return await self._change(
            self.api.send("PATCH", f"/tickets/{number}", AdminTicket, {"assignee_email": None}),
            f"Ticket #{number} is unassigned.",
        )

    async def resolve(
        self, answer: str, outcome: DisputeOutcome | None = None, *, refund: bool = False
    ) -> None:
        ticket = self.ticket
        if ticket is None:
            return
        if not answer.strip():
            self.error = "Write the answer the driver will read."
            return
        if ticket.kind is TicketKind.dispute and outcome is None:
            self.error = "Choose whether the dispute is upheld (the driver is right) or rejected."
            return
        body: dict[str, Any] = {"resolution": answer.strip()}
        if ticket.kind is TicketKind.dispute:
            body["outcome"] = outcome.value if outcome else None
            body["refund"] = refund and outcome is DisputeOutcome.upheld
        self.busy = True
        try:
            done = await self.api.send("POST", f"/tickets/{ticket.number}/resolve", TicketResolution, body)
        except ApiError as exc:
            self.error = exc.message
            return
        finally:
            self.busy = False
        assert done is not None
        self.ticket, self.resolution, self.error = done.ticket, done, None
        self.notice = resolution_text(done)
        await self.load()

    async def _change(self, call, notice: str) -> bool:
        self.busy = True
        try:
            changed = await call
        except ApiError as exc:
            self.error = exc.message
            return False
        finally:
            self.busy = False
        self.ticket, self.error, self.notice = changed, None, notice
        await self.load()
        return True


def resolution_text(done: TicketResolution) -> str:
    ticket = done.ticket
    said = f"Ticket #{ticket.number} resolved"
    if ticket.outcome is not None:
        said += f": dispute {ticket.outcome.value}"
    said += "."
    if done.voided_invoice:
        said += f" Invoice {done.voided_invoice} is void."
    if done.refund_started and done.next_step:
        said += f" {done.next_step}"
    elif done.next_step:
        said += f" Next: {done.next_step}"
    elif done.refund_due is None and ticket.outcome is DisputeOutcome.upheld:
        said += " Nothing was paid, so there is nothing to refund."
    return said
