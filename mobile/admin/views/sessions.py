"""Sessions: the list of stays and prepaid sessions with its filters, paging and CSV export; a clicked
plate opens the record's timeline (views/timeline.py) in place of the list."""

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta

import flet as ft

from mobile.admin.context import use_admin, use_screen
from mobile.admin.state.session import AdminSession
from mobile.admin.state.sessions import SESSION_STATUSES, STAY_STATUSES, SessionsState, duration_text
from mobile.admin.views.common import act, chip, follow, heading, local_time, money, table, typed_field
from mobile.admin.views.timeline import Timeline
from mobile.components.common import error_text, info_text
from shared.schemas.admin_records import RecordRow

ALL = "all"
KIND_LABELS = {"stay": "Stay", "session": "Prepaid session"}
SOURCE_LABELS = {"anpr": "camera", "geofence": "phone", "app": "app", "provider": "provider"}


def _option(key: str, text: str) -> ft.DropdownOption:
    return ft.DropdownOption(key=key, text=text)


def _amount(row: RecordRow) -> ft.Control:
    lines = [ft.Text(money(row.owed_amount, row.currency))]
    if row.status == "open":
        # Still inside: the price so far, not a debt yet.
        lines.append(ft.Text("so far", size=12, color=ft.Colors.ON_SURFACE_VARIANT))
    elif row.due_amount:
        lines.append(ft.Text(f"{money(row.due_amount, row.currency)} due", size=12, color=ft.Colors.RED_800))
    return ft.Column(lines, spacing=0, tight=True)


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


@ft.component
def DayPicker(label: str, current: date | None, on_pick: Callable[[date], Awaitable[None]]) -> ft.Control:
    """A calendar button beside a typed day: the operator's choice of typing or picking."""

    async def picked(e) -> None:
        value = e.control.value
        if value is not None:
            await on_pick(value.date() if isinstance(value, datetime) else value)

    def open_calendar(_) -> None:
        today = datetime.now(UTC).date()  # the bounds only: a day either side changes nothing
        ft.context.page.show_dialog(
            ft.DatePicker(
                value=current or today,
                first_date=date(today.year - 3, 1, 1),
                last_date=today + timedelta(days=1),
                help_text=label,
                on_change=picked,
            )
        )

    # Named by visible text: a tooltip alone names a wrapper, not the button, for screen readers.
    return ft.TextButton(label, icon=ft.Icons.CALENDAR_MONTH, on_click=open_calendar)


@ft.component
def Filters(state: SessionsState) -> ft.Control:
    f = state.filters
    typed = ft.use_ref(
        lambda: {
            "plate": f.plate,
            "day_from": f.day_from.isoformat() if f.day_from else "",
            "day_to": f.day_to.isoformat() if f.day_to else "",
        }
    ).current

    async def search(_=None) -> None:
        await state.search(typed["plate"], typed["day_from"], typed["day_to"])

    async def pick_facility(e) -> None:
        await state.apply(facility=None if e.control.value in (None, ALL) else e.control.value)

    async def pick_kind(e) -> None:
        await state.apply(kind=None if e.control.value in (None, ALL) else e.control.value)

    async def pick_status(e) -> None:
        await state.apply(status=None if e.control.value in (None, ALL) else e.control.value)

    async def pick_from(day: date) -> None:
        await state.apply(day_from=day)

    async def pick_to(day: date) -> None:
        await state.apply(day_to=day)

    async def clear(_) -> None:
        typed.update(plate="", day_from="", day_to="")
        await state.clear()

    statuses = STAY_STATUSES if f.kind == "stay" else SESSION_STATUSES if f.kind == "session" else None
    status_options = [_option(ALL, "Any status")]
    status_options += [_option(s, s.replace("_", " ").capitalize()) for s in statuses or STAY_STATUSES]
    if statuses is None:
        status_options += [_option(s, f"{s.capitalize()} (session)") for s in SESSION_STATUSES]
    dense = {"dense": True}
    return ft.Row(
        [
            typed_field(
                follow(typed, "plate", f.plate),
                "plate",
                "Search plate",
                hint_text="e.g. ABC-123",
                width=180,
                prefix_icon=ft.Icons.SEARCH,
                on_submit=search,
            ),
            ft.Dropdown(
                label="Facility",
                value=f.facility or ALL,
                width=200,
                options=[_option(ALL, "All facilities")]
                + [_option(x.slug, x.name) for x in state.facilities],
                on_select=pick_facility,
                **dense,
            ),
            ft.Dropdown(
                label="Kind",
                value=f.kind or ALL,
                width=170,
                options=[
                    _option(ALL, "All kinds"),
                    _option("stay", "Stays"),
                    _option("session", "Sessions"),
                ],
                on_select=pick_kind,
                **dense,
            ),
            ft.Dropdown(
                label="Status",
                value=f.status or ALL,
                width=190,
                options=status_options,
                on_select=pick_status,
                **dense,
            ),
            typed_field(
                follow(typed, "day_from", _iso(f.day_from)),
                "day_from",
                "From day",
                hint_text="YYYY-MM-DD",
                width=130,
                on_submit=search,
            ),
            DayPicker("Pick first day", f.day_from, pick_from),
            typed_field(
                follow(typed, "day_to", _iso(f.day_to)),
                "day_to",
                "To day",
                hint_text="YYYY-MM-DD",
                width=130,
                on_submit=search,
            ),
            DayPicker("Pick last day", f.day_to, pick_to),
            ft.FilledButton("Search", icon=ft.Icons.SEARCH, on_click=search),
            ft.TextButton("Clear filters", on_click=clear, disabled=not f.any),
        ],
        wrap=True,
        spacing=10,
        run_spacing=10,
    )


@ft.component
def RecordList(state: SessionsState, session: AdminSession) -> ft.Control:
    saver = ft.use_memo(ft.FilePicker, [])

    async def export(_) -> None:
        made = await state.export(session.acting)
        if made is not None:
            name, data = made
            await saver.save_file(file_name=name, src_bytes=data)

    def opener(row: RecordRow):
        async def open_record(_) -> None:
            await state.open(row.kind, row.id)

        return open_record

    rows = [
        [
            KIND_LABELS[row.kind],
            ft.TextButton(
                row.plate,
                tooltip="Open the timeline",
                on_click=opener(row),
                style=ft.ButtonStyle(text_style=ft.TextStyle(weight=ft.FontWeight.BOLD)),
            ),
            row.facility.name,
            local_time(row.started_at, row.facility.timezone),
            local_time(row.ended_at, row.facility.timezone) if row.ended_at else "inside now",
            duration_text(row.started_at, row.ended_at),
            _amount(row),
            chip(row.status),
        ]
        for row in state.rows
    ]
    headers = [
        "Kind",
        "Plate",
        "Facility",
        "Entered / started",
        "Exited / ended",
        "Duration",
        "Amount",
        "Status",
    ]
    body: list[ft.Control]
    if state.loaded and not state.rows:
        body = [ft.Container(ft.Text(state.empty_message, italic=True), padding=20)]
    else:
        body = [ft.Row([table(headers, rows, column_spacing=28)], scroll=ft.ScrollMode.AUTO)]
    plate_note = (
        f"No plate starts with '{state.filters.plate.strip()}': showing plates that contain it."
        if state.plate_anywhere
        else None
    )
    paging = ft.Row(
        [
            ft.OutlinedButton(
                "Previous page",
                icon=ft.Icons.CHEVRON_LEFT,
                on_click=act(state.previous_page),
                disabled=not state.has_previous,
            ),
            ft.Text(f"Page {state.page_number}"),
            ft.OutlinedButton(
                "Next page",
                icon=ft.Icons.CHEVRON_RIGHT,
                on_click=act(state.next_page),
                disabled=not state.has_next,
            ),
        ],
        alignment=ft.MainAxisAlignment.CENTER,
    )
    return ft.Column(
        [
            heading(
                "Sessions",
                "Every stay your cameras or drivers' phones saw and every prepaid session, newest first. "
                "Click a plate for its timeline: photos, payments, corrections.",
                actions=[ft.OutlinedButton("Export CSV", icon=ft.Icons.DOWNLOAD, on_click=export)],
            ),
            Filters(state),
            error_text(state.error),
            info_text(state.notice),
            info_text(plate_note),
            ft.ProgressBar(visible=state.loading),
            *body,
            paging if state.has_next or state.has_previous else ft.Container(visible=False),
        ],
        spacing=12,
        scroll=ft.ScrollMode.AUTO,
        expand=True,
    )


@ft.component
def Sessions() -> ft.Control:
    session = use_admin().session
    state: SessionsState = use_screen("sessions", SessionsState)

    async def load() -> None:
        await state.load()

    ft.use_effect(load, [session.acting])
    if state.detail is not None or state.detail_loading:
        return Timeline(state, session)
    return RecordList(state, session)
