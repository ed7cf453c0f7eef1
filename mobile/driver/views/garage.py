"""Vehicles (add with plate check, choose the default, remove) and cards (processor tokens only)."""

import flet as ft

from mobile.components.common import empty, error_text, loading, page_view, section
from mobile.driver.context import act, use_states
from mobile.services.card_form import SANDBOX_CARDS


@ft.component
def VehicleRow(vehicle) -> ft.Control:
    garage = use_states().garage
    actions: list[ft.Control] = []
    if vehicle.is_default:
        actions.append(ft.Text("Default", color=ft.Colors.PRIMARY, weight=ft.FontWeight.BOLD))
    else:
        actions.append(
            ft.TextButton(
                f"Make {vehicle.license_plate} default", on_click=act(garage.make_default, vehicle.id)
            )
        )
    actions.append(
        ft.TextButton(f"Remove {vehicle.license_plate}", on_click=act(garage.delete_vehicle, vehicle.id))
    )
    return ft.Row(
        [ft.Text(vehicle.license_plate, size=18, weight=ft.FontWeight.BOLD, width=140), *actions], wrap=True
    )


@ft.component
def Garage() -> ft.View:
    garage = use_states().garage
    typed = ft.use_ref("")
    field_version, set_field_version = ft.use_state(0)

    def keep(e) -> None:
        typed.current = e.control.value

    async def load() -> None:
        if not garage.loaded:
            await garage.load()

    ft.use_effect(load, [])

    async def add_vehicle(_=None) -> None:
        if await garage.add_vehicle(typed.current or ""):
            typed.current = ""
            set_field_version(field_version + 1)  # a new, empty field

    body: list[ft.Control] = [error_text(garage.error), section("Your vehicles")]
    if garage.loading and not garage.loaded:
        body.append(loading())
    elif not garage.vehicles:
        body.append(empty("No vehicle yet. Operators check the plate, so add it before you park."))
    body += [VehicleRow(v) for v in garage.vehicles]
    body += [
        ft.Row(
            [
                ft.TextField(
                    label="Licence plate",
                    key=f"plate-{field_version}",
                    capitalization=ft.TextCapitalization.CHARACTERS,
                    on_change=keep,
                    on_submit=add_vehicle,
                    error=garage.plate_error,
                    expand=True,
                ),
                ft.FilledButton("Add vehicle", on_click=add_vehicle),
            ]
        ),
        ft.Divider(),
        section("Your cards"),
    ]
    if not garage.cards and garage.loaded:
        body.append(empty("No card yet."))
    body += [
        ft.Row(
            [
                ft.Text(
                    f"{c.brand} •••• {c.last4}" + (" (default)" if c.is_default else ""), size=16, width=220
                ),
                *(
                    []
                    if c.is_default
                    else [
                        ft.TextButton(
                            f"Make •••• {c.last4} default", on_click=act(garage.make_default_card, c.id)
                        )
                    ]
                ),
            ],
            wrap=True,
        )
        for c in garage.cards
    ]
    body += [
        ft.Text(
            "Add a card. In this sandbox, pick a test card: no real card is charged.",
            color=ft.Colors.ON_SURFACE_VARIANT,
        ),
        ft.Row(
            [
                ft.OutlinedButton(f"Add {label}", on_click=act(garage.add_card, token))
                for token, label in SANDBOX_CARDS.items()
            ],
            wrap=True,
        ),
        error_text(garage.card_error),
    ]
    return page_view("/garage", "Vehicles and cards", body)
