"""History with receipts, and settings: auto-pay, reminders, export my data, delete my account."""

import flet as ft

from mobile.components.common import empty, error_text, info_text, loading, page_view, panel, section
from mobile.driver.context import act, go, use_states
from mobile.driver.state.account import REMINDER_CHOICES
from mobile.driver.views.support import help_buttons
from shared.money import format_amount
from shared.schemas.receipts import ReceiptOut


def _when(receipt: ReceiptOut) -> str:
    from zoneinfo import ZoneInfo

    return receipt.occurred_at.astimezone(ZoneInfo(receipt.timezone)).strftime("%d %b %Y %H:%M")


@ft.component
def ReceiptCard(receipt: ReceiptOut) -> ft.Control:
    support = use_states().support
    place = receipt.facility.name if receipt.facility else receipt.operator
    lines: list[ft.Control] = [
        ft.Row(
            [
                ft.Text(f"{receipt.description} · {place}", weight=ft.FontWeight.BOLD, expand=True),
                ft.Text(format_amount(receipt.total_amount, receipt.currency), weight=ft.FontWeight.BOLD),
            ]
        ),
        ft.Text(
            f"{_when(receipt)} · {receipt.number}"
            + (f" · {receipt.license_plate}" if receipt.license_plate else "")
        ),
    ]
    lines += [
        ft.Text(f"{line.label}: {format_amount(line.amount, receipt.currency)}", size=12)
        for line in receipt.lines
    ]
    status = str(receipt.status.value if hasattr(receipt.status, "value") else receipt.status)
    if status == "failed":
        lines.append(
            ft.Text(
                receipt.failure_reason or "The card was refused; nothing was charged.", color=ft.Colors.ERROR
            )
        )
    elif receipt.refunded_amount:
        lines.append(ft.Text(f"Refunded {format_amount(receipt.refunded_amount, receipt.currency)}"))
    if receipt.card:
        lines.append(ft.Text(f"{receipt.card.brand} •••• {receipt.card.last4}", size=12))
    if (receipt.stay_id or receipt.session_id) and receipt.total_amount > 0:
        label = f"{place}, {receipt.license_plate or receipt.number}, {_when(receipt)}"
        lines.append(help_buttons(support, label, stay_id=receipt.stay_id, session_id=receipt.session_id))
    return panel(ft.Container(ft.Column(lines, tight=True, spacing=4), padding=14))


@ft.component
def History() -> ft.View:
    account = use_states().account

    async def load() -> None:
        await account.load_receipts()

    ft.use_effect(load, [])
    body: list[ft.Control] = [error_text(account.error)]
    if account.loading and not account.receipts:
        body.append(loading())
    elif not account.receipts:
        body.append(empty("No payments yet. Receipts appear here, and by email, as soon as you pay."))
    body += [ReceiptCard(r) for r in account.receipts]
    if account.next_offset is not None and account.receipts:
        body.append(ft.TextButton("Show older receipts", on_click=act(account.load_receipts, True)))
    return page_view("/history", "History and receipts", body)


@ft.component
def Settings() -> ft.View:
    states = use_states()
    account = states.account
    saver = ft.use_memo(ft.FilePicker, [])
    confirming, set_confirming = ft.use_state(False)
    password = ft.use_ref("")

    async def load() -> None:
        await account.load()

    ft.use_effect(load, [])

    async def export(_) -> None:
        data = await account.export()
        if data is not None:
            await saver.save_file(file_name="parkflow-my-data.json", src_bytes=data)
            account.notice = "Your data is saved as parkflow-my-data.json."

    async def delete(_) -> None:
        if await account.delete(password.current or ""):
            await go("/")
            await states.auth.signed_out_after_deletion()

    def keep(e) -> None:
        password.current = e.control.value

    async def toggle_auto_pay(e) -> None:
        await account.set_auto_pay(bool(e.control.value))

    profile = account.profile
    body: list[ft.Control] = [info_text(account.notice), error_text(account.error)]
    if profile is None:
        body.append(loading())
        return page_view("/settings", "Settings", body)
    body += [
        ft.Text(f"{profile.name or profile.email}"),
        ft.Text(profile.email, color=ft.Colors.ON_SURFACE_VARIANT),
        section("Paying at camera car parks"),
        ft.Switch(
            label="Auto-pay when I leave",
            value=profile.auto_pay,
            on_change=toggle_auto_pay,
            disabled=account.saving,
        ),
        section("Remind me before my parking ends"),
        ft.Row(
            [
                ft.FilledButton(label, icon=ft.Icons.CHECK)
                if minutes == profile.reminder_minutes
                else ft.OutlinedButton(label, on_click=act(account.set_reminder, minutes))
                for minutes in REMINDER_CHOICES
                for label in [f"{minutes} min before" if minutes else "No reminders"]
            ],
            wrap=True,
        ),
        section("Your data"),
        ft.OutlinedButton("Export my data", icon=ft.Icons.DOWNLOAD, on_click=export),
    ]
    if confirming:
        body += [
            ft.Text(
                "Deleting your account erases your name, email, vehicles and cards. Receipts the operators "
                "must keep for their books stay, without your name on them.",
            ),
            ft.TextField(label="Password to confirm", password=True, on_change=keep),
            ft.Row(
                [
                    ft.FilledButton(
                        "Delete my account for good",
                        on_click=delete,
                        disabled=account.saving,
                        style=ft.ButtonStyle(bgcolor=ft.Colors.ERROR, color=ft.Colors.ON_ERROR),
                    ),
                    ft.TextButton("Keep my account", on_click=act(set_confirming, False)),
                ],
                wrap=True,
            ),
        ]
    else:
        body.append(ft.TextButton("Delete my account", on_click=act(set_confirming, True)))
    return page_view("/settings", "Settings", body)
