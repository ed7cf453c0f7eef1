"""Sign in and sign up."""

import flet as ft

from mobile.components.common import error_text, info_text
from mobile.driver.context import use_states


@ft.component
def Welcome(route: str) -> ft.View:
    states = use_states()
    auth = states.auth
    mode, set_mode = ft.use_state("sign_in")
    # Typed text lives in a ref, not in state: re-rendering a field with `value=` while the driver
    # types would fight the keyboard.
    typed: dict[str, str] = ft.use_ref(lambda: {"email": "", "password": "", "name": ""}).current

    def keep(key: str):
        def on_change(e) -> None:
            typed[key] = e.control.value

        return on_change

    async def submit(_=None) -> None:
        if mode == "sign_in":
            await auth.sign_in(typed.get("email", ""), typed.get("password", ""))
        else:
            await auth.register(typed.get("email", ""), typed.get("password", ""), typed.get("name", ""))

    def switch(_) -> None:
        auth.error = None
        set_mode("register" if mode == "sign_in" else "sign_in")

    registering = mode == "register"
    fields: list[ft.Control] = []
    if registering:
        fields.append(ft.TextField(label="Your name", on_change=keep("name")))
    fields += [
        ft.TextField(
            label="Email",
            keyboard_type=ft.KeyboardType.EMAIL,
            on_change=keep("email"),
        ),
        ft.TextField(
            label="Password",
            password=True,
            can_reveal_password=True,
            on_change=keep("password"),
            on_submit=submit,
        ),
    ]
    if registering:
        fields.append(ft.Text("At least 10 characters.", size=12, color=ft.Colors.ON_SURFACE_VARIANT))
    return ft.View(
        route=route,
        padding=24,
        scroll=ft.ScrollMode.AUTO,
        controls=[
            ft.Column(
                [
                    ft.Icon(ft.Icons.LOCAL_PARKING, size=56, color=ft.Colors.PRIMARY),
                    ft.Text("Parkflow", theme_style=ft.TextThemeStyle.HEADLINE_MEDIUM),
                    ft.Text("Pay for parking anywhere, in a few taps."),
                    ft.Text(
                        "Create your account" if registering else "Sign in",
                        theme_style=ft.TextThemeStyle.TITLE_LARGE,
                    ),
                    *fields,
                    info_text(auth.notice),
                    error_text(auth.error),
                    ft.FilledButton(
                        "Create account" if registering else "Sign in",
                        on_click=submit,
                        disabled=auth.busy,
                    ),
                    ft.TextButton(
                        "I already have an account" if registering else "New here? Create an account",
                        on_click=switch,
                    ),
                ],
                spacing=14,
                horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
                width=420,
            )
        ],
        horizontal_alignment=ft.CrossAxisAlignment.CENTER,
    )
