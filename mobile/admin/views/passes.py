"""Passes: how many each facility sold over a period, what they brought in, and how many are valid now."""

from datetime import datetime, timedelta

import flet as ft

from mobile.admin.context import use_admin, use_screen
from mobile.admin.state.passes import PERIODS, PassesState
from mobile.admin.views.charts import bars_chart, kpi
from mobile.admin.views.common import card, heading, money, table
from mobile.components.common import empty, error_text, loading
from shared.money import minor_unit_exponent


@ft.component
def Passes() -> ft.Control:
    session = use_admin().session
    state: PassesState = use_screen("passes", PassesState)

    async def load() -> None:
        state.show_operator(session.acting)
        await state.load()

    ft.use_effect(load, [session.acting])

    async def pick(e) -> None:
        await state.choose_days(int(e.control.value))

    period = ft.Dropdown(
        label="Period",
        value=str(state.days),
        width=200,
        dense=True,
        options=[ft.DropdownOption(key=str(days), text=text) for days, text in PERIODS.items()],
        on_select=pick,
    )
    top = [
        heading(
            "Passes",
            "Passes sold and the revenue they brought (minus refunds), by facility and product, "
            "and how many are valid right now.",
            [period],
        ),
        error_text(state.error),
    ]
    report = state.report
    if report is None:
        return ft.Column([*top, loading("Loading the passes report…") if not state.error else ft.Container()])
    currency = report.currency
    since = _first_day(report.since)
    figures = ft.ResponsiveRow(
        [
            kpi(
                "Passes sold",
                str(report.sold_count),
                f"{PERIODS[report.days]} (since {since})",
                icon=ft.Icons.CARD_MEMBERSHIP,
                col={"xs": 12, "sm": 4},
            ),
            kpi(
                "Pass revenue",
                money(report.revenue_amount, currency),
                "Paid for those passes, minus refunds",
                icon=ft.Icons.PAYMENTS,
                col={"xs": 12, "sm": 4},
            ),
            kpi(
                "Valid now",
                str(report.active_now),
                "Passes that let a car park today, whenever sold",
                icon=ft.Icons.VERIFIED,
                col={"xs": 12, "sm": 4},
            ),
        ],
        spacing=10,
        run_spacing=10,
    )
    rows = state.by_facility
    if not rows:
        return ft.Column(
            [*top, figures, empty("No facilities yet: add one under Facilities, then pass products for it.")],
            spacing=14,
        )
    chart_rows = [
        (
            r.name,
            r.revenue_amount / 10 ** minor_unit_exponent(currency),
            f"{r.name}\n{money(r.revenue_amount, currency)}\n{r.sold_count} sold",
        )
        for r in rows
    ]
    facility_table = table(
        ["Facility", "Passes sold", "Revenue", "Valid now", "By product"],
        [
            [
                r.name,
                _right(str(r.sold_count)),
                _right(money(r.revenue_amount, currency)),
                _right(str(r.active_now)),
                "; ".join(
                    f"{p.product_name}: {p.sold_count} · {money(p.revenue_amount, currency)}"
                    for p in state.products_of(r.facility)
                )
                or "no pass products",
            ]
            for r in rows
        ],
        expand=True,
    )
    nothing_sold = report.sold_count == 0
    return ft.Column(
        [
            *top,
            figures,
            ft.Text(
                f"No passes were sold in the {PERIODS[report.days].lower()}. Try a longer period.",
                italic=True,
                color=ft.Colors.ON_SURFACE_VARIANT,
            )
            if nothing_sold
            else ft.Container(visible=False),
            card(
                "Pass revenue by facility",
                [bars_chart(chart_rows, unit=currency, height=240)],
            ),
            card("By facility", [ft.Row([facility_table], scroll=ft.ScrollMode.AUTO)]),
        ],
        spacing=14,
        scroll=ft.ScrollMode.AUTO,
        expand=True,
    )


def _right(text: str) -> ft.Control:
    return ft.Text(text, text_align=ft.TextAlign.RIGHT)


def _first_day(since: datetime) -> str:
    """`since` is the operator's local midnight as a UTC instant; the report carries no timezone, but
    half a day later it is that day in every zone from UTC-12 to UTC+12."""
    return f"{since + timedelta(hours=12):%d %b %Y}"
