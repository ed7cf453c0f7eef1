"""Operator sign-in."""

import flet as ft

from mobile.admin.context import use_admin
from mobile.admin.views.common import keep
from mobile.components.common import error_text


@ft.component
def Login(route: str) -> ft.View:
    session = use_admin().session
    typed: dict[str, str] = ft.use_ref(lambda: {"email": "", "password": ""}).current

    async def submit(_=None) -> None:
        await session.sign_in(typed["email"], typed["password"])

    card = ft.Card(
        ft.Container(
            ft.Column(
                [
                    ft.Row(
                        [
                            ft.Icon(ft.Icons.LOCAL_PARKING, size=40, color=ft.Colors.PRIMARY),
                            ft.Text("Parkflow for operators", theme_style=ft.TextThemeStyle.HEADLINE_SMALL),
                        ]
                    ),
                    ft.Text("Sign in with your work account.", color=ft.Colors.ON_SURFACE_VARIANT),
                    ft.TextField(
                        label="Work email",
                        keyboard_type=ft.KeyboardType.EMAIL,
                        on_change=keep(typed, "email"),
                    ),
                    ft.TextField(
                        label="Password",
                        password=True,
                        can_reveal_password=True,
                        on_change=keep(typed, "password"),
                        on_submit=submit,
                    ),
                    error_text(session.error),
                    ft.FilledButton("Sign in", on_click=submit, disabled=session.busy),
                ],
                spacing=16,
                tight=True,
            ),
            padding=32,
            width=440,
        )
    )
    return ft.View(
        route=route,
        controls=[ft.Container(card, alignment=ft.Alignment.CENTER, expand=True)],
        bgcolor=ft.Colors.SURFACE_CONTAINER_LOW,
    )
