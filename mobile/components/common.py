"""Messages, price lines and page scaffolding used across screens."""

import flet as ft

from shared.money import format_amount

PADDING = 16


def page_view(route: str, title: str, controls: list[ft.Control], *, back: bool = True) -> ft.View:
    """A screen: app bar with its title, scrollable content with comfortable margins."""
    return ft.View(
        route=route,
        appbar=ft.AppBar(title=ft.Text(title), automatically_imply_leading=back),
        controls=[ft.Column(controls, spacing=14, tight=True)],
        padding=PADDING,
        scroll=ft.ScrollMode.AUTO,
    )


def error_text(message: str | None) -> ft.Control:
    if not message:
        return ft.Container(visible=False)
    return ft.Container(
        ft.Row([ft.Icon(ft.Icons.ERROR_OUTLINE, color=ft.Colors.ERROR), ft.Text(message, expand=True)]),
        bgcolor=ft.Colors.ERROR_CONTAINER,
        padding=12,
        border_radius=8,
    )


def warning_box(title: str, message: str) -> ft.Control:
    return ft.Container(
        ft.Column(
            [
                ft.Row(
                    [
                        ft.Icon(ft.Icons.GPP_BAD, color=ft.Colors.RED_900),
                        ft.Text(title, weight=ft.FontWeight.BOLD),
                    ]
                ),
                ft.Text(message),
            ],
            tight=True,
        ),
        bgcolor=ft.Colors.AMBER_100,
        border=ft.Border.all(2, ft.Colors.RED_700),
        padding=14,
        border_radius=8,
    )


def info_text(message: str | None) -> ft.Control:
    if not message:
        return ft.Container(visible=False)
    return ft.Container(
        ft.Row(
            [ft.Icon(ft.Icons.CHECK_CIRCLE_OUTLINE, color=ft.Colors.GREEN_800), ft.Text(message, expand=True)]
        ),
        bgcolor=ft.Colors.GREEN_50,
        padding=12,
        border_radius=8,
    )


def panel(content: ft.Control, **options) -> ft.Card:
    """A card whose texts, buttons and fields stay separate nodes for screen readers (and tests).
    Flutter's default card merges its children into one node, which a button or field inside then
    names alone: the card's texts are lost to assistive technology."""
    return ft.Card(content, semantic_container=False, **options)


def loading(label: str = "Loading…") -> ft.Control:
    return ft.Row([ft.ProgressRing(width=18, height=18, stroke_width=2), ft.Text(label)])


def empty(message: str) -> ft.Control:
    return ft.Text(message, color=ft.Colors.ON_SURFACE_VARIANT, italic=True)


def price_line(label: str, amount: int, currency: str, *, bold: bool = False) -> ft.Control:
    weight = ft.FontWeight.BOLD if bold else None
    return ft.Row(
        [ft.Text(label, weight=weight), ft.Text(format_amount(amount, currency), weight=weight)],
        alignment=ft.MainAxisAlignment.SPACE_BETWEEN,
    )


def section(title: str) -> ft.Control:
    return ft.Text(title, theme_style=ft.TextThemeStyle.TITLE_MEDIUM)
