"""Pay for a facility: duration, vehicle and card (defaults preselected), price with fee, Pay."""

import flet as ft

from mobile.components.common import error_text, info_text, loading, page_view, price_line, section
from mobile.driver.context import act, go, use_states
from mobile.driver.state.checkout import DURATIONS, duration_label
from mobile.driver.state.parking import local_time
from mobile.services.errors import ApiError
from shared.money import format_amount


def choice(label: str, selected: bool, on_click) -> ft.Control:
    if selected:
        return ft.FilledButton(label, icon=ft.Icons.CHECK, on_click=on_click)
    return ft.OutlinedButton(label, on_click=on_click)


@ft.component
def Checkout(slug: str = "", route: str = "") -> ft.View:
    states = use_states()
    checkout, garage = states.checkout, states.garage
    params = ft.use_route_params()
    slug = slug or params.get("slug", "")
    failed, set_failed = ft.use_state(None)

    async def load() -> None:
        if checkout.facility is not None and checkout.facility.slug == slug and checkout.started is None:
            return
        try:
            facility = await states.api.facility(slug)
        except ApiError as exc:
            set_failed(exc.message)
            return
        if not garage.loaded:
            await garage.load()
        vehicle, card = garage.default_vehicle, garage.default_card
        await checkout.open(facility, vehicle.license_plate if vehicle else None, card.id if card else None)

    ft.use_effect(load, [slug])

    async def pay(_) -> None:
        session = await checkout.pay()
        if session is not None:
            states.parking.remember(session)
            await states.parking.refresh()
            await go(f"/session/{session.id}")

    route = route or f"/pay/{slug}"
    facility = checkout.facility
    if failed:
        return page_view(route, "Pay for parking", [error_text(failed)])
    if facility is None or facility.slug != slug:
        return page_view(route, "Pay for parking", [loading()])

    quote = checkout.quote
    body: list[ft.Control] = [
        ft.Text(facility.name, theme_style=ft.TextThemeStyle.HEADLINE_SMALL),
        ft.Text(f"Zone {facility.zone_number} · {facility.operator}"),
        ft.Text(facility.tariff_text, color=ft.Colors.ON_SURFACE_VARIANT),
        info_text(states.finder.sign_notice),
        section("How long?"),
        ft.Row(
            [
                choice(
                    duration_label(m),
                    m == checkout.duration_minutes,
                    act(checkout.choose_duration, m),
                )
                for m in DURATIONS
            ],
            wrap=True,
        ),
        section("Vehicle"),
    ]
    if garage.vehicles:
        body.append(
            ft.Row(
                [
                    choice(
                        v.license_plate,
                        v.license_plate == checkout.license_plate,
                        act(checkout.choose_vehicle, v.license_plate),
                    )
                    for v in garage.vehicles
                ],
                wrap=True,
            )
        )
    else:
        body.append(ft.TextButton("Add your vehicle", on_click=act(go, "/garage")))
    body.append(section("Card"))
    if garage.cards:
        body.append(
            ft.Row(
                [
                    choice(
                        f"{c.brand} •••• {c.last4}",
                        c.id == checkout.payment_method_id,
                        act(checkout.choose_card, c.id),
                    )
                    for c in garage.cards
                ],
                wrap=True,
            )
        )
    else:
        body.append(ft.TextButton("Add a card", on_click=act(go, "/garage")))

    if checkout.quoting:
        body.append(loading("Working out the price…"))
    elif quote is not None:
        body += [
            ft.Divider(),
            price_line(
                f"Parking, {duration_label(quote.duration_minutes)}", quote.parking_amount, quote.currency
            ),
            price_line("Service fee", quote.service_fee_amount, quote.currency),
            price_line("Total", quote.total_amount, quote.currency, bold=True),
            ft.Text(
                f"Until {local_time(quote.ends_at, quote.facility_timezone)} for {quote.license_plate}",
                color=ft.Colors.ON_SURFACE_VARIANT,
            ),
        ]
    body.append(error_text(checkout.error))
    if quote is not None:
        body.append(
            ft.FilledButton(
                "Paying…" if checkout.paying else f"Pay {format_amount(quote.total_amount, quote.currency)}",
                icon=ft.Icons.LOCK,
                on_click=pay,
                disabled=not checkout.can_pay,
                height=52,
            )
        )
    if facility.pass_products:
        body += [ft.Divider(), section("Park here often?")]
        body += [
            ft.OutlinedButton(
                f"{p.name}: {format_amount(p.amount, facility.currency)} for {p.days} days",
                on_click=act(go, f"/pass/{facility.slug}/{p.slug}"),
            )
            for p in facility.pass_products
        ]
    return page_view(route, "Pay for parking", body)
