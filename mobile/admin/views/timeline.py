"""One stay's or prepaid session's timeline: photos, amounts, and what happened in order with who did it;
on a stay, correcting a misread plate and invoicing what it still owes."""

import flet as ft

from mobile.admin.state.session import AdminSession
from mobile.admin.state.sessions import SessionsState, duration_text
from mobile.admin.views.common import (
    SEVERITY_COLORS,
    card,
    chip,
    heading,
    keep,
    local_time,
    money,
    read_only_note,
)
from mobile.components.common import error_text, info_text
from shared.schemas.admin_records import SessionDetail, StayDetail, TimelineItem

SOURCES = {
    "anpr": "Seen by the cameras",
    "geofence": "Detected by the driver's phone",
    "app": "Paid in the app",
    "provider": "Paid in the app, run by the parking provider",
}
ICONS = {
    "entry": ft.Icons.LOGIN,
    "exit": ft.Icons.LOGOUT,
    "free_period": ft.Icons.TIMER_OUTLINED,
    "payment": ft.Icons.PAYMENTS,
    "payment_failed": ft.Icons.CREDIT_CARD_OFF,
    "refund": ft.Icons.UNDO,
    "unpaid": ft.Icons.WARNING_AMBER,
    "review": ft.Icons.RULE,
    "invoice": ft.Icons.RECEIPT_LONG,
    "plate_corrected": ft.Icons.EDIT_NOTE,
    "audit": ft.Icons.HISTORY,
    "enforcement_check": ft.Icons.LOCAL_POLICE,
    "ticket": ft.Icons.SUPPORT_AGENT,
    "session_requested": ft.Icons.SHOPPING_CART,
    "session_started": ft.Icons.PLAY_CIRCLE_OUTLINE,
    "extension": ft.Icons.MORE_TIME,
    "session_stopped": ft.Icons.STOP_CIRCLE,
    "session_expired": ft.Icons.TIMER_OFF,
    "session_failed": ft.Icons.ERROR_OUTLINE,
}


def photo(url: str | None, label: str) -> ft.Control:
    """A camera image, or a grey box saying there is none (or that it could not be loaded)."""

    def placeholder(text: str) -> ft.Control:
        return ft.Container(
            ft.Column(
                [ft.Icon(ft.Icons.NO_PHOTOGRAPHY, color=ft.Colors.GREY_600), ft.Text(text, size=12)],
                horizontal_alignment=ft.CrossAxisAlignment.CENTER,
                alignment=ft.MainAxisAlignment.CENTER,
                tight=True,
            ),
            width=300,
            height=170,
            bgcolor=ft.Colors.GREY_200,
            border_radius=8,
            alignment=ft.Alignment.CENTER,
        )

    image = (
        ft.Image(
            src=url,
            width=300,
            height=170,
            fit=ft.BoxFit.COVER,
            border_radius=8,
            semantics_label=label,
            error_content=placeholder(f"{label}: the image could not be loaded"),
        )
        if url
        else placeholder(f"No {label.lower()}")
    )
    return ft.Column([ft.Text(label, weight=ft.FontWeight.W_500), image], spacing=6, tight=True)


def fact(label: str, value: str | ft.Control) -> ft.Control:
    return ft.Column(
        [
            ft.Text(label, size=12, color=ft.Colors.ON_SURFACE_VARIANT),
            ft.Text(value, weight=ft.FontWeight.W_500) if isinstance(value, str) else value,
        ],
        spacing=2,
        tight=True,
    )


def event_row(item: TimelineItem, timezone: str) -> ft.Control:
    background, foreground = SEVERITY_COLORS[item.severity.value]
    lines: list[ft.Control] = [ft.Text(item.title, weight=ft.FontWeight.BOLD)]
    if item.detail:
        lines.append(ft.Text(item.detail))
    if item.actor:
        lines.append(ft.Text(f"By {item.actor}", size=12, color=ft.Colors.ON_SURFACE_VARIANT))
    if item.image_url and item.kind.value not in ("entry", "exit"):
        lines.append(photo(item.image_url, "Camera image"))
    return ft.Row(
        [
            ft.Container(
                ft.Text(local_time(item.at, timezone, seconds=True), size=13),
                width=150,
                padding=ft.Padding.only(top=8),
            ),
            ft.Container(
                ft.Icon(ICONS.get(item.kind.value, ft.Icons.CIRCLE), color=foreground, size=20),
                bgcolor=background,
                border_radius=20,
                padding=8,
            ),
            ft.Column(lines, spacing=2, expand=True, tight=True),
        ],
        vertical_alignment=ft.CrossAxisAlignment.START,
        spacing=14,
    )


def summary(record: StayDetail | SessionDetail) -> ft.Control:
    tz = record.facility.timezone
    stay = isinstance(record, StayDetail)
    facts = [
        fact("Status", chip(record.status.value)),
        fact("Entered" if stay else "Started", local_time(record.started_at, tz)),
        fact(
            "Exited" if stay else "Ends / ended",
            local_time(record.ended_at, tz) if record.ended_at else "inside now",
        ),
        fact("Duration", duration_text(record.started_at, record.ended_at)),
        fact("Price", money(record.owed_amount, record.currency)),
        fact("Paid", money(record.paid_amount, record.currency)),
        fact("Still owed", money(record.due_amount, record.currency)),
        fact("Driver account", record.driver_email or "none (no driver has this plate)"),
    ]
    if isinstance(record, SessionDetail) and record.refunded_amount:
        facts.append(fact("Refunded", money(record.refunded_amount, record.currency)))
    return ft.Row(facts, spacing=32, wrap=True, run_spacing=12)


@ft.component
def CorrectPlate(state: SessionsState, close) -> ft.Control:
    typed = ft.use_ref(lambda: {"plate": "", "reason": ""}).current

    async def save(_=None) -> None:
        if await state.correct_plate(typed["plate"], typed["reason"]):
            close()

    return card(
        "Correct the plate",
        [
            ft.Text(
                "The stay is re-linked to the driver who has the corrected plate (or to no one) and its "
                "payment re-evaluated. The change is kept in the audit log."
            ),
            ft.Row(
                [
                    ft.TextField(
                        label="Corrected plate", width=200, on_change=keep(typed, "plate"), on_submit=save
                    ),
                    ft.TextField(
                        label="Reason for the correction",
                        hint_text="e.g. camera misread 8 as 3",
                        expand=True,
                        on_change=keep(typed, "reason"),
                        on_submit=save,
                    ),
                ]
            ),
            ft.Row(
                [
                    ft.FilledButton("Save the corrected plate", icon=ft.Icons.SAVE, on_click=save),
                    ft.TextButton("Cancel the correction", on_click=lambda _: close()),
                ]
            ),
        ],
    )


@ft.component
def IssueInvoice(state: SessionsState, close) -> ft.Control:
    typed = ft.use_ref(lambda: {"bill_to": "", "due_days": "14"}).current
    stay = state.stay
    assert stay is not None

    async def issue(_=None) -> None:
        text = (typed["due_days"] or "14").strip()
        if not text.isdigit() or not 1 <= int(text) <= 365:
            state.error = "Days until due: a whole number from 1 to 365."
            return
        if await state.issue_invoice(typed["bill_to"], int(text)):
            close()

    return card(
        f"Invoice {money(stay.due_amount, stay.currency)} for this stay",
        [
            ft.Text(
                "Bill to: leave empty to bill the driver's account"
                + (
                    f" ({stay.driver_email})."
                    if stay.driver_email
                    else "; this stay has no driver, so name who pays."
                )
            ),
            ft.Row(
                [
                    ft.TextField(
                        label="Bill to (name and address)",
                        expand=True,
                        on_change=keep(typed, "bill_to"),
                        on_submit=issue,
                    ),
                    ft.TextField(
                        label="Days until due", value="14", width=140, on_change=keep(typed, "due_days")
                    ),
                ]
            ),
            ft.Row(
                [
                    ft.FilledButton("Issue the invoice", icon=ft.Icons.RECEIPT_LONG, on_click=issue),
                    ft.TextButton("Cancel the invoice", on_click=lambda _: close()),
                ]
            ),
        ],
    )


def correction_outcome(state: SessionsState) -> ft.Control:
    result = state.correction
    if result is None:
        return ft.Container(visible=False)
    stay = result.stay
    driver = (
        f"The stay now belongs to {stay.driver_email}."
        if stay.driver_email
        else "No driver account has this plate: the stay belongs to no one."
    )
    return card(
        "Plate corrected",
        [
            ft.Text(f"The plate was {result.previous_plate}; it is now {stay.plate}."),
            ft.Text(driver),
            ft.Text(f"Payment: {result.message}"),
            ft.Row([ft.Text("Status now:"), chip(stay.status.value)]),
        ],
    )


@ft.component
def Timeline(state: SessionsState, session: AdminSession) -> ft.Control:
    form, set_form = ft.use_state(None)  # "plate" | "invoice" | None
    record = state.detail
    can_act = session.role in ("tenant_admin", "operator") and not session.read_only

    async def back(_) -> None:
        await state.close()

    if record is None:
        return ft.Column(
            [ft.TextButton("Back to the list", icon=ft.Icons.ARROW_BACK, on_click=back), ft.ProgressRing()]
        )
    stay = record if isinstance(record, StayDetail) else None
    tz = record.facility.timezone
    actions: list[ft.Control] = []
    if stay is not None and can_act:
        actions.append(
            ft.OutlinedButton("Correct plate", icon=ft.Icons.EDIT, on_click=lambda _: set_form("plate"))
        )
        if state.can_invoice:
            actions.append(
                ft.FilledButton(
                    "Issue invoice", icon=ft.Icons.RECEIPT_LONG, on_click=lambda _: set_form("invoice")
                )
            )
    warnings: list[ft.Control] = []
    reason = record.failure_reason or (stay.review_reason if stay else None)
    reason = reason.rstrip(".") if reason else None
    if stay is not None and stay.status.value == "unpaid" and stay.due_amount:
        owed = money(stay.due_amount, stay.currency)
        why = f": {reason[:1].lower()}{reason[1:]}" if reason else ""
        hint = (
            "An invoice is out for it." if state.invoiced else "Invoice it, or correct the plate if misread."
        )
        warnings.append(error_text(f"Unpaid: {owed} is still owed for this stay{why}. {hint}"))
    elif reason:
        warnings.append(error_text(f"{reason}."))
    kind = "Stay" if stay else "Prepaid session"
    subtitle = f"{record.facility.name} · {SOURCES.get(record.source.value, record.source.value)}"
    if isinstance(record, SessionDetail) and record.provider_session_id:
        subtitle += f" · provider reference {record.provider_session_id}"
    photos = (
        [
            ft.Row(
                [photo(stay.entry_image_url, "Entry photo"), photo(stay.exit_image_url, "Exit photo")],
                wrap=True,
            )
        ]
        if stay
        else []
    )
    return ft.Column(
        [
            ft.Row([ft.TextButton("Back to the list", icon=ft.Icons.ARROW_BACK, on_click=back)]),
            heading(f"{kind} {record.plate}", subtitle, actions=actions),
            read_only_note(can_act),
            error_text(state.error),
            info_text(state.notice),
            *warnings,
            CorrectPlate(state, lambda: set_form(None))
            if form == "plate" and can_act
            else ft.Container(visible=False),
            IssueInvoice(state, lambda: set_form(None))
            if form == "invoice" and can_act and state.can_invoice
            else ft.Container(visible=False),
            correction_outcome(state),
            card("Summary", [summary(record), *photos]),
            card(
                "Timeline",
                [ft.Text("Oldest first, times in the facility's time zone.", size=12)]
                + [event_row(item, tz) for item in record.timeline]
                if record.timeline
                else [ft.Text("Nothing recorded yet.", italic=True)],
            ),
        ],
        spacing=12,
        scroll=ft.ScrollMode.AUTO,
        expand=True,
    )
