"""A stay at a camera or geofence lot: since when, free until when, what it costs so far, pay now."""

import flet as ft

from mobile.driver.context import use_states
from mobile.driver.state.parking import local_time
from shared.money import format_amount
from shared.schemas.stays import ParkingItem


def stay_headline(item: ParkingItem) -> str:
    tz = item.facility.timezone
    since = f" since {local_time(item.starts_at, tz)}" if item.starts_at else ""
    free = f", free until {local_time(item.free_until, tz)}" if item.free_until else ""
    return f"Parked at {item.facility.name}{since}{free}"


@ft.component
def StayCard(item: ParkingItem) -> ft.Control:
    states = use_states()
    parking, garage = states.parking, states.garage

    async def pay(_) -> None:
        card = garage.default_card
        await parking.pay_stay(item.id, card.id if card else None)

    lines: list[ft.Control] = [
        ft.Text(stay_headline(item), weight=ft.FontWeight.BOLD),
        ft.Text(f"Plate {item.license_plate}"),
    ]
    if item.running_amount is not None:
        lines.append(ft.Text(f"So far: {format_amount(item.running_amount, item.currency)}"))
    if item.amount_due:
        lines.append(
            ft.FilledButton(
                f"Pay now {format_amount(item.amount_due, item.currency)}",
                on_click=pay,
                disabled=parking.busy,
            )
        )
    elif item.paid_amount:
        lines.append(ft.Text(f"Paid {format_amount(item.paid_amount, item.currency)}: you can leave."))
    if item.failure_reason:
        lines.append(ft.Text(item.failure_reason, color=ft.Colors.ERROR))
    return ft.Card(ft.Container(ft.Column(lines, tight=True), padding=14))
