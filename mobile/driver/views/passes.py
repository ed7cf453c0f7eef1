"""The driver's passes with their validity, and buying one at a facility."""

import flet as ft

from mobile.components.common import empty, error_text, info_text, loading, page_view, price_line, section
from mobile.driver.context import act, go, use_states
from mobile.services.errors import ApiError
from shared.money import format_amount
from shared.pricing import service_fee_amount
from shared.schemas.passes import PassOut
from shared.schemas.tariff import ServiceFee

STATE_LABELS = {"upcoming": "Starts later", "valid": "Valid now", "expired": "Expired"}


def _day(moment) -> str:
    # PassOut carries no facility timezone: the device's clock (a pass runs whole days anyway).
    return moment.astimezone().strftime("%d %b %Y %H:%M")


@ft.component
def PassCard(item: PassOut) -> ft.Control:
    state = str(item.state.value if hasattr(item.state, "value") else item.state)
    colour = {"valid": ft.Colors.GREEN_800, "expired": ft.Colors.ON_SURFACE_VARIANT}.get(
        state, ft.Colors.PRIMARY
    )
    return ft.Card(
        ft.Container(
            ft.Column(
                [
                    ft.Text(f"{item.product_name} · {item.facility_name}", weight=ft.FontWeight.BOLD),
                    ft.Text(f"Plate {item.license_plate}"),
                    ft.Text(f"{_day(item.valid_from)} – {_day(item.valid_until)}"),
                    ft.Text(STATE_LABELS.get(state, state), color=colour, weight=ft.FontWeight.BOLD),
                    ft.Text(f"Paid {format_amount(item.total_amount, item.currency)}"),
                ],
                tight=True,
            ),
            padding=14,
        )
    )


@ft.component
def Passes() -> ft.View:
    passes = use_states().passes

    async def load() -> None:
        await passes.load()

    ft.use_effect(load, [])
    body: list[ft.Control] = [info_text(passes.notice), error_text(passes.error)]
    if passes.loading and not passes.loaded:
        body.append(loading())
    elif not passes.items:
        body.append(empty("No passes yet. Facilities that sell them show them on their payment page."))
    body += [PassCard(p) for p in passes.items]
    return page_view("/passes", "Passes", body)


@ft.component
def BuyPass() -> ft.View:
    states = use_states()
    passes, garage = states.passes, states.garage
    params = ft.use_route_params()
    slug, product_slug = params.get("slug", ""), params.get("product", "")
    facility, set_facility = ft.use_state(None)
    failed, set_failed = ft.use_state(None)
    plate, set_plate = ft.use_state(None)

    async def load() -> None:
        try:
            set_facility(await states.api.facility(slug))
        except ApiError as exc:
            set_failed(exc.message)
        if not garage.loaded:
            await garage.load()

    ft.use_effect(load, [slug])
    route = f"/pass/{slug}/{product_slug}"
    if failed:
        return page_view(route, "Buy a pass", [error_text(failed)])
    if facility is None:
        return page_view(route, "Buy a pass", [loading()])
    product = next((p for p in facility.pass_products if p.slug == product_slug), None)
    if product is None:
        return page_view(route, "Buy a pass", [error_text("This pass is not on sale here any more.")])
    fee = service_fee_amount(
        product.amount,
        ServiceFee(percent=facility.service_fee.percent, fixed_amount=facility.service_fee.fixed_amount),
    )
    chosen = plate or (garage.default_vehicle.license_plate if garage.default_vehicle else None)
    card = garage.default_card

    async def buy(_) -> None:
        if chosen and card and await passes.buy(slug, product.slug, chosen, card.id):
            await go("/passes")

    body: list[ft.Control] = [
        ft.Text(f"{product.name} at {facility.name}", theme_style=ft.TextThemeStyle.HEADLINE_SMALL),
        ft.Text(f"Valid {product.days} days from now, for one plate."),
        section("Vehicle"),
        ft.Row(
            [
                ft.FilledButton(v.license_plate, icon=ft.Icons.CHECK)
                if v.license_plate == chosen
                else ft.OutlinedButton(v.license_plate, on_click=act(set_plate, v.license_plate))
                for v in garage.vehicles
            ],
            wrap=True,
        ),
        price_line("Pass", product.amount, facility.currency),
        price_line("Service fee", fee, facility.currency),
        price_line("Total", product.amount + fee, facility.currency, bold=True),
        error_text(passes.error),
    ]
    if not card or not chosen:
        body.append(ft.TextButton("Add your vehicle and card first", on_click=act(go, "/garage")))
    else:
        body.append(
            ft.FilledButton(
                f"Buy with {card.brand} •••• {card.last4}", on_click=buy, disabled=passes.buying, height=52
            )
        )
    return page_view(route, "Buy a pass", body)
