"""Dashboard: today's money, collection, live occupancy, support and invoices, and what just happened."""

from zoneinfo import ZoneInfo

import flet as ft

from mobile.admin.context import use_admin, use_screen
from mobile.admin.state.dashboard import DashboardState
from mobile.admin.views.charts import fill_bar, kpi, legend, revenue_chart, share_pie
from mobile.admin.views.common import card, chip, heading, local_time, money
from mobile.components.common import empty, error_text, loading
from shared.schemas.admin_operations import ActivityItem, ActivityKind

ALL = "all"

_KIND = {
    ActivityKind.stay_entry: ("Entry", ft.Icons.LOGIN),
    ActivityKind.stay_exit: ("Exit", ft.Icons.LOGOUT),
    ActivityKind.payment_captured: ("Payment", ft.Icons.PAYMENTS),
    ActivityKind.payment_failed: ("Payment failed", ft.Icons.ERROR_OUTLINE),
    ActivityKind.session_started: ("Session started", ft.Icons.TIMER),
}


@ft.component
def Dashboard() -> ft.Control:
    session = use_admin().session
    state: DashboardState = use_screen("dashboard", DashboardState)

    def start() -> None:
        state.show_operator(session.acting)
        state.start_live()

    def stop() -> None:
        state.stop_live()

    ft.use_effect(start, [session.acting], cleanup=stop)

    async def refresh(_) -> None:
        await state.load()

    async def pick(e) -> None:
        await state.choose_facility(None if e.control.value == ALL else e.control.value)

    updated = local_time(state.updated_at, state.timezone, seconds=True)[-8:] if state.updated_at else "—"
    actions = [
        ft.Dropdown(
            label="Facility",
            editable=True,
            enable_filter=True,
            value=state.facility or ALL,
            width=260,
            dense=True,
            options=[
                ft.DropdownOption(key=ALL, text="All facilities"),
                *[ft.DropdownOption(key=f.slug, text=f.name) for f in state.facilities],
            ],
            on_select=pick,
        ),
        ft.Column(
            [
                ft.OutlinedButton("Refresh", icon=ft.Icons.REFRESH, on_click=refresh, disabled=state.loading),
                ft.Text(f"Updated {updated}", size=12, color=ft.Colors.ON_SURFACE_VARIANT),
            ],
            spacing=2,
            horizontal_alignment=ft.CrossAxisAlignment.CENTER,
        ),
    ]
    top = [
        heading(
            "Dashboard",
            "Money, occupancy and support at a glance; refreshes every 30 seconds while open. "
            "Days are your operator's calendar days.",
            actions,
        ),
        error_text(state.error),
    ]
    if state.dashboard is None:
        body = [loading("Loading the figures…") if not state.error else ft.Container()]
    else:
        body = [_figures(state), _middle(state), _bottom(state)]
    return ft.Column([*top, *body], spacing=14, scroll=ft.ScrollMode.AUTO, expand=True)


def _figures(state: DashboardState) -> ft.Control:
    d = state.dashboard
    revenue, currency = state.revenue, state.currency
    trend = state.trend_percent
    trend_note = (
        f"{'+' if trend >= 0 else ''}{trend:.0f}% on the 30 days before"
        if trend is not None
        else "No payments in the 30 days before"
    )
    collection = d.collection
    rate = f"{collection.rate * 100:.1f}%" if collection.rate is not None else "—"
    invoices = d.invoices
    occupied, capacity = state.occupancy_totals
    tiles = [
        kpi(
            "Revenue today",
            money(revenue.today_amount, currency),
            f"Since midnight {d.today:%d %b}",
            icon=ft.Icons.EURO if currency == "EUR" else ft.Icons.ATTACH_MONEY,
        ),
        kpi(
            "Revenue 7 days",
            money(revenue.last_7_days_amount, currency),
            "Today and the 6 days before",
            icon=ft.Icons.DATE_RANGE,
        ),
        kpi(
            "Revenue 30 days",
            money(revenue.last_30_days_amount, currency),
            trend_note,
            icon=ft.Icons.TRENDING_UP if (trend or 0) >= 0 else ft.Icons.TRENDING_DOWN,
        ),
        kpi(
            "Collection rate",
            rate,
            f"{collection.unpaid_stays_count} of {collection.stays_count} stays unpaid",
            icon=ft.Icons.PIE_CHART,
        ),
        kpi(
            "Unpaid invoices",
            str(invoices.count),
            f"{money(invoices.amount, invoices.currency)} · {invoices.overdue_count} overdue",
            icon=ft.Icons.RECEIPT_LONG,
            color=ft.Colors.RED_800 if invoices.overdue_count else None,
        ),
        kpi(
            "Occupied now",
            f"{occupied} / {capacity}",
            "Cars inside plus running sessions",
            icon=ft.Icons.LOCAL_PARKING,
        ),
    ]
    others = (
        [
            ft.Text(
                "Also paid in "
                + ", ".join(
                    f"{r.currency}: {money(r.today_amount, r.currency)} today, "
                    f"{money(r.last_30_days_amount, r.currency)} in 30 days"
                    for r in state.other_revenue
                ),
                size=12,
                color=ft.Colors.ON_SURFACE_VARIANT,
            )
        ]
        if state.other_revenue
        else []
    )
    return ft.Column([ft.ResponsiveRow(tiles, spacing=10, run_spacing=10), *others], spacing=6)


def _middle(state: DashboardState) -> ft.Control:
    d, revenue, currency = state.dashboard, state.revenue, state.currency
    collection = d.collection
    unpaid = max(0, collection.owed_amount - collection.paid_amount)
    trend = card(
        "Revenue per day, last 30 days",
        [
            ft.Text(
                "Payments captured minus refunds, by the day they were made. Hover a bar for the day.",
                size=12,
                color=ft.Colors.ON_SURFACE_VARIANT,
            ),
            revenue_chart(revenue.daily, currency),
        ],
    )
    collected = card(
        "Collection, stays ended in 30 days",
        [
            ft.Row(
                [
                    share_pie(
                        [
                            ("Paid", collection.paid_amount, ft.Colors.GREEN_600),
                            ("Unpaid", unpaid, ft.Colors.RED_400),
                        ]
                    ),
                    legend(
                        [
                            (
                                f"Paid {money(collection.paid_amount, collection.currency)}",
                                ft.Colors.GREEN_600,
                            ),
                            (f"Not paid {money(unpaid, collection.currency)}", ft.Colors.RED_400),
                            (
                                f"Owed {money(collection.owed_amount, collection.currency)}",
                                ft.Colors.GREY_500,
                            ),
                        ]
                    ),
                ],
                spacing=16,
            ),
            ft.Text(
                f"{collection.stays_count} stays ended, {collection.unpaid_stays_count} still unpaid."
                if collection.stays_count
                else "No stays ended in the last 30 days.",
                size=12,
                color=ft.Colors.ON_SURFACE_VARIANT,
            ),
        ],
    )
    support = d.support
    pipeline = card(
        "Support tickets",
        [
            ft.Row(
                [
                    _count("Open", support.open, "open"),
                    _count("Waiting", support.pending, "pending"),
                    _count("Resolved", support.resolved, "resolved"),
                    _count("Closed", support.closed, "closed"),
                ],
                spacing=8,
                wrap=True,
            ),
            ft.Text(
                f"Oldest open ticket waits {_age(support.oldest_open_age_minutes)}."
                + (" Tickets belong to no facility: these are all of them." if state.facility else "")
                if support.oldest_open_age_minutes is not None
                else "No ticket is waiting for you."
                + (" Tickets belong to no facility: these are all of them." if state.facility else ""),
                size=12,
                color=ft.Colors.ON_SURFACE_VARIANT,
            ),
        ],
    )
    return ft.ResponsiveRow(
        [
            ft.Container(trend, col={"xs": 12, "lg": 7}),
            ft.Column([collected, pipeline], col={"xs": 12, "lg": 5}, spacing=10),
        ],
        spacing=10,
        run_spacing=10,
    )


def _count(label: str, value: int, status: str) -> ft.Control:
    return ft.Column(
        [ft.Text(str(value), size=22, weight=ft.FontWeight.BOLD), chip(label.lower(), _SEVERITY[status])],
        horizontal_alignment=ft.CrossAxisAlignment.CENTER,
        spacing=2,
        width=76,
    )


_SEVERITY = {"open": "info", "pending": "warning", "resolved": "success", "closed": "muted"}


def _bottom(state: DashboardState) -> ft.Control:
    rows = state.occupancy_shown
    d_today = state.dashboard.today
    more = state.occupancy_more
    occupancy = card(
        "Occupancy now",
        [
            ft.Text(
                "Cars inside plus prepaid sessions running, against capacity; fullest first.",
                size=12,
                color=ft.Colors.ON_SURFACE_VARIANT,
            ),
            *(
                [
                    fill_bar(
                        o.name,
                        o.occupied,
                        o.capacity,
                        o.percent,
                        f"{o.vehicles_inside} inside, {o.active_sessions} sessions"
                        if o.active_sessions
                        else "",
                    )
                    for o in rows
                ]
                or [empty("No facilities yet. Add one under Facilities.")]
            ),
            *(
                [
                    ft.Text(
                        f"… and {more} more facilities, less full.",
                        italic=True,
                        color=ft.Colors.ON_SURFACE_VARIANT,
                    )
                ]
                if more
                else []
            ),
        ],
    )
    feed = card(
        "Latest activity",
        [
            ft.Text(
                "Entries, exits, payments and failures, newest first.",
                size=12,
                color=ft.Colors.ON_SURFACE_VARIANT,
            ),
            *(
                [_activity(item, state.timezone, d_today) for item in state.activity]
                or [empty("Nothing has happened yet. Entries, exits and payments show here as they come.")]
            ),
        ],
    )
    return ft.ResponsiveRow(
        [ft.Container(occupancy, col={"xs": 12, "lg": 5}), ft.Container(feed, col={"xs": 12, "lg": 7})],
        spacing=10,
        run_spacing=10,
        vertical_alignment=ft.CrossAxisAlignment.START,
    )


def _activity(item: ActivityItem, timezone: str | None, today) -> ft.Control:
    label, icon = _KIND.get(item.kind, (item.kind.value, ft.Icons.INFO_OUTLINE))
    color = {"error": ft.Colors.RED_700, "warning": ft.Colors.ORANGE_800, "success": ft.Colors.GREEN_700}.get(
        item.severity.value, ft.Colors.BLUE_700
    )
    amount = money(item.amount, item.currency or "") if item.amount is not None else ""
    return ft.Row(
        [
            ft.Text(_when(item, timezone, today), width=92, color=ft.Colors.ON_SURFACE_VARIANT),
            ft.Icon(icon, color=color, size=18),
            ft.Text(label, width=110, weight=ft.FontWeight.W_500, color=color),
            ft.Text(item.plate or "—", width=90, font_family="monospace"),
            ft.Text(item.facility_name or "", expand=True, no_wrap=True, overflow=ft.TextOverflow.ELLIPSIS),
            ft.Text(amount, width=100, text_align=ft.TextAlign.RIGHT),
        ],
        spacing=8,
        tooltip=item.title,
    )


def _when(item: ActivityItem, timezone: str | None, today) -> str:
    """hh:mm for today's items, with the day before it for older ones."""
    at = item.at.astimezone(ZoneInfo(timezone)) if timezone else item.at
    return at.strftime("%H:%M:%S") if at.date() == today else at.strftime("%d %b %H:%M")


def _age(minutes: int | None) -> str:
    if minutes is None:
        return "—"
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h {minutes % 60} min"
    return f"{minutes // (24 * 60)} days"
