"""Invoices: the operator's invoices for unpaid stays, marking them paid, voiding them (confirmed), and
their printable page opened in a new browser tab."""

import flet as ft

from mobile.admin.context import use_admin, use_screen
from mobile.admin.state.invoices import STATUS_FILTERS, InvoicesState
from mobile.admin.views.common import (
    act,
    card,
    chip,
    follow,
    heading,
    keep,
    local_time,
    money,
    read_only_note,
    table,
    typed_field,
)
from mobile.components.common import error_text, info_text
from shared.schemas.admin_invoices import InvoiceOut

ALL = "all"


def _status(invoice: InvoiceOut) -> ft.Control:
    return chip("overdue") if invoice.overdue else chip(invoice.status.value)


def _customer(invoice: InvoiceOut) -> ft.Control:
    return ft.Container(
        ft.Column(
            [
                ft.Text(
                    invoice.bill_to or "—",
                    max_lines=1,
                    overflow=ft.TextOverflow.ELLIPSIS,
                    tooltip=invoice.bill_to or None,
                ),
                ft.Text(
                    f"{invoice.plate} · {invoice.facility.name}", size=12, color=ft.Colors.ON_SURFACE_VARIANT
                ),
            ],
            spacing=0,
            tight=True,
        ),
        width=250,
    )


@ft.component
def InvoiceAction(state: InvoicesState, invoice: InvoiceOut, action: str, close) -> ft.Control:
    """Mark paid (the payment's reference) or void (a reason, confirmed by the button's words)."""
    typed = ft.use_ref(lambda: {"text": ""}).current

    async def submit(_=None) -> None:
        done = (
            await state.mark_paid(invoice, typed["text"])
            if action == "paid"
            else await state.void(invoice, typed["text"])
        )
        if done:
            close()

    amount = money(invoice.amount, invoice.currency)
    if action == "paid":
        title = f"Mark invoice {invoice.number} paid ({amount})"
        explain = "The stay becomes paid. This cannot be undone."
        label, hint, button = (
            "Payment reference",
            "bank transfer reference or receipt",
            "Confirm payment received",
        )
    else:
        title = f"Void invoice {invoice.number} ({amount})?"
        explain = "The invoice is cancelled and the stay can be invoiced again. This cannot be undone."
        label, hint, button = "Reason for voiding", "e.g. issued to the wrong plate", "Yes, void the invoice"
    return card(
        title,
        [
            ft.Text(explain),
            ft.TextField(
                label=label, hint_text=hint, width=420, on_change=keep(typed, "text"), on_submit=submit
            ),
            ft.Row(
                [
                    ft.FilledButton(button, on_click=submit),
                    ft.TextButton("Cancel", on_click=lambda _: close()),
                ]
            ),
        ],
    )


@ft.component
def Invoices() -> ft.Control:
    session = use_admin().session
    state: InvoicesState = use_screen("invoices", InvoicesState)
    launcher = ft.use_memo(ft.UrlLauncher, [])
    acting, set_acting = ft.use_state(None)  # (invoice, "paid" | "void")
    typed = ft.use_ref(lambda: {"plate": state.plate}).current
    can_act = session.role in ("tenant_admin", "operator") and not session.read_only

    async def load() -> None:
        await state.load()

    ft.use_effect(load, [session.acting])

    async def pick_status(e) -> None:
        await state.set_status(None if e.control.value in (None, ALL) else e.control.value)

    async def search(_=None) -> None:
        await state.search(typed["plate"])

    def printer(invoice: InvoiceOut):
        async def print_page(_) -> None:
            url = await state.print_link(invoice)
            if url is not None:
                await launcher.launch_url(url, web_only_window_name="_blank")

        return print_page

    def actions(invoice: InvoiceOut) -> ft.Control:
        buttons: list[ft.Control] = [
            ft.TextButton(f"Print {invoice.number}", icon=ft.Icons.PRINT, on_click=printer(invoice))
        ]
        if can_act and invoice.status.value == "issued":
            buttons += [
                ft.OutlinedButton(
                    f"Mark {invoice.number} paid", on_click=lambda _: set_acting((invoice, "paid"))
                ),
                ft.TextButton(
                    f"Void {invoice.number}",
                    style=ft.ButtonStyle(color=ft.Colors.RED_800),
                    on_click=lambda _: set_acting((invoice, "void")),
                ),
            ]
        return ft.Row(buttons, spacing=4)

    def due(invoice: InvoiceOut) -> str:
        tz = invoice.facility.timezone
        if invoice.status.value == "paid":
            return f"paid {local_time(invoice.paid_at, tz)[:10]}"
        if invoice.status.value == "void":
            return f"voided {local_time(invoice.voided_at, tz)[:10]}"
        return local_time(invoice.due_at, tz)[:10]

    rows = [
        [
            ft.Text(i.number, weight=ft.FontWeight.BOLD),
            _customer(i),
            local_time(i.issued_at, i.facility.timezone)[:10],
            due(i),
            money(i.amount, i.currency),
            _status(i),
            actions(i),
        ]
        for i in state.items
    ]
    body: list[ft.Control]
    if state.loaded and not state.items:
        body = [ft.Container(ft.Text(state.empty_message, italic=True), padding=20)]
    else:
        headers = ["Number", "Bill to / plate and facility", "Issued", "Due", "Amount", "Status", ""]
        body = [ft.Row([table(headers, rows, column_spacing=16)], scroll=ft.ScrollMode.AUTO)]
    chosen = acting
    if chosen is not None and not any(i.id == chosen[0].id for i in state.items):
        chosen = None
    return ft.Column(
        [
            heading(
                "Invoices",
                "Invoices for stays that were not paid in the app. Mark one paid when the money arrives, "
                "void one issued by mistake, or print it (saved as a page to open and print).",
            ),
            read_only_note(can_act),
            ft.Row(
                [
                    ft.Dropdown(
                        label="Status",
                        value=state.status or ALL,
                        width=180,
                        dense=True,
                        options=[ft.DropdownOption(key=ALL, text="Any status")]
                        + [ft.DropdownOption(key=s, text=s.capitalize()) for s in STATUS_FILTERS],
                        on_select=pick_status,
                    ),
                    typed_field(
                        follow(typed, "plate", state.plate),
                        "plate",
                        "Search plate",
                        width=200,
                        prefix_icon=ft.Icons.SEARCH,
                        on_submit=search,
                    ),
                    ft.FilledButton("Search invoices", icon=ft.Icons.SEARCH, on_click=search),
                ],
                spacing=10,
            ),
            error_text(state.error),
            info_text(state.notice),
            InvoiceAction(state, chosen[0], chosen[1], lambda: set_acting(None))
            if chosen and can_act
            else ft.Container(visible=False),
            ft.ProgressBar(visible=state.loading),
            *body,
            ft.Row(
                [
                    ft.OutlinedButton(
                        "Previous invoices",
                        on_click=act(state.previous_page),
                        disabled=not state.has_previous,
                    ),
                    ft.Text(state.showing),
                    ft.OutlinedButton(
                        "More invoices", on_click=act(state.next_page), disabled=not state.has_next
                    ),
                ],
                alignment=ft.MainAxisAlignment.CENTER,
            )
            if state.items
            else ft.Container(visible=False),
        ],
        spacing=12,
        scroll=ft.ScrollMode.AUTO,
        expand=True,
    )
