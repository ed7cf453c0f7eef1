"""Users: who works in this portal, with which role; add people, change roles, deactivate."""

import flet as ft

from mobile.admin.context import use_admin, use_screen
from mobile.admin.state.users import ROLE_HELP, ROLES, UsersState, role_label
from mobile.admin.views.common import act, card, chip, heading, local_time, read_only_note, table, typed_field
from mobile.components.common import error_text, info_text, loading


@ft.component
def NewUser(state: UsersState) -> ft.Control:
    typed = ft.use_ref(lambda: {"email": "", "name": "", "role": "operator", "password": ""}).current
    version, set_version = ft.use_state(0)

    def pick_role(e) -> None:
        typed["role"] = e.control.value or "operator"

    async def add(_) -> None:
        if await state.create(**typed):
            typed.update(email="", name="", role="operator", password="")
            set_version(version + 1)

    return card(
        "Add a user",
        [
            ft.Row(
                [
                    typed_field(typed, "email", "Work e-mail", key=f"e{version}", width=250),
                    typed_field(typed, "name", "Name", key=f"n{version}", width=200),
                    ft.Dropdown(
                        key=f"r{version}",
                        label="Role",
                        value=typed["role"],
                        width=190,
                        dense=True,
                        options=[ft.DropdownOption(key=k, text=v) for k, v in ROLES.items()],
                        on_select=pick_role,
                    ),
                    typed_field(
                        typed,
                        "password",
                        "First password",
                        key=f"p{version}",
                        width=220,
                        password=True,
                        can_reveal_password=True,
                    ),
                    ft.FilledButton("Add user", icon=ft.Icons.PERSON_ADD, on_click=add, disabled=state.busy),
                ],
                spacing=10,
                wrap=True,
            ),
            ft.Text(
                "Roles: "
                + "; ".join(f"{ROLES[r].lower()} — {h}" for r, h in ROLE_HELP.items())
                + ". Give the first password to the person directly; they sign in with it at once.",
                size=12,
                color=ft.Colors.ON_SURFACE_VARIANT,
            ),
        ],
    )


@ft.component
def Users() -> ft.Control:
    session = use_admin().session
    state: UsersState = use_screen("users", UsersState)
    editable = session.can_edit()
    me = session.me.email if session.me else ""
    tz = next((t.timezone for t in session.tenants if t.slug == session.acting), None)

    async def load() -> None:
        await state.load()

    ft.use_effect(load, [session.acting])

    def role_cell(user) -> ft.Control:
        if not editable or user.email == me or not user.is_active:
            return ft.Text(role_label(user.role))

        async def change(e) -> None:
            await state.change_role(user, e.control.value)

        return ft.Dropdown(
            value=user.role,
            width=180,
            dense=True,
            options=[ft.DropdownOption(key=k, text=v) for k, v in ROLES.items()],
            on_select=change,
        )

    def actions(user) -> ft.Control:
        if not editable:
            return ft.Text("")
        if user.email == me:
            return ft.Text("you", italic=True, color=ft.Colors.ON_SURFACE_VARIANT)
        if user.is_active:
            return ft.TextButton(f"Deactivate {user.email}", on_click=act(state.deactivate, user))
        return ft.OutlinedButton(f"Reactivate {user.email}", on_click=act(state.reactivate, user))

    rows = [
        [
            ft.Text(u.name or "—", weight=ft.FontWeight.BOLD),
            u.email,
            role_cell(u),
            chip("active") if u.is_active else chip("deactivated", "muted"),
            local_time(u.created_at, tz),
            actions(u),
        ]
        for u in state.users
    ]
    body: list[ft.Control] = [
        heading(
            "Users",
            "The people who sign in to this portal and what their role lets them do. A deactivated user is "
            "signed out at once and cannot sign in until reactivated.",
        ),
        read_only_note(editable),
        error_text(state.error),
        info_text(state.notice),
    ]
    if editable:
        body.append(NewUser(state))
    if state.loading and not state.users:
        body.append(loading("Loading users…"))
    else:
        body.append(card("Team", [table(["Name", "E-mail", "Role", "Status", "Added", ""], rows)]))
    return ft.Column(body, spacing=14, scroll=ft.ScrollMode.AUTO, expand=True)
