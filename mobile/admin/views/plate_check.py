"""Plate check: may this car be parked here now? The enforcement decision, big enough to read at a glance,
with what it rests on and the checks made in this browser session."""

from datetime import datetime
from zoneinfo import ZoneInfo

import flet as ft

from mobile.admin.context import use_admin, use_screen
from mobile.admin.state.plate_check import Check, PlateCheckState
from mobile.admin.views.common import card, chip, heading, money
from mobile.components.common import empty, error_text, loading
from shared.schemas.enforcement import EnforcementStatus

_LOOK = {
    EnforcementStatus.paid: (ft.Colors.GREEN_50, ft.Colors.GREEN_800, ft.Icons.CHECK_CIRCLE),
    EnforcementStatus.pass_active: (ft.Colors.GREEN_50, ft.Colors.GREEN_800, ft.Icons.VERIFIED),
    EnforcementStatus.parked_unpaid: (ft.Colors.RED_50, ft.Colors.RED_800, ft.Icons.GPP_BAD),
    EnforcementStatus.not_found: (ft.Colors.BLUE_GREY_50, ft.Colors.BLUE_GREY_800, ft.Icons.HELP_OUTLINE),
}
_SEVERITY = {
    EnforcementStatus.paid: "success",
    EnforcementStatus.pass_active: "success",
    EnforcementStatus.parked_unpaid: "error",
    EnforcementStatus.not_found: "muted",
}


@ft.component
def PlateCheck() -> ft.Control:
    session = use_admin().session
    state: PlateCheckState = use_screen("plate_check", PlateCheckState)
    plate, set_plate = ft.use_state("")

    async def load() -> None:
        state.show_operator(session.acting)
        await state.load()

    ft.use_effect(load, [session.acting])

    def keep(e) -> None:
        set_plate(e.control.value or "")

    async def submit(_=None) -> None:
        # The field empties for the next car once a verdict is shown; a refused plate stays to correct.
        if await state.check(plate):
            set_plate("")

    def pick(e) -> None:
        state.choose_facility(e.control.value)

    form = ft.ResponsiveRow(
        [
            ft.Dropdown(
                label="Facility",
                value=state.facility,
                hint_text="Where the car is parked",
                editable=True,
                enable_filter=True,
                options=[ft.DropdownOption(key=f.slug, text=f.name) for f in state.facilities],
                on_select=pick,
                expand=True,
                col={"xs": 12, "md": 5},
            ),
            ft.TextField(
                label="Plate",
                value=plate,
                hint_text="e.g. ABC-123",
                capitalization=ft.TextCapitalization.CHARACTERS,
                text_size=20,
                autofocus=True,
                on_change=keep,
                on_submit=submit,
                col={"xs": 12, "sm": 8, "md": 4},
            ),
            ft.Container(
                ft.FilledButton(
                    "Check plate",
                    icon=ft.Icons.SEARCH,
                    on_click=submit,
                    disabled=state.busy,
                    height=48,
                    expand=True,
                ),
                col={"xs": 12, "sm": 4, "md": 3},
                alignment=ft.Alignment.CENTER_LEFT,
            ),
        ],
        spacing=10,
        run_spacing=10,
        vertical_alignment=ft.CrossAxisAlignment.CENTER,
    )
    no_facilities = state.loaded and not state.facilities
    return ft.Column(
        [
            heading(
                "Plate check",
                "Type a plate to see whether the car may be parked here now: paid, a valid pass, or "
                "parked without paying. Case, spaces and dashes do not matter.",
            ),
            empty("Your operator has no facilities yet, so there is nothing to check.")
            if no_facilities
            else form,
            error_text(state.error),
            loading("Checking…") if state.busy else ft.Container(visible=False),
            _verdict(state.last)
            if state.last
            else empty("Choose the facility, type the plate and press Enter or Check plate."),
            _recent(state),
        ],
        spacing=14,
        scroll=ft.ScrollMode.AUTO,
        expand=True,
    )


def _verdict(check: Check) -> ft.Control:
    result, facility = check.result, check.facility
    background, foreground, icon = _LOOK[result.status]
    tz = facility.timezone
    details: list[ft.Control] = [
        _line("Plate", result.plate),
        _line("Facility", facility.name),
        _line("Checked at", _at(check.checked_at, tz)),
    ]
    if result.validUntil:
        allowed = "Pass valid until" if result.status == EnforcementStatus.pass_active else "Paid until"
        details.append(_line(allowed, _at(result.validUntil, tz)))
    for p in result.activePasses:
        details.append(_line("Pass", f"{p.product}, valid {_at(p.validFrom, tz)} – {_at(p.validUntil, tz)}"))
    for p in result.recentPayments:
        covers = f", covers until {_at(p.coversUntil, tz)}" if p.coversUntil else ""
        details.append(_line("Payment", f"{money(p.amount, p.currency)} paid {_at(p.paidAt, tz)}{covers}"))
    if not result.recentPayments and result.status != EnforcementStatus.pass_active:
        details.append(_line("Payments", "none here in the last 24 hours"))
    return ft.Container(
        ft.Column(
            [
                ft.Row(
                    [
                        ft.Icon(icon, color=foreground, size=44),
                        ft.Column(
                            [
                                ft.Text(check.verdict, size=28, weight=ft.FontWeight.BOLD, color=foreground),
                                ft.Text(
                                    check.fine_text,
                                    size=22,
                                    weight=ft.FontWeight.BOLD,
                                    color=ft.Colors.RED_800 if result.shouldFine else foreground,
                                ),
                            ],
                            spacing=0,
                            tight=True,
                            expand=True,
                        ),
                    ],
                    vertical_alignment=ft.CrossAxisAlignment.CENTER,
                ),
                ft.Text(result.summary, size=16),
                ft.Divider(height=1),
                *details,
            ],
            spacing=8,
            tight=True,
        ),
        bgcolor=background,
        border=ft.Border.all(2, foreground),
        border_radius=10,
        padding=18,
    )


def _line(label: str, value: str) -> ft.Control:
    return ft.ResponsiveRow(
        [
            ft.Text(
                label,
                weight=ft.FontWeight.W_500,
                color=ft.Colors.ON_SURFACE_VARIANT,
                col={"xs": 12, "sm": 3, "lg": 2},
            ),
            ft.Text(value, selectable=True, col={"xs": 12, "sm": 9, "lg": 10}),
        ],
        spacing=4,
        run_spacing=0,
    )


def _recent(state: PlateCheckState) -> ft.Control:
    if not state.recent:
        return ft.Container(visible=False)
    return card(
        "Your checks in this session",
        [
            ft.Row(
                [
                    ft.Text(_at(c.checked_at, c.facility.timezone), width=70),
                    ft.Text(c.result.plate, width=100, weight=ft.FontWeight.W_500, font_family="monospace"),
                    chip(c.verdict.lower(), _SEVERITY[c.result.status]),
                    ft.Text(c.fine_text, weight=ft.FontWeight.BOLD if c.result.shouldFine else None),
                    ft.Text(c.facility.name, expand=True, no_wrap=True, overflow=ft.TextOverflow.ELLIPSIS),
                ],
                spacing=10,
                wrap=False,
            )
            for c in state.recent
        ],
    )


def _at(at: datetime, timezone: str | None) -> str:
    """Today's times as hh:mm:ss, other days with the date, in the facility's zone."""
    local = at.astimezone(ZoneInfo(timezone)) if timezone else at
    now = datetime.now(local.tzinfo)
    return local.strftime("%H:%M:%S") if local.date() == now.date() else local.strftime("%d %b %Y %H:%M")
