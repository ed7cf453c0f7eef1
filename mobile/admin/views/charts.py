"""Small charts and figure tiles for the operations screens (flet_charts underneath)."""

import math
from collections.abc import Sequence
from datetime import date

import flet as ft
import flet_charts as fch

from mobile.admin.views.common import money
from shared.money import minor_unit_exponent
from shared.schemas.admin_operations import DailyRevenue


def kpi(label: str, value: str, note: str | None = None, *, icon=None, color=None, col=None) -> ft.Control:
    """A figure tile: what it is, the figure big, and one line of context."""
    title = ft.Row(
        [
            *([ft.Icon(icon, size=18, color=color or ft.Colors.PRIMARY)] if icon else []),
            ft.Text(label, weight=ft.FontWeight.W_500, color=ft.Colors.ON_SURFACE_VARIANT),
        ],
        spacing=6,
    )
    body: list[ft.Control] = [title, ft.Text(value, size=24, weight=ft.FontWeight.BOLD, color=color)]
    if note:
        body.append(ft.Text(note, size=12, color=ft.Colors.ON_SURFACE_VARIANT))
    return ft.Card(
        ft.Container(ft.Column(body, spacing=4, tight=True), padding=14),
        col=col or {"xs": 12, "sm": 6, "lg": 4, "xl": 2},
    )


def nice_ceiling(value: float) -> float:
    """A round axis maximum at or above `value`: 1, 2, 2.5 or 5 times a power of ten."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover


def _major(amount: int, currency: str) -> float:
    return amount / 10 ** minor_unit_exponent(currency)


def _short(value: float) -> str:
    if value >= 1000:
        return f"{value / 1000:g}k"
    return f"{value:g}"


def revenue_chart(daily: Sequence[DailyRevenue], currency: str, *, height: float = 240) -> ft.Control:
    """Revenue per day as bars, a date under every fifth bar and today's, amounts on the left."""
    top = nice_ceiling(max((_major(d.revenue_amount, currency) for d in daily), default=0))
    last = len(daily) - 1
    groups = [
        fch.BarChartGroup(
            x=i,
            rods=[
                fch.BarChartRod(
                    to_y=max(0.0, _major(d.revenue_amount, currency)),
                    width=12,
                    color=ft.Colors.PRIMARY if i == last else ft.Colors.INDIGO_300,
                    border_radius=3,
                    tooltip=_tip(
                        f"{_day(d.date)}\n{money(d.revenue_amount, currency)}\n"
                        f"{d.payments_count} payment{'s' if d.payments_count != 1 else ''}"
                    ),
                )
            ],
        )
        for i, d in enumerate(daily)
    ]
    labels = [
        fch.ChartAxisLabel(value=i, label=ft.Text(_day(d.date, short=True), size=11))
        for i, d in enumerate(daily)
        if (last - i) % 5 == 0
    ]
    steps = [top * k / 4 for k in range(5)]
    return fch.BarChart(
        groups=groups,
        group_spacing=4,
        min_y=0,
        max_y=top,
        height=height,
        interactive=True,
        horizontal_grid_lines=fch.ChartGridLines(interval=top / 4, color=ft.Colors.OUTLINE_VARIANT, width=1),
        bottom_axis=fch.ChartAxis(labels=labels, label_size=28),
        left_axis=fch.ChartAxis(
            labels=[fch.ChartAxisLabel(value=v, label=ft.Text(_short(v), size=11)) for v in steps],
            label_size=44,
            label_spacing=top / 4,
            title=ft.Text(currency, size=11),
            title_size=18,
        ),
        tooltip=fch.BarChartTooltip(bgcolor=ft.Colors.INVERSE_SURFACE),
    )


def _tip(text: str) -> fch.BarChartRodTooltip:
    return fch.BarChartRodTooltip(text=text, text_style=ft.TextStyle(color=ft.Colors.WHITE, size=13))


def _day(day: date, *, short: bool = False) -> str:
    return day.strftime("%d %b") if short else day.strftime("%a %d %b %Y")


def share_pie(parts: Sequence[tuple[str, float, str]], *, size: float = 120) -> ft.Control:
    """A ring of (label, value, colour) parts; nothing drawn when all are zero."""
    total = sum(value for _, value, _ in parts)
    if total <= 0:
        return ft.Container(width=size, height=size)
    return ft.Container(
        fch.PieChart(
            sections=[
                fch.PieChartSection(value=value, color=color, radius=size / 5, title="")
                for _, value, color in parts
                if value > 0
            ],
            center_space_radius=size / 4,
            sections_space=1,
        ),
        width=size,
        height=size,
    )


def legend(parts: Sequence[tuple[str, str]]) -> ft.Control:
    """Coloured dots with their texts: (text, colour)."""
    return ft.Column(
        [
            ft.Row(
                [ft.Container(width=10, height=10, bgcolor=color, border_radius=5), ft.Text(text, size=13)],
                spacing=6,
            )
            for text, color in parts
        ],
        spacing=4,
        tight=True,
    )


def fill_bar(label: str, used: int, capacity: int, percent: float | None, note: str = "") -> ft.Control:
    """A facility's fullness: name, 'used / capacity', the percentage, a coloured bar."""
    color = _fill_color(percent)
    figure = f"{used} / {capacity}" if capacity else f"{used} (no capacity set)"
    share = f"{percent:.0f}%" if percent is not None else ""
    return ft.Column(
        [
            ft.Row(
                [
                    ft.Text(
                        label,
                        weight=ft.FontWeight.W_500,
                        expand=True,
                        no_wrap=True,
                        overflow=ft.TextOverflow.ELLIPSIS,
                    ),
                    ft.Text(figure),
                    ft.Text(share, width=48, text_align=ft.TextAlign.RIGHT, color=color),
                ],
                spacing=8,
            ),
            ft.ProgressBar(
                value=min(1.0, (percent or 0) / 100),
                color=color,
                bgcolor=ft.Colors.SURFACE_CONTAINER_HIGHEST,
                bar_height=8,
                border_radius=4,
            ),
            *([ft.Text(note, size=11, color=ft.Colors.ON_SURFACE_VARIANT)] if note else []),
        ],
        spacing=4,
        tight=True,
    )


def _fill_color(percent: float | None) -> str:
    if percent is None:
        return ft.Colors.GREY_600
    if percent > 100:
        return ft.Colors.RED_700
    if percent >= 85:
        return ft.Colors.ORANGE_800
    return ft.Colors.GREEN_700


def bars_chart(
    rows: Sequence[tuple[str, float, str]], *, unit: str, height: float | None = None
) -> ft.Control:
    """One bar per row to compare them: (label, value, tooltip), labels under the bars."""
    top = nice_ceiling(max((v for _, v, _ in rows), default=0))
    return fch.BarChart(
        groups=[
            fch.BarChartGroup(
                x=i,
                rods=[
                    fch.BarChartRod(
                        to_y=value, width=22, color=ft.Colors.INDIGO_400, border_radius=3, tooltip=_tip(tip)
                    )
                ],
            )
            for i, (_, value, tip) in enumerate(rows)
        ],
        min_y=0,
        max_y=top,
        height=height or 260,
        horizontal_grid_lines=fch.ChartGridLines(interval=top / 4, color=ft.Colors.OUTLINE_VARIANT, width=1),
        left_axis=fch.ChartAxis(
            labels=[
                fch.ChartAxisLabel(value=top * k / 4, label=ft.Text(_short(top * k / 4), size=11))
                for k in range(5)
            ],
            label_size=44,
            label_spacing=top / 4,
            title=ft.Text(unit, size=11),
            title_size=18,
        ),
        bottom_axis=fch.ChartAxis(
            labels=[
                fch.ChartAxisLabel(
                    value=i, label=ft.Text(_clip(label), size=11, text_align=ft.TextAlign.CENTER)
                )
                for i, (label, _, _) in enumerate(rows)
            ],
            label_size=36,
        ),
        tooltip=fch.BarChartTooltip(bgcolor=ft.Colors.INVERSE_SURFACE),
    )


def _clip(text: str, length: int = 14) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
