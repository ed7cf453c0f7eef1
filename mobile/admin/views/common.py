"""Pieces every admin screen uses: headings, tables, money and times, status chips, the copy-once box,
and text fields keeping what the user typed."""

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import flet as ft

from mobile.components.common import panel
from mobile.components.handlers import act as act  # re-exported: the views import it from here
from shared.money import format_amount

SEVERITY_COLORS = {
    "success": (ft.Colors.GREEN_100, ft.Colors.GREEN_900),
    "info": (ft.Colors.BLUE_50, ft.Colors.BLUE_900),
    "warning": (ft.Colors.AMBER_100, ft.Colors.BROWN_900),
    "error": (ft.Colors.RED_100, ft.Colors.RED_900),
    "muted": (ft.Colors.GREY_200, ft.Colors.GREY_800),
}
STATUS_SEVERITY = {
    "paid": "success",
    "active": "success",
    "captured": "success",
    "resolved": "success",
    "open": "info",
    "pending": "info",
    "issued": "info",
    "payment_pending": "info",
    "unpaid": "error",
    "failed": "error",
    "needs_review": "warning",
    "overdue": "error",
    "void": "muted",
    "closed": "muted",
    "stopped": "muted",
    "expired": "muted",
    "revoked": "muted",
}


def heading(title: str, subtitle: str | None = None, actions: Sequence[ft.Control] = ()) -> ft.Control:
    texts: list[ft.Control] = [ft.Text(title, theme_style=ft.TextThemeStyle.HEADLINE_SMALL)]
    if subtitle:
        texts.append(ft.Text(subtitle, color=ft.Colors.ON_SURFACE_VARIANT))
    return ft.Row(
        [ft.Column(texts, spacing=4, expand=True), *actions],
        vertical_alignment=ft.CrossAxisAlignment.START,
    )


def chip(text: str, severity: str | None = None) -> ft.Control:
    background, foreground = SEVERITY_COLORS[severity or STATUS_SEVERITY.get(text, "muted")]
    return ft.Container(
        ft.Text(text.replace("_", " "), size=12, color=foreground, weight=ft.FontWeight.W_500),
        bgcolor=background,
        padding=ft.Padding.symmetric(horizontal=8, vertical=3),
        border_radius=10,
    )


def money(amount: int | None, currency: str) -> str:
    return "—" if amount is None else format_amount(amount, currency)


def local_time(at: datetime | None, timezone: str | None = None, *, seconds: bool = False) -> str:
    """A moment as the operator reads it: in the facility's (or operator's) time zone."""
    if at is None:
        return "—"
    if timezone:
        at = at.astimezone(ZoneInfo(timezone))
    return at.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def table(headers: Sequence[str], rows: Sequence[Sequence[ft.Control | str]], **options) -> ft.Control:
    """A data table; plain strings become text cells."""

    def cell(value: ft.Control | str) -> ft.DataCell:
        return ft.DataCell(ft.Text(value) if isinstance(value, str) else value)

    return ft.DataTable(
        columns=[ft.DataColumn(ft.Text(h, weight=ft.FontWeight.BOLD)) for h in headers],
        rows=[ft.DataRow(cells=[cell(v) for v in row]) for row in rows],
        heading_row_color=ft.Colors.SURFACE_CONTAINER_HIGH,
        data_row_min_height=44,
        **options,
    )


def card(title: str, body: Sequence[ft.Control], *, width: float | None = None, expand=None) -> ft.Control:
    """A titled card; its texts, fields and buttons each readable (see `panel`)."""
    return panel(
        ft.Container(
            ft.Column(
                [ft.Text(title, theme_style=ft.TextThemeStyle.TITLE_MEDIUM), *body], spacing=10, tight=True
            ),
            padding=16,
            width=width,
        ),
        expand=expand,
    )


def secret_box(title: str, secret: str, note: str) -> ft.Control:
    """A new key or token, shown this once, selectable for copying."""
    return ft.Container(
        ft.Column(
            [
                ft.Row(
                    [
                        ft.Icon(ft.Icons.KEY, color=ft.Colors.GREEN_900),
                        ft.Text(title, weight=ft.FontWeight.BOLD),
                    ]
                ),
                # A read-only field: one click selects it for copying, and screen readers read it.
                ft.TextField(
                    value=secret,
                    label="Secret (shown once)",
                    read_only=True,
                    text_style=ft.TextStyle(font_family="monospace", size=15),
                    bgcolor=ft.Colors.WHITE,
                    dense=True,
                ),
                ft.Text(note, size=12, color=ft.Colors.ON_SURFACE_VARIANT),
            ],
            tight=True,
            spacing=6,
        ),
        bgcolor=ft.Colors.GREEN_50,
        border=ft.Border.all(1, ft.Colors.GREEN_700),
        border_radius=8,
        padding=14,
    )


def keep(
    typed: dict[str, str], name: str, then: Callable[[str], object] | None = None
) -> Callable[[ft.Event[ft.TextField]], None]:
    """An on-change handler storing what the user types in `typed[name]`, then calling `then(text)` if
    given (e.g. to preview it). The views hold `typed` in `ft.use_ref`: storing re-renders nothing."""

    def on_change(e: ft.Event[ft.TextField]) -> None:
        typed[name] = e.control.value or ""
        if then is not None:
            then(typed[name])

    return on_change


def follow(typed: dict[str, str], name: str, value: str) -> dict[str, str]:
    """For a field whose text the state can also set (a search run from elsewhere, a cleared filter):
    show the state's `value` when it changed since the last render, else what the user typed, which a
    re-render (picking a filter) must not throw away."""
    seen = f"{name}:seen"
    if typed.get(seen) != value:
        typed[name] = typed[seen] = value
    return typed


def typed_field(
    typed: dict[str, str],
    name: str,
    label: str,
    *,
    key: str | None = None,
    width: float | None = None,
    on_submit: ft.ControlEventHandler[ft.TextField] | None = None,
    then: Callable[[str], object] | None = None,
    dense: bool = True,
    **options: Any,
) -> ft.TextField:
    """A text field showing `typed[name]` and keeping what the user types there (see `keep`); `options`
    are the TextField's own (read_only, hint_text, multiline, password…). Flet keeps what the browser
    typed in a field whose key stays the same: a key with a version (`key=f"e{version}"`) gives a fresh
    field, showing `typed[name]` again, once the version changes (e.g. to empty a form after a save)."""
    return ft.TextField(
        key=key,
        label=label,
        value=typed[name],
        width=width,
        dense=dense,
        on_change=keep(typed, name, then),
        on_submit=on_submit,
        **options,
    )


def read_only_note(editable: bool) -> ft.Control:
    if editable:
        return ft.Container(visible=False)
    return ft.Text("Read-only for your role.", italic=True, size=12, color=ft.Colors.ON_SURFACE_VARIANT)
