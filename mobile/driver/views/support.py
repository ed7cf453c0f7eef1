"""Help and disputes: the driver's tickets, a chat with the operator, and a new ticket about a session
or a receipt (opened from there with "Get help" or "Dispute this charge")."""

from datetime import datetime
from zoneinfo import ZoneInfo

import flet as ft

from mobile.components.common import empty, error_text, info_text, loading, page_view
from mobile.driver.context import act, go, use_states
from mobile.driver.state.support import SupportState, status_text
from shared.schemas.support import (
    DriverTicketSummary,
    MessageAuthor,
    TicketKind,
    TicketMessageOut,
    TicketStatus,
)

_STATUS_COLORS = {
    TicketStatus.open: (ft.Colors.BLUE_50, ft.Colors.BLUE_900),
    TicketStatus.pending: (ft.Colors.AMBER_100, ft.Colors.BROWN_900),
    TicketStatus.resolved: (ft.Colors.GREEN_100, ft.Colors.GREEN_900),
    TicketStatus.closed: (ft.Colors.GREY_200, ft.Colors.GREY_800),
}


def _when(at: datetime, timezone: str | None) -> str:
    return (at.astimezone(ZoneInfo(timezone)) if timezone else at).strftime("%d %b %H:%M")


def _wide(field: ft.Control) -> ft.Control:
    """A text field as wide as the screen (a Column leaves it at its default width)."""
    return ft.Row([field])


def _status_chip(ticket: DriverTicketSummary) -> ft.Control:
    background, foreground = _STATUS_COLORS[ticket.status]
    return ft.Container(
        ft.Text(status_text(ticket), size=12, color=foreground),
        bgcolor=background,
        padding=ft.Padding.symmetric(horizontal=8, vertical=3),
        border_radius=10,
    )


def help_buttons(support: SupportState, label: str, *, stay_id=None, session_id=None) -> ft.Control:
    """ "Get help" and "Dispute this charge" for one stay or session."""

    async def start(kind: TicketKind) -> None:
        support.prepare(kind, label, stay_id=stay_id, session_id=session_id)
        await go("/help/new")

    return ft.Row(
        [
            ft.TextButton("Get help", icon=ft.Icons.HELP_OUTLINE, on_click=act(start, TicketKind.question)),
            ft.TextButton(
                "Dispute this charge", icon=ft.Icons.GAVEL, on_click=act(start, TicketKind.dispute)
            ),
        ],
        wrap=True,
        spacing=0,
    )


@ft.component
def TicketRow(ticket: DriverTicketSummary) -> ft.Control:
    tz = ticket.facility.timezone if ticket.facility else None
    about = " · ".join(
        part for part in (ticket.facility.name if ticket.facility else None, ticket.license_plate) if part
    )
    card = ft.Card(
        ft.Container(
            ft.Column(
                [
                    ft.Text(f"#{ticket.number} {ticket.subject}", weight=ft.FontWeight.BOLD),
                    ft.Text(f"{ticket.operator}{' · ' + about if about else ''}", size=13),
                    ft.Row(
                        [
                            _status_chip(ticket),
                            ft.Text(f"last message {_when(ticket.last_message_at, tz)}", size=12),
                        ],
                        wrap=True,
                    ),
                ],
                tight=True,
                spacing=6,
            ),
            padding=14,
            on_click=act(go, f"/help/{ticket.id}"),
            ink=True,
        ),
        expand=True,
    )
    return _wide(card)


@ft.component
def Help() -> ft.View:
    support = use_states().support

    async def load() -> None:
        await support.load()

    ft.use_effect(load, [])
    body: list[ft.Control] = [
        ft.Text(
            "Questions and disputes with the car park operators. To ask about a charge, open the "
            "parking or its receipt (History) and choose Get help or Dispute this charge.",
            color=ft.Colors.ON_SURFACE_VARIANT,
        ),
        error_text(support.error),
    ]
    if support.loading and not support.loaded:
        body.append(loading())
    elif not support.tickets:
        body.append(empty("No tickets yet."))
    body += [TicketRow(t) for t in support.tickets]
    body.append(ft.OutlinedButton("Receipts and history", on_click=act(go, "/history")))
    return page_view("/help", "Help and disputes", body)


def _bubble(message: TicketMessageOut, timezone: str | None) -> ft.Control:
    mine = message.author is MessageAuthor.driver
    system = message.author is MessageAuthor.system
    who = "You" if mine else message.author_name
    color = (
        ft.Colors.PRIMARY_CONTAINER
        if mine
        else ft.Colors.GREEN_50
        if system
        else ft.Colors.SURFACE_CONTAINER_HIGH
    )
    return ft.Row(
        [
            ft.Container(
                ft.Column(
                    [
                        ft.Text(
                            f"{who} · {_when(message.created_at, timezone)}",
                            size=12,
                            weight=ft.FontWeight.BOLD,
                        ),
                        ft.Text(message.body, selectable=True),
                    ],
                    tight=True,
                    spacing=4,
                ),
                bgcolor=color,
                padding=10,
                border_radius=10,
                width=300,
            )
        ],
        alignment=ft.MainAxisAlignment.END if mine else ft.MainAxisAlignment.START,
    )


@ft.component
def TicketChat() -> ft.View:
    support = use_states().support
    ticket_id = ft.use_route_params().get("ticket_id", "")
    typed = ft.use_ref("")
    version, set_version = ft.use_state(0)

    async def load() -> None:
        await support.open(ticket_id)

    ft.use_effect(load, [ticket_id])
    route = f"/help/{ticket_id}"
    ticket = support.current
    if ticket is None or ticket.id != ticket_id:
        return page_view(route, "Ticket", [error_text(support.error) if support.error else loading()])

    def keep(e) -> None:
        typed.current = e.control.value

    async def send(_=None) -> None:
        if await support.reply(typed.current or ""):
            typed.current = ""
            set_version(version + 1)  # a fresh, empty box

    tz = ticket.facility.timezone if ticket.facility else None
    about = " · ".join(
        part for part in (ticket.facility.name if ticket.facility else None, ticket.license_plate) if part
    )
    body: list[ft.Control] = [
        ft.Text(f"#{ticket.number} {ticket.subject}", theme_style=ft.TextThemeStyle.TITLE_LARGE),
        ft.Text(f"{ticket.operator}{' · ' + about if about else ''}"),
        _status_chip(ticket),
        info_text(support.notice),
        error_text(support.error),
        *[_bubble(m, tz) for m in ticket.messages],
    ]
    if ticket.status is TicketStatus.closed:
        body.append(
            empty("This ticket is closed. Open a new one from the parking or receipt if you still need help.")
        )
    else:
        if ticket.status is TicketStatus.resolved:
            body.append(empty("Resolved. Writing again reopens the ticket."))
        body += [
            _wide(
                ft.TextField(
                    key=f"reply-{version}",
                    label="Your message",
                    multiline=True,
                    min_lines=2,
                    max_lines=5,
                    on_change=keep,
                    expand=True,
                )
            ),
            ft.FilledButton("Send message", icon=ft.Icons.SEND, on_click=send, disabled=support.busy),
        ]
    return page_view(route, "Ticket", body)


@ft.component
def NewTicket() -> ft.View:
    support = use_states().support
    subject = ft.use_ref("")
    message = ft.use_ref("")
    draft = support.draft

    async def send(_=None) -> None:
        made = await support.send(message.current or "", subject.current or None)
        if made is not None:
            await go(f"/help/{made.id}")

    def keep(ref):
        def handler(e) -> None:
            ref.current = e.control.value

        return handler

    if draft is None:
        return page_view(
            "/help/new",
            "Get help",
            [
                empty("Open a parking or a receipt and choose Get help or Dispute this charge there."),
                error_text(support.error),
            ],
        )
    dispute = draft.kind is TicketKind.dispute
    body: list[ft.Control] = [
        ft.Text(f"About: {draft.label}"),
        ft.Text(
            "Say why the charge is wrong (for example: you had a pass, or you left earlier). The operator "
            "checks their records and answers here; if you are right, the charge is cancelled or refunded."
            if dispute
            else "The car park's operator answers here, usually within a few hours.",
            color=ft.Colors.ON_SURFACE_VARIANT,
        ),
        error_text(support.error),
        _wide(ft.TextField(label="Subject", value=draft.subject, on_change=keep(subject), expand=True)),
        _wide(
            ft.TextField(
                label="Why is the charge wrong?" if dispute else "Your question",
                multiline=True,
                min_lines=3,
                max_lines=8,
                on_change=keep(message),
                expand=True,
            )
        ),
        ft.FilledButton(
            "Send dispute" if dispute else "Send question",
            icon=ft.Icons.SEND,
            on_click=send,
            disabled=support.busy,
        ),
    ]
    return page_view("/help/new", "Dispute a charge" if dispute else "Get help", body)
