"""Audit log: who changed what, and when, in words."""

import flet as ft

from mobile.admin.context import use_admin, use_screen
from mobile.admin.state.audit import OBJECT_TYPES, AuditState, describe
from mobile.admin.views.common import act, card, heading, local_time, table, typed_field
from mobile.components.common import empty, error_text, loading

_ALL = "all"


@ft.component
def Filters(state: AuditState) -> ft.Control:
    typed = ft.use_ref(
        lambda: {"actor": state.actor, "from_day": state.from_day, "to_day": state.to_day}
    ).current
    version, set_version = ft.use_state(0)

    async def pick_type(e) -> None:
        value = e.control.value or _ALL
        await state.filter(object_type="" if value == _ALL else value, **typed)

    async def apply(_=None) -> None:
        await state.filter(**typed)

    async def clear(_) -> None:
        typed.update(actor="", from_day="", to_day="")
        set_version(version + 1)
        await state.clear_filters()

    return ft.Row(
        [
            ft.Dropdown(
                key=f"t{version}",
                label="About",
                value=state.object_type or _ALL,
                width=210,
                dense=True,
                options=[ft.DropdownOption(key=_ALL, text="Everything")]
                + [ft.DropdownOption(key=k, text=v) for k, v in OBJECT_TYPES.items()],
                on_select=pick_type,
            ),
            typed_field(
                typed, "actor", "Done by (e-mail or 'system')", key=f"a{version}", width=260, on_submit=apply
            ),
            typed_field(
                typed, "from_day", "From (YYYY-MM-DD)", key=f"f{version}", width=190, on_submit=apply
            ),
            typed_field(typed, "to_day", "To (YYYY-MM-DD)", key=f"u{version}", width=190, on_submit=apply),
            ft.FilledButton("Apply filters", icon=ft.Icons.FILTER_ALT, on_click=apply),
            ft.TextButton("Clear filters", on_click=clear),
        ],
        spacing=10,
        wrap=True,
    )


@ft.component
def Audit() -> ft.Control:
    session = use_admin().session
    state: AuditState = use_screen("audit", AuditState)
    tenant = next((t for t in session.tenants if t.slug == session.acting), None)
    tz = tenant.timezone if tenant else None
    currency = tenant.currency if tenant else None

    async def load() -> None:
        state.timezone = tz or "UTC"
        await state.load()

    ft.use_effect(load, [session.acting])

    rows = [
        [
            local_time(e.created_at, tz, seconds=True),
            ft.Text(e.actor, weight=ft.FontWeight.W_500),
            ft.Text(describe(e, currency), width=620),
        ]
        for e in state.entries
    ]
    body: list[ft.Control] = [
        heading(
            "Audit log",
            "Every change to facilities, users, keys, stays, invoices and tickets: who did it and when "
            f"(times in {tz or 'UTC'}), newest first.",
        ),
        Filters(state),
        error_text(state.error),
    ]
    if state.loading and not state.entries:
        body.append(loading("Loading the log…"))
    elif state.loaded and not state.entries:
        body.append(empty("Nothing recorded for these filters. Clear them to see the whole log."))
    elif state.entries:
        body.append(card(f"{len(state.entries)} changes shown", [table(["When", "Who", "What"], rows)]))
        if state.next_before_id is not None:
            body.append(ft.OutlinedButton("Show older changes", on_click=act(state.load, more=True)))
    return ft.Column(body, spacing=14, scroll=ft.ScrollMode.AUTO, expand=True)
