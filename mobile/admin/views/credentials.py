"""Keys & tokens: the enforcement handhelds' API keys and the cameras' webhook tokens."""

import flet as ft

from mobile.admin.context import use_admin, use_screen
from mobile.admin.state.credentials import CredentialsState
from mobile.admin.views.common import (
    act,
    card,
    chip,
    heading,
    keep,
    local_time,
    read_only_note,
    secret_box,
    table,
)
from mobile.components.common import error_text, info_text


def _status(revoked_at) -> ft.Control:
    return chip("revoked") if revoked_at else chip("active")


@ft.component
def NewCredential(label: str, hint: str, create) -> ft.Control:
    typed = ft.use_ref(lambda: {"name": ""}).current

    async def submit(_=None) -> None:
        await create(typed["name"])

    return ft.Row(
        [
            ft.TextField(
                label=f"New {label} name",
                hint_text=hint,
                width=280,
                dense=True,
                on_change=keep(typed, "name"),
                on_submit=submit,
            ),
            ft.FilledButton(f"Create {label}", icon=ft.Icons.ADD, on_click=submit),
        ]
    )


@ft.component
def Credentials() -> ft.Control:
    session = use_admin().session
    state: CredentialsState = use_screen("credentials", CredentialsState)
    editable = session.can_edit()
    tz = None

    async def load() -> None:
        await state.load()

    ft.use_effect(load, [session.acting])

    def key_actions(key) -> ft.Control:
        if key.revoked_at or not editable:
            return ft.Text("")
        return ft.Row(
            [
                ft.OutlinedButton(f"Rotate key {key.name}", on_click=act(state.rotate_key, key)),
                ft.TextButton(f"Revoke key {key.name}", on_click=act(state.revoke_key, key)),
            ]
        )

    def token_actions(token) -> ft.Control:
        if token.revoked_at or not editable:
            return ft.Text("")
        return ft.Row(
            [
                ft.OutlinedButton(f"Rotate token {token.name}", on_click=act(state.rotate_token, token)),
                ft.TextButton(f"Revoke token {token.name}", on_click=act(state.revoke_token, token)),
            ]
        )

    revealed = state.revealed
    return ft.Column(
        [
            heading(
                "Keys & tokens",
                "API keys let enforcement handhelds check plates; webhook tokens let your cameras and "
                "barriers post entries and exits. A new secret is shown once: copy it into the device now.",
            ),
            read_only_note(editable),
            error_text(state.error),
            info_text(state.notice),
            secret_box(revealed.title, revealed.secret, "Shown once. Store it in the device's settings now.")
            if revealed
            else ft.Container(visible=False),
            card(
                "Enforcement API keys (x-api-key)",
                [
                    *([NewCredential("API key", "handhelds", state.create_key)] if editable else []),
                    table(
                        ["Name", "Starts with", "Facilities", "Created", "Last used", "Status", ""],
                        [
                            [
                                k.name,
                                f"{k.prefix}…",
                                ", ".join(k.facilities) if k.facilities else "every facility",
                                local_time(k.created_at, tz),
                                local_time(k.last_used_at, tz),
                                _status(k.revoked_at),
                                key_actions(k),
                            ]
                            for k in state.keys
                        ],
                    ),
                ],
            ),
            card(
                "Camera webhook tokens (POST /webhook)",
                [
                    *(
                        [NewCredential("webhook token", "entrance cameras", state.create_token)]
                        if editable
                        else []
                    ),
                    table(
                        ["Name", "Starts with", "Created", "Last used", "Status", ""],
                        [
                            [
                                t.name,
                                f"{t.prefix}…",
                                local_time(t.created_at, tz),
                                local_time(t.last_used_at, tz),
                                _status(t.revoked_at),
                                token_actions(t),
                            ]
                            for t in state.tokens
                        ],
                    ),
                ],
            ),
        ],
        spacing=14,
        scroll=ft.ScrollMode.AUTO,
        expand=True,
    )
