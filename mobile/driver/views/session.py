"""A running session: the timer, extend, stop early with the refund shown; the expired state."""

import flet as ft

from mobile.components.common import error_text, info_text, loading, page_view, price_line
from mobile.driver.context import act, use_states
from mobile.driver.state.checkout import duration_label
from mobile.driver.state.parking import EXTEND_CHOICES, local_time
from mobile.driver.views.countdown import Countdown
from mobile.driver.views.support import help_buttons

ACTIVE = {"active", "pending"}  # pending: the provider has not confirmed yet


@ft.component
def SessionScreen() -> ft.View:
    states = use_states()
    parking = states.parking
    session_id = ft.use_route_params().get("session_id", "")
    confirming, set_confirming = ft.use_state(False)

    async def load() -> None:
        await parking.open_session(session_id)

    ft.use_effect(load, [session_id])
    route = f"/session/{session_id}"
    session = parking.sessions.get(session_id)
    if session is None:
        return page_view(route, "Parking", [error_text(parking.error) if parking.error else loading()])

    async def stop(_) -> None:
        set_confirming(False)
        await parking.stop(session_id)

    running = session.status in ACTIVE
    tz = session.facility_timezone
    body: list[ft.Control] = [
        ft.Text(f"{session.facility_name}", theme_style=ft.TextThemeStyle.HEADLINE_SMALL),
        ft.Text(f"Plate {session.license_plate} · {session.status.replace('_', ' ')}"),
        info_text(parking.notice),
        error_text(parking.error),
    ]
    if running:
        body += [
            Countdown(session.starts_at, session.ends_at),
            ft.Text(
                f"Paid until {local_time(session.ends_at, tz)} (started {local_time(session.starts_at, tz)})"
            ),
            ft.Text("Need more time?", weight=ft.FontWeight.BOLD),
            ft.Row(
                [
                    ft.OutlinedButton(
                        f"Extend {duration_label(m)}",
                        on_click=act(parking.extend, session_id, m),
                        disabled=parking.busy,
                    )
                    for m in EXTEND_CHOICES
                ],
                wrap=True,
            ),
        ]
        if confirming:
            body.append(
                ft.Container(
                    ft.Column(
                        [
                            ft.Text(
                                "Stop parking now? Unused time is refunded where the operator allows it."
                            ),
                            ft.Row(
                                [
                                    ft.FilledButton("Yes, stop now", on_click=stop, disabled=parking.busy),
                                    ft.TextButton("Keep parking", on_click=lambda _: set_confirming(False)),
                                ]
                            ),
                        ],
                        tight=True,
                    ),
                    bgcolor=ft.Colors.SECONDARY_CONTAINER,
                    padding=12,
                    border_radius=8,
                )
            )
        else:
            body.append(ft.TextButton("Stop parking", on_click=lambda _: set_confirming(True)))
    else:
        ended = session.stopped_at or session.ends_at
        body.append(ft.Text(f"Ended at {local_time(ended, tz)}.", size=20, weight=ft.FontWeight.BOLD))
        if session.failure_reason:
            body.append(error_text(session.failure_reason))
    body += [
        ft.Divider(),
        price_line("Parking", session.parking_amount, session.currency),
        price_line("Service fee", session.service_fee_amount, session.currency),
        price_line("Charged", session.total_amount, session.currency, bold=True),
    ]
    if session.refunded_amount:
        body.append(price_line("Refunded", session.refunded_amount, session.currency))
    label = f"{session.facility_name}, {session.license_plate}, {local_time(session.starts_at, tz)}"
    body += [ft.Divider(), help_buttons(states.support, label, session_id=session.id)]
    return page_view(route, "Parking", body)
