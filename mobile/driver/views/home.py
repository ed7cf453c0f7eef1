"""Home: what is parked now, and where to pay next (zone number, sign QR, nearby)."""

import flet as ft

from mobile.components.common import empty, error_text, info_text, loading, panel, section
from mobile.driver.context import act, go, use_states
from mobile.driver.views.countdown import Countdown
from mobile.driver.views.parking_cards import StayCard
from shared.money import format_amount
from shared.schemas.facilities import FacilitySummary
from shared.schemas.stays import ParkingItem


@ft.component
def SessionCard(item: ParkingItem) -> ft.Control:
    async def open_(_) -> None:
        await go(f"/session/{item.id}")

    return panel(
        ft.Container(
            ft.Column(
                [
                    ft.Text(f"{item.facility.name} · {item.license_plate}", weight=ft.FontWeight.BOLD),
                    Countdown(item.starts_at, item.ends_at, large=False)
                    if item.starts_at and item.ends_at
                    else ft.Text(item.status),
                    ft.TextButton("Extend or stop", on_click=open_),
                ],
                tight=True,
            ),
            padding=14,
        )
    )


@ft.component
def Candidate(facility: FacilitySummary) -> ft.Control:
    async def choose(_) -> None:
        await go(f"/pay/{facility.slug}")

    distance = f" · {facility.distance_m / 1000:.1f} km" if facility.distance_m is not None else ""
    return ft.Card(
        ft.ListTile(
            title=ft.Text(f"{facility.name} (zone {facility.zone_number})"),
            subtitle=ft.Text(f"{facility.operator}{distance}\n{facility.tariff_text}"),
            on_click=choose,
            is_three_line=True,
        )
    )


def lot_details(lot: FacilitySummary) -> str:
    parts = [lot.operator]
    if lot.distance_m is not None:
        parts.append(
            f"{lot.distance_m / 1000:.1f} km" if lot.distance_m >= 1000 else f"{lot.distance_m:.0f} m"
        )
    if lot.occupancy is not None:
        parts.append(f"{lot.occupancy.available} of {lot.occupancy.capacity} free")
    return " · ".join(parts)


@ft.component
def NearbyLot(lot: FacilitySummary) -> ft.Control:
    """Our facilities can be paid here; lots from the parking data feed are shown for information."""
    lines = [lot_details(lot)]
    if lot.address:
        lines.append(lot.address)
    if lot.source == "parkflow" and lot.slug:
        lines.append(lot.tariff_text)
        return ft.Card(
            ft.ListTile(
                title=ft.Text(f"{lot.name} (zone {lot.zone_number})"),
                subtitle=ft.Text("\n".join(lines)),
                on_click=act(go, f"/pay/{lot.slug}"),
                is_three_line=True,
            )
        )
    rates = [f"{r.description}: {format_amount(r.amount, r.currency)}" for r in (lot.rates or [])]
    lines.append(", ".join(rates) if rates else lot.tariff_text or "Prices not published")
    lines.append("Pay at the lot (not through Parkflow)")
    return ft.Card(
        ft.ListTile(title=ft.Text(lot.name), subtitle=ft.Text("\n".join(lines)), is_three_line=True)
    )


@ft.component
def Nearby() -> ft.Control:
    finder = use_states().finder
    shown, set_shown = ft.use_state(False)

    async def show(_) -> None:
        set_shown(True)
        await finder.load_nearby()

    if not shown:
        return ft.OutlinedButton("Parking near me", icon=ft.Icons.NEAR_ME, on_click=show)
    items: list[ft.Control] = [section("Parking near you")]
    if finder.loading:
        items.append(loading("Finding parking near you…"))
    elif not finder.nearby and not finder.error:
        items.append(empty("No parking found within 2 km."))
    items += [NearbyLot(lot) for lot in finder.nearby[:20]]
    return ft.Column(items, tight=True, spacing=8)


@ft.component
def AutoParking() -> ft.Control:
    """Lots without cameras: the phone starts and ends the stay (switch, what it is doing, why not)."""
    states = use_states()
    geofence, garage = states.geofence, states.garage

    async def toggle(e) -> None:
        if e.control.value:
            vehicle = garage.default_vehicle
            await geofence.enable(vehicle.license_plate if vehicle else None)
        else:
            await geofence.disable()

    def ask(e) -> None:
        geofence.set_ask_first(bool(e.control.value))

    controls: list[ft.Control] = [
        ft.Switch(
            label="Detect my parking at lots without cameras", value=geofence.enabled, on_change=toggle
        ),
        ft.Switch(label="Ask me before starting a stay", value=geofence.ask_first, on_change=ask),
        ft.Text(geofence.status, color=ft.Colors.ON_SURFACE_VARIANT),
        error_text(geofence.error),
    ]
    if geofence.pending_entry is not None:
        controls.append(
            panel(
                ft.Container(
                    ft.Column(
                        [
                            ft.Text(f"You are at {geofence.pending_name}.", weight=ft.FontWeight.BOLD),
                            ft.Text("Start parking here? The stay starts from when you arrived."),
                            ft.Row(
                                [
                                    ft.FilledButton("Start parking", on_click=act(geofence.confirm_entry)),
                                    ft.TextButton("Not now", on_click=act(geofence.decline_entry)),
                                ]
                            ),
                        ],
                        tight=True,
                    ),
                    padding=14,
                )
            )
        )
    return ft.Column(controls, tight=True, spacing=6)


@ft.component
def ZoneSearch() -> ft.Control:
    finder = use_states().finder
    typed = ft.use_ref(finder.zone)

    def keep(e) -> None:
        typed.current = e.control.value

    async def find(_=None) -> None:
        found = await finder.search_zone(typed.current or "")
        if len(found) == 1 and found[0].slug:
            await go(f"/pay/{found[0].slug}")

    async def scan(_) -> None:
        finder.clear()
        await go("/scan")

    results: list[ft.Control] = []
    if finder.loading:
        results.append(loading("Looking up the zone…"))
    elif finder.searched and not finder.candidates and not finder.error:
        results.append(empty(f"No parking with zone number {finder.zone}. Check the number on the sign."))
    elif len(finder.candidates) > 1:
        results.append(ft.Text("Several places use this zone number. Which one are you at?"))
    results += [Candidate(f) for f in finder.candidates]
    return ft.Column(
        [
            section("Where are you parking?"),
            ft.Row(
                [
                    ft.TextField(
                        label="Zone number",
                        value=finder.zone,
                        keyboard_type=ft.KeyboardType.NUMBER,
                        on_change=keep,
                        on_submit=find,
                        expand=True,
                    ),
                    ft.FilledButton("Find", on_click=find),
                ]
            ),
            ft.OutlinedButton("Scan the sign's QR code", icon=ft.Icons.QR_CODE_SCANNER, on_click=scan),
            error_text(finder.error),
            *results,
        ],
        tight=True,
        spacing=10,
    )


@ft.component
def NoticeBanner() -> ft.Control:
    inbox = use_states().inbox
    notice = inbox.latest
    if notice is None:
        return ft.Container(visible=False)
    return ft.Container(
        ft.Row(
            [
                ft.Icon(
                    ft.Icons.NOTIFICATIONS_ACTIVE,
                    color=ft.Colors.ERROR if notice.urgent else ft.Colors.PRIMARY,
                ),
                ft.Column(
                    [ft.Text(notice.title, weight=ft.FontWeight.BOLD), ft.Text(notice.body)], expand=True
                ),
                ft.TextButton("Dismiss", on_click=lambda _: inbox.dismiss()),
            ]
        ),
        bgcolor=ft.Colors.SECONDARY_CONTAINER,
        padding=12,
        border_radius=8,
    )


@ft.component
def Home(route: str = "/") -> ft.View:
    states = use_states()
    parking, garage = states.parking, states.garage

    active: list[ft.Control] = [section("Parked now")]
    if not parking.loaded:
        active.append(loading())
    elif not parking.items:
        active.append(empty("Nothing parked right now."))
    active += [SessionCard(i) for i in parking.running]
    active += [StayCard(i) for i in parking.stays]

    setup: list[ft.Control] = []
    if garage.loaded and not garage.ready_to_pay:
        missing = "your vehicle" if not garage.vehicles else "a payment card"
        setup.append(
            ft.Container(
                ft.Column(
                    [
                        ft.Text(f"Before you park, add {missing}.", weight=ft.FontWeight.BOLD),
                        ft.FilledButton("Add vehicle and card", on_click=act(go, "/garage")),
                    ],
                    tight=True,
                ),
                bgcolor=ft.Colors.TERTIARY_CONTAINER,
                padding=12,
                border_radius=8,
            )
        )
    menu = ft.Row(
        [
            ft.TextButton("Vehicles and cards", on_click=act(go, "/garage")),
            ft.TextButton("Passes", on_click=act(go, "/passes")),
            ft.TextButton("History", on_click=act(go, "/history")),
            ft.TextButton(
                f"Help ({states.support.answered} answered)" if states.support.answered else "Help",
                on_click=act(go, "/help"),
            ),
            ft.TextButton("Settings", on_click=act(go, "/settings")),
        ],
        wrap=True,
    )
    return ft.View(
        route=route,
        appbar=ft.AppBar(
            title=ft.Text("Parkflow"),
            automatically_imply_leading=False,
            actions=[ft.TextButton("Sign out", on_click=act(states.auth.sign_out))],
        ),
        padding=16,
        scroll=ft.ScrollMode.AUTO,
        controls=[
            ft.Column(
                [
                    NoticeBanner(),
                    info_text(parking.notice),
                    error_text(parking.error),
                    *setup,
                    ZoneSearch(),
                    Nearby(),
                    ft.Divider(),
                    AutoParking(),
                    ft.Divider(),
                    *active,
                    ft.Divider(),
                    menu,
                ],
                spacing=14,
            )
        ],
    )
