"""Support: the operator's tickets with SLA figures, filters, search and a CSV export; a ticket opens
in place (see support_ticket.py)."""

import flet as ft

from mobile.admin.context import use_admin, use_screen
from mobile.admin.state.session import AdminSession
from mobile.admin.state.support import ASSIGNEE_FILTERS, STATUS_FILTERS, SupportState, minutes_text
from mobile.admin.views.common import card, chip, follow, heading, local_time, table, typed_field
from mobile.admin.views.support_ticket import TicketDetail, status_chip
from mobile.components.common import error_text, info_text, loading
from shared.schemas.support import AdminTicketRow, SlaFigures, TicketKind, TicketStatus

KIND_FILTERS: dict[str, TicketKind | None] = {
    "All kinds": None,
    "Questions": TicketKind.question,
    "Disputes": TicketKind.dispute,
}


def tenant_timezone(session: AdminSession) -> str | None:
    """The acting operator's time zone (ticket times are shown in it)."""
    return next((t.timezone for t in session.tenants if t.slug == session.acting), None)


async def save_download(picker: ft.FilePicker, file_name: str, data: bytes) -> None:
    """Hand bytes to the browser (web) or a save dialog (desktop). On Flet web `save_file` needs both
    `file_name` and `src_bytes`, and the browser downloads the file."""
    await picker.save_file(file_name=file_name, src_bytes=data)


def _figure(label: str, value: str, note: str, severity: str | None = None) -> ft.Control:
    colors = {
        "success": ft.Colors.GREEN_800,
        "error": ft.Colors.RED_800,
        "warning": ft.Colors.BROWN_800,
    }
    return ft.Container(
        ft.Column(
            [
                ft.Text(label, size=12, color=ft.Colors.ON_SURFACE_VARIANT),
                ft.Text(
                    value,
                    size=24,
                    weight=ft.FontWeight.BOLD,
                    color=colors.get(severity or "", ft.Colors.ON_SURFACE),
                ),
                ft.Text(note, size=12, color=ft.Colors.ON_SURFACE_VARIANT),
            ],
            spacing=2,
            tight=True,
        ),
        bgcolor=ft.Colors.SURFACE_CONTAINER_LOW,
        border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
        border_radius=10,
        padding=12,
        expand=True,
    )


def sla_row(sla: SlaFigures | None) -> ft.Control:
    if sla is None:
        return ft.Container(visible=False)
    target = sla.first_response_target
    hours = target.target_minutes / 60
    target_text = f"{hours:g} h" if hours >= 1 else f"{target.target_minutes} min"
    share = "—" if target.share is None else f"{target.share:.0%}"
    severity = None if target.share is None else "success" if target.share >= 0.9 else "warning"
    if target.share is not None and target.share < 0.7:
        severity = "error"
    waiting = sla.by_status.get(TicketStatus.open, 0)
    pending = sla.by_status.get(TicketStatus.pending, 0)
    first = sla.first_response
    return ft.Row(
        [
            _figure(
                f"Tickets, last {sla.days} days",
                str(sla.total),
                f"{waiting} need an answer · {pending} wait for the driver",
            ),
            _figure(
                "First response (median)",
                minutes_text(sla.first_response.median_minutes),
                f"90% within {minutes_text(first.p90_minutes)} · {first.count} answered",
            ),
            _figure(
                f"Answered within {target_text}",
                share,
                f"target {target_text}: {target.met} met, {target.missed} missed",
                severity,
            ),
            _figure(
                "Resolution time (median)",
                minutes_text(sla.resolution.median_minutes),
                f"90% within {minutes_text(sla.resolution.p90_minutes)} · {sla.resolution.count} resolved",
            ),
        ],
        spacing=12,
    )


def _choice(label: str, chosen: bool, on_click) -> ft.Control:
    if chosen:
        return ft.FilledButton(label, icon=ft.Icons.CHECK, on_click=on_click)
    return ft.OutlinedButton(label, on_click=on_click)


@ft.component
def Filters(state: SupportState) -> ft.Control:
    typed = ft.use_ref(lambda: {"query": state.query}).current

    async def search(_=None) -> None:
        await state.search(typed["query"])

    def by_status(name: str):
        async def handler(_) -> None:
            await state.filter_status(name)

        return handler

    def by_kind(kind: TicketKind | None):
        async def handler(_) -> None:
            await state.filter_kind(kind)

        return handler

    def by_assignee(name: str):
        async def handler(_) -> None:
            await state.filter_assignee(name)

        return handler

    return ft.Column(
        [
            ft.Row(
                [
                    typed_field(
                        follow(typed, "query", state.query),
                        "query",
                        "Search tickets",
                        hint_text="plate, e-mail, subject or #12",
                        width=320,
                        on_submit=search,
                    ),
                    ft.FilledTonalButton("Search", icon=ft.Icons.SEARCH, on_click=search),
                    ft.VerticalDivider(width=16),
                    *[
                        _choice(name, state.kind is kind, by_kind(kind))
                        for name, kind in KIND_FILTERS.items()
                    ],
                ],
                wrap=True,
            ),
            ft.Row(
                [
                    ft.Text("Status:", weight=ft.FontWeight.W_500),
                    *[
                        _choice(name.capitalize(), state.status_filter == name, by_status(name))
                        for name in STATUS_FILTERS
                    ],
                    ft.VerticalDivider(width=16),
                    ft.Text("Assigned:", weight=ft.FontWeight.W_500),
                    *[
                        _choice(f"{name.capitalize()}", state.assignee == name, by_assignee(name))
                        for name in ASSIGNEE_FILTERS
                    ],
                ],
                wrap=True,
            ),
        ],
        spacing=8,
    )


def _rows(state: SupportState, tz: str | None) -> list[list[ft.Control | str]]:
    def opener(row: AdminTicketRow):
        async def handler(_) -> None:
            await state.open(row.number)

        return handler

    return [
        [
            ft.TextButton(f"#{row.number}", on_click=opener(row), tooltip="Open the chat"),
            ft.Container(ft.Text(row.subject, max_lines=1, overflow=ft.TextOverflow.ELLIPSIS), width=260),
            chip("dispute", "error") if row.kind is TicketKind.dispute else chip("question", "muted"),
            status_chip(row.status, row.outcome),
            row.driver_name or row.driver_email or "deleted account",
            row.plate or "—",
            row.facility_name or row.facility or "—",
            row.assignee or "unassigned",
            local_time(row.last_message_at, tz),
        ]
        for row in state.rows
    ]


@ft.component
def Support() -> ft.Control:
    session = use_admin().session
    state: SupportState = use_screen("support", SupportState)
    picker = ft.use_memo(ft.FilePicker, [])
    tz = tenant_timezone(session)

    async def load() -> None:
        await state.load()

    ft.use_effect(load, [session.acting])

    async def export(_) -> None:
        data = await state.export()
        if data is not None:
            await save_download(picker, "tickets.csv", data)
            count = max(data.count(b"\n") - 1, 0)
            state.notice = f"Saved tickets.csv ({count} tickets, times in UTC)."

    if state.ticket is not None:
        return TicketDetail(state, session, tz)

    async def previous(_) -> None:
        await state.page(-1)

    async def following(_) -> None:
        await state.page(1)

    shown_to = min(state.offset + len(state.rows), state.total)
    body: list[ft.Control] = [
        heading(
            "Support",
            "Drivers' questions and disputes, numbered for your team. Answer in the chat; disputes show "
            "the enforcement checks and payments as evidence.",
            [ft.OutlinedButton("Export CSV", icon=ft.Icons.DOWNLOAD, on_click=export)],
        ),
        error_text(state.error),
        info_text(state.notice),
        sla_row(state.sla),
        Filters(state),
    ]
    if state.loading and not state.loaded:
        body.append(loading("Loading tickets…"))
    elif not state.rows:
        body.append(
            card(
                "No tickets match",
                [
                    ft.Text(
                        "Nothing here for these filters. Choose Status: All to see every ticket; drivers "
                        "open tickets from a parking or a receipt in their app."
                    )
                ],
            )
        )
    else:
        body += [
            table(
                ["#", "Subject", "Kind", "Status", "Driver", "Plate", "Facility", "Assignee", "Last message"],
                _rows(state, tz),
                column_spacing=18,
            ),
            ft.Row(
                [
                    ft.Text(f"{state.offset + 1}–{shown_to} of {state.total}"),
                    ft.TextButton("Previous page", on_click=previous, disabled=state.offset == 0),
                    ft.TextButton("Next page", on_click=following, disabled=shown_to >= state.total),
                ]
            ),
        ]
    return ft.Column(body, spacing=14, scroll=ft.ScrollMode.AUTO, expand=True)
