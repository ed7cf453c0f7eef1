"""One ticket: the chat with the driver, status and assignee, what it is about, the evidence of a
dispute (enforcement checks of the plate, the stay's events and payments, the invoice), and the
resolution (a dispute upheld or rejected, with what upholding does said first)."""

from zoneinfo import ZoneInfo

import flet as ft

from mobile.admin.state.session import AdminSession
from mobile.admin.state.support import SupportState, refundable, upholding_effect
from mobile.admin.views.common import card, chip, keep, local_time, money, read_only_note, table
from mobile.components.common import error_text, info_text
from shared.schemas.support import (
    AdminTicket,
    DisputeOutcome,
    Evidence,
    MessageAuthor,
    TicketKind,
    TicketMessageOut,
    TicketStatus,
)

CHECK_TEXT = {
    "parked_unpaid": "parked, unpaid",
    "paid": "paid",
    "pass_active": "valid pass",
    "not_found": "not parked here",
}


def _short(at, tz: str | None) -> str:
    """`06 Dec 18:40` in the operator's time zone: evidence tables sit in a narrow column."""
    if at is None:
        return "—"
    return (at.astimezone(ZoneInfo(tz)) if tz else at).strftime("%d %b %H:%M")


def status_chip(status: TicketStatus, outcome: DisputeOutcome | None = None) -> ft.Control:
    severity, text = {
        TicketStatus.open: ("warning", "needs answer"),
        TicketStatus.pending: ("info", "waiting for driver"),
        TicketStatus.resolved: ("success", "resolved"),
        TicketStatus.closed: ("muted", "closed"),
    }[status]
    return chip(text + (f" · {outcome.value}" if outcome is not None else ""), severity)


def _bubble(message: TicketMessageOut, tz: str | None) -> ft.Control:
    driver = message.author is MessageAuthor.driver
    system = message.author is MessageAuthor.system
    who = {
        MessageAuthor.driver: f"{message.author_name} (driver)",
        MessageAuthor.operator: message.author_name,
        MessageAuthor.system: f"{message.author_name} · note",
    }[message.author]
    bubble = ft.Container(
        ft.Column(
            [
                ft.Text(
                    f"{who} · {local_time(message.created_at, tz)}",
                    size=12,
                    weight=ft.FontWeight.BOLD,
                    color=ft.Colors.ON_SURFACE_VARIANT,
                ),
                ft.Text(message.body, selectable=True),
            ],
            spacing=4,
            tight=True,
        ),
        bgcolor=ft.Colors.SURFACE_CONTAINER_HIGH
        if driver
        else ft.Colors.GREEN_50
        if system
        else ft.Colors.PRIMARY_CONTAINER,
        padding=12,
        border_radius=10,
        width=520,
    )
    return ft.Row([bubble], alignment=ft.MainAxisAlignment.START if driver else ft.MainAxisAlignment.END)


@ft.component
def Chat(state: SupportState, ticket: AdminTicket, tz: str | None, editable: bool) -> ft.Control:
    typed = ft.use_ref(lambda: {"answer": ""}).current
    version, set_version = ft.use_state(0)

    async def send(_=None) -> None:
        if await state.reply(typed["answer"]):
            typed["answer"] = ""
            set_version(version + 1)

    controls: list[ft.Control] = [_bubble(m, tz) for m in ticket.messages]
    if editable:
        controls += [
            ft.Row(
                [
                    ft.TextField(
                        key=f"answer-{ticket.number}-{version}",
                        label="Answer the driver",
                        hint_text="The driver sees this in their app",
                        multiline=True,
                        min_lines=2,
                        max_lines=6,
                        on_change=keep(typed, "answer"),
                        expand=True,
                    )
                ]
            ),
            ft.Row(
                [
                    ft.FilledButton("Send answer", icon=ft.Icons.SEND, on_click=send, disabled=state.busy),
                    ft.Text(
                        "Sending makes the ticket wait for the driver (and reopens a resolved one).",
                        size=12,
                        color=ft.Colors.ON_SURFACE_VARIANT,
                    ),
                ]
            ),
        ]
    return card(f"Chat with {ticket.driver_name or ticket.driver_email or 'the driver'}", controls)


def _facts(ticket: AdminTicket, tz: str | None) -> list[ft.Control]:
    rows = [
        ("Driver", f"{ticket.driver_name or '—'} · {ticket.driver_email or 'account deleted'}"),
        ("Plate", ticket.plate or "—"),
        ("Facility", ticket.facility_name or ticket.facility or "—"),
        ("Opened", local_time(ticket.created_at, tz)),
        ("First answer", local_time(ticket.first_response_at, tz)),
        ("Assigned to", ticket.assignee or "nobody"),
    ]
    if ticket.resolved_at:
        rows.append(("Resolved", local_time(ticket.resolved_at, tz)))
    return [
        ft.Row([ft.Text(label, width=110, color=ft.Colors.ON_SURFACE_VARIANT), ft.Text(value, expand=True)])
        for label, value in rows
    ]


@ft.component
def Actions(state: SupportState, ticket: AdminTicket, editable: bool) -> ft.Control:
    if not editable:
        return read_only_note(False)

    def to(status: TicketStatus):
        async def handler(_) -> None:
            await state.set_status(status)

        return handler

    async def mine(_) -> None:
        await state.assign_to_me()

    async def nobody(_) -> None:
        await state.unassign()

    buttons: list[ft.Control] = [
        ft.OutlinedButton("Unassign", on_click=nobody)
        if ticket.assignee
        else ft.FilledTonalButton("Assign to me", icon=ft.Icons.PERSON_ADD, on_click=mine)
    ]
    if ticket.status is TicketStatus.pending:
        buttons.append(ft.OutlinedButton("Mark as needing an answer", on_click=to(TicketStatus.open)))
    if ticket.status is TicketStatus.open:
        buttons.append(ft.OutlinedButton("Mark as waiting for driver", on_click=to(TicketStatus.pending)))
    closable = ticket.status is not TicketStatus.closed and (
        ticket.kind is TicketKind.question or ticket.status is TicketStatus.resolved
    )
    if closable:
        buttons.append(
            ft.OutlinedButton("Close ticket", icon=ft.Icons.ARCHIVE, on_click=to(TicketStatus.closed))
        )
    return ft.Row(buttons, wrap=True)


def _evidence(evidence: Evidence, tz: str | None) -> list[ft.Control]:
    controls: list[ft.Control] = [
        ft.Text(
            f"Enforcement checks of the plate here from {local_time(evidence.window_from, tz)} "
            f"to {local_time(evidence.window_until, tz)}:",
            size=13,
        )
    ]
    if evidence.checks:
        controls += [
            ft.Row(
                [
                    ft.Text(_short(c.at, tz), width=96, weight=ft.FontWeight.W_500),
                    ft.Container(
                        chip(
                            CHECK_TEXT.get(c.status, c.status.replace("_", " "))
                            + (" · fine" if c.should_fine else " · no fine"),
                            "error" if c.should_fine else "success",
                        ),
                        width=170,
                    ),
                    ft.Text(
                        f"by {c.key_name or 'a handheld'} at {_short(c.checked_at, tz)}",
                        size=12,
                        color=ft.Colors.ON_SURFACE_VARIANT,
                        expand=True,
                    ),
                ]
            )
            for c in evidence.checks
        ]
    else:
        controls.append(ft.Text("No enforcement officer checked this plate then.", italic=True))
    stay = evidence.stay
    if stay is not None:
        controls += [
            ft.Text("The stay", weight=ft.FontWeight.BOLD),
            ft.Row(
                [
                    chip(stay.status),
                    ft.Text(
                        f"{stay.plate} · in {local_time(stay.entered_at, tz)}"
                        f" · out {local_time(stay.exited_at, tz)}"
                        + (f" · free until {local_time(stay.free_until, tz)}" if stay.free_until else "")
                    ),
                ],
                wrap=True,
            ),
            ft.Text(
                f"Price {money(stay.total_amount, stay.currency)}"
                f" · paid {money(stay.paid_amount, stay.currency)}"
                + (f" · {stay.failure_reason}" if stay.failure_reason else "")
            ),
        ]
        if stay.events:
            controls.append(
                ft.Text(
                    "Camera events: "
                    + "; ".join(
                        f"{e.event} {local_time(e.occurred_at, tz)} ({e.source})" for e in stay.events
                    ),
                    size=13,
                )
            )
        if stay.invoice is not None:
            invoice = stay.invoice
            controls.append(
                ft.Row(
                    [
                        ft.Text(f"Invoice {invoice.number}: {money(invoice.amount, invoice.currency)}"),
                        chip(invoice.status),
                    ]
                )
            )
        payments = stay.payments
    elif evidence.session is not None:
        session = evidence.session
        controls += [
            ft.Text("The prepaid session", weight=ft.FontWeight.BOLD),
            ft.Row(
                [
                    chip(session.status),
                    ft.Text(
                        f"{session.plate} · {local_time(session.starts_at, tz)}"
                        f" – {local_time(session.ends_at, tz)}"
                        + (f" · stopped {local_time(session.stopped_at, tz)}" if session.stopped_at else "")
                    ),
                ],
                wrap=True,
            ),
            ft.Text(
                f"Charged {money(session.total_amount, session.currency)} · refunded "
                f"{money(session.refunded_amount, session.currency)}"
            ),
        ]
        payments = session.payments
    else:
        payments = []
    if payments:
        controls.append(
            table(
                ["Payment", "When", "Amount", "Refunded", "Status"],
                [
                    [
                        p.purpose.replace("_", " "),
                        _short(p.created_at, tz),
                        money(p.amount, p.currency),
                        money(p.refunded_amount, p.currency),
                        chip(p.status),
                    ]
                    for p in payments
                ],
                column_spacing=14,
            )
        )
    return controls


@ft.component
def Resolve(state: SupportState, ticket: AdminTicket) -> ft.Control:
    typed = ft.use_ref(lambda: {"note": ""}).current
    outcome, set_outcome = ft.use_state(None)
    refund, set_refund = ft.use_state(True)  # upholding usually means the money goes back
    dispute = ticket.kind is TicketKind.dispute
    paid = refundable(ticket) if dispute else None

    def choose(value: DisputeOutcome):
        def handler(_) -> None:
            set_outcome(value)

        return handler

    async def resolve(_) -> None:
        await state.resolve(typed["note"], outcome, refund=refund and paid is not None)

    def tick(e) -> None:
        set_refund(bool(e.control.value))

    controls: list[ft.Control] = []
    if dispute:
        controls += [
            ft.Row(
                [
                    ft.FilledButton(
                        "Uphold: the driver is right",
                        icon=ft.Icons.CHECK,
                        on_click=choose(DisputeOutcome.upheld),
                    )
                    if outcome is DisputeOutcome.upheld
                    else ft.OutlinedButton(
                        "Uphold: the driver is right", on_click=choose(DisputeOutcome.upheld)
                    ),
                    ft.FilledButton(
                        "Reject: the charge stands",
                        icon=ft.Icons.CHECK,
                        on_click=choose(DisputeOutcome.rejected),
                    )
                    if outcome is DisputeOutcome.rejected
                    else ft.OutlinedButton(
                        "Reject: the charge stands", on_click=choose(DisputeOutcome.rejected)
                    ),
                ],
                wrap=True,
            ),
            ft.Container(
                ft.Text(
                    "Upholding: " + upholding_effect(ticket)
                    if outcome is not DisputeOutcome.rejected
                    else "Rejecting: the charge and any invoice stay as they are; the driver is told why."
                ),
                bgcolor=ft.Colors.AMBER_50 if outcome is not DisputeOutcome.rejected else ft.Colors.BLUE_50,
                padding=10,
                border_radius=8,
            ),
        ]
        if outcome is DisputeOutcome.upheld and paid is not None:
            controls.append(
                ft.Checkbox(
                    label=f"Refund {money(*paid)} to the driver's card",
                    value=refund,
                    on_change=tick,
                )
            )
    controls += [
        ft.Row(
            [
                ft.TextField(
                    label="Resolution note for the driver",
                    hint_text="Why: e.g. 'Your pass was valid; we voided the invoice.'",
                    multiline=True,
                    min_lines=2,
                    max_lines=5,
                    on_change=keep(typed, "note"),
                    expand=True,
                )
            ]
        ),
        ft.FilledButton(
            "Resolve dispute" if dispute else "Resolve ticket",
            icon=ft.Icons.TASK_ALT,
            on_click=resolve,
            disabled=state.busy,
        ),
    ]
    return card("Resolve the dispute" if dispute else "Resolve", controls)


@ft.component
def TicketDetail(state: SupportState, session: AdminSession, tz: str | None) -> ft.Control:
    ticket = state.ticket
    assert ticket is not None
    editable = not session.read_only

    async def back(_) -> None:
        state.close()
        await state.load()

    async def refresh(_) -> None:
        await state.open(ticket.number)

    side: list[ft.Control] = [
        card("Ticket", [*_facts(ticket, tz), Actions(state, ticket, editable)]),
    ]
    if ticket.evidence is not None:
        side.append(
            card(
                "Evidence" if ticket.kind is TicketKind.dispute else "What it is about",
                _evidence(ticket.evidence, tz),
            )
        )
    if ticket.resolution:
        side.append(card("Resolution", [ft.Text(ticket.resolution)]))
    elif editable and ticket.status not in (TicketStatus.resolved, TicketStatus.closed):
        side.append(Resolve(state, ticket))
    kind = chip("dispute", "error") if ticket.kind is TicketKind.dispute else chip("question", "muted")
    return ft.Column(
        [
            ft.Row(
                [
                    ft.TextButton("Back to tickets", icon=ft.Icons.ARROW_BACK, on_click=back),
                    ft.Text(
                        f"#{ticket.number} {ticket.subject}",
                        theme_style=ft.TextThemeStyle.HEADLINE_SMALL,
                        expand=True,
                    ),
                    kind,
                    status_chip(ticket.status, ticket.outcome),
                    ft.IconButton(ft.Icons.REFRESH, tooltip="Reload the chat", on_click=refresh),
                ]
            ),
            error_text(state.error),
            info_text(state.notice),
            ft.Row(
                [
                    ft.Column([Chat(state, ticket, tz, editable)], expand=1),
                    ft.Column(side, expand=1, spacing=12),
                ],
                vertical_alignment=ft.CrossAxisAlignment.START,
                spacing=14,
            ),
        ],
        spacing=12,
        scroll=ft.ScrollMode.AUTO,
        expand=True,
    )
