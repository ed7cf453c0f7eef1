"""Customers: look a driver up by plate, e-mail or name (or a plate without an account) and see what
they did here and what they owe."""

import flet as ft

from mobile.admin.context import use_admin, use_screen
from mobile.admin.state.customers import CustomersState, hit_title
from mobile.admin.views.common import card, chip, follow, heading, local_time, money, table, typed_field
from mobile.admin.views.support import tenant_timezone
from mobile.admin.views.support_ticket import status_chip
from mobile.components.common import error_text, loading
from shared.schemas.admin_customers import CustomerDetail, CustomerHit, CustomerKind
from shared.schemas.support import DisputeOutcome, TicketKind


def _empty(text: str) -> ft.Control:
    return ft.Text(text, italic=True, color=ft.Colors.ON_SURFACE_VARIANT)


def _balance(page: CustomerDetail) -> ft.Control:
    owed, paid, currency = page.balance.owed_amount, page.balance.paid_amount, page.balance.currency
    return ft.Row(
        [
            ft.Container(
                ft.Column(
                    [
                        ft.Text("Owes you", size=12),
                        ft.Text(
                            money(owed, currency),
                            size=24,
                            weight=ft.FontWeight.BOLD,
                            color=ft.Colors.RED_800 if owed else ft.Colors.GREEN_800,
                        ),
                        ft.Text(
                            "unpaid stays; an issued invoice counts instead of its stay",
                            size=12,
                            color=ft.Colors.ON_SURFACE_VARIANT,
                        ),
                    ],
                    tight=True,
                    spacing=2,
                ),
                bgcolor=ft.Colors.RED_50 if owed else ft.Colors.GREEN_50,
                padding=12,
                border_radius=10,
                expand=True,
            ),
            ft.Container(
                ft.Column(
                    [
                        ft.Text("Paid here", size=12),
                        ft.Text(money(paid, currency), size=24, weight=ft.FontWeight.BOLD),
                        ft.Text(
                            "captured payments, less refunds", size=12, color=ft.Colors.ON_SURFACE_VARIANT
                        ),
                    ],
                    tight=True,
                    spacing=2,
                ),
                bgcolor=ft.Colors.SURFACE_CONTAINER_LOW,
                padding=12,
                border_radius=10,
                expand=True,
            ),
        ],
        spacing=12,
    )


def _section(title: str, headers: list[str], rows: list[list], empty_text: str) -> ft.Control:
    return card(title, [table(headers, rows, column_spacing=18) if rows else _empty(empty_text)])


def _detail(page: CustomerDetail, tz: str | None) -> list[ft.Control]:
    controls: list[ft.Control] = [_balance(page)]
    if page.kind is CustomerKind.plate:
        linked = ", ".join(f"{d.name or d.email} ({d.email})" for d in page.drivers)
        controls.append(
            ft.Text(
                f"Driver accounts linked to some visits: {linked}."
                if linked
                else "No driver account is linked to this plate here: its visits were seen by cameras only."
            )
        )
    controls += [
        _section(
            f"Stays ({len(page.stays)})",
            ["Facility", "Plate", "Entered", "Left", "Price", "Paid", "Status"],
            [
                [
                    s.facility,
                    s.plate,
                    local_time(s.entered_at, tz),
                    local_time(s.exited_at, tz),
                    money(s.total_amount, s.currency),
                    money(s.paid_amount, s.currency),
                    chip(s.status),
                ]
                for s in page.stays
            ],
            "No stays at your camera car parks.",
        ),
        _section(
            f"Prepaid sessions ({len(page.sessions)})",
            ["Facility", "Plate", "From", "Until", "Charged", "Refunded", "Status"],
            [
                [
                    s.facility,
                    s.plate,
                    local_time(s.starts_at, tz),
                    local_time(s.stopped_at or s.ends_at, tz),
                    money(s.total_amount, s.currency),
                    money(s.refunded_amount, s.currency),
                    chip(s.status),
                ]
                for s in page.sessions
            ],
            "No prepaid sessions.",
        ),
        _section(
            f"Passes ({len(page.passes)})",
            ["Facility", "Pass", "Plate", "Valid from", "Valid until", "Price", "Status"],
            [
                [
                    p.facility,
                    p.product,
                    p.plate,
                    local_time(p.valid_from, tz),
                    local_time(p.valid_until, tz),
                    money(p.amount, p.currency),
                    chip(p.status),
                ]
                for p in page.passes
            ],
            "No passes.",
        ),
        _section(
            f"Tickets and disputes ({len(page.tickets)})",
            ["#", "Subject", "Kind", "Status", "Opened"],
            [
                [
                    f"#{t.number}",
                    t.subject,
                    chip("dispute", "error") if t.kind is TicketKind.dispute else chip("question", "muted"),
                    status_chip(t.status, DisputeOutcome(t.outcome) if t.outcome else None),
                    local_time(t.created_at, tz),
                ]
                for t in page.tickets
            ],
            "No tickets. Disputes and questions from the driver's app appear here and under Support.",
        ),
        _section(
            f"Payments ({len(page.payments)})",
            ["When", "For", "Amount", "Refunded", "Status"],
            [
                [
                    local_time(p.created_at, tz),
                    p.purpose.replace("_", " "),
                    money(p.amount, p.currency),
                    money(p.refunded_amount, p.currency),
                    chip(p.status),
                ]
                for p in page.payments
            ],
            "No payments.",
        ),
    ]
    return controls


@ft.component
def Customers() -> ft.Control:
    session = use_admin().session
    state: CustomersState = use_screen("customers", CustomersState)
    typed = ft.use_ref(lambda: {"query": state.query}).current
    tz = tenant_timezone(session)

    async def search(_=None) -> None:
        await state.search(typed["query"])

    def opener(hit: CustomerHit):
        async def handler(_) -> None:
            await state.open(hit)

        return handler

    page = state.customer
    if page is not None:
        title = (
            f"{page.name or page.email} · {page.email}"
            if page.kind is CustomerKind.driver
            else f"Plate {page.plates[0] if page.plates else ''}"
        )
        plates = ", ".join(page.plates) if page.kind is CustomerKind.driver else ""
        return ft.Column(
            [
                ft.Row(
                    [
                        ft.TextButton(
                            "Back to results", icon=ft.Icons.ARROW_BACK, on_click=lambda _: state.back()
                        ),
                        ft.Text(title, theme_style=ft.TextThemeStyle.HEADLINE_SMALL, expand=True),
                        chip("driver account" if page.kind is CustomerKind.driver else "no account", "info"),
                    ]
                ),
                ft.Text(
                    f"Registered plates: {plates or 'none'}. Latest 50 stays, sessions and payments here."
                    if page.kind is CustomerKind.driver
                    else "Everything this plate did at your car parks."
                ),
                error_text(state.error),
                *_detail(page, tz),
            ],
            spacing=14,
            scroll=ft.ScrollMode.AUTO,
            expand=True,
        )

    body: list[ft.Control] = [
        heading(
            "Customers",
            "Find a driver by plate, e-mail or name, or a plate that has no account, and see their "
            "parking, passes, tickets, payments and what they owe you.",
        ),
        ft.Row(
            [
                typed_field(
                    follow(typed, "query", state.query),
                    "query",
                    "Plate, e-mail or name",
                    hint_text="e.g. ABC-123, aino@, Virtanen",
                    width=360,
                    autofocus=True,
                    on_submit=search,
                ),
                ft.FilledButton("Find customer", icon=ft.Icons.SEARCH, on_click=search),
            ]
        ),
        error_text(state.error),
    ]
    if state.loading:
        body.append(loading("Searching…"))
    elif not state.searched:
        body.append(
            _empty("Type at least two characters: the start of a plate, part of an e-mail or a name.")
        )
    elif not state.hits:
        body.append(
            _empty(
                f"Nobody matches '{state.query}' at your car parks. Plates match from their start "
                "(spaces and dashes don't matter)."
            )
        )
    else:
        body.append(
            table(
                ["Customer", "Plates", "Last seen", ""],
                [
                    [
                        ft.Text(hit_title(h), weight=ft.FontWeight.W_500),
                        ", ".join(h.plates) or "—",
                        local_time(h.last_seen_at, tz) if h.last_seen_at else "—",
                        ft.OutlinedButton(
                            f"Open {h.email or (h.plates[0] if h.plates else '')}", on_click=opener(h)
                        ),
                    ]
                    for h in state.hits
                ],
            )
        )
    return ft.Column(body, spacing=14, scroll=ft.ScrollMode.AUTO, expand=True)
