"""A timer that re-reads the clock every second: `ends_at - now`, never a counter."""

import asyncio
from datetime import datetime

import flet as ft

from mobile.driver.state.parking import countdown_text, progress, remaining, utc_now

TICK_S = 1.0


@ft.component
def Countdown(starts_at: datetime, ends_at: datetime, *, large: bool = True) -> ft.Control:
    now, set_now = ft.use_state(utc_now)

    async def tick() -> None:
        while True:
            await asyncio.sleep(TICK_S)
            set_now(utc_now())

    ft.use_effect(tick, [])
    left = remaining(ends_at, now)
    expired = left.total_seconds() <= 0
    text = "Expired" if expired else countdown_text(left)
    size = 44 if large else 18
    return ft.Column(
        [
            ft.Semantics(
                content=ft.Text(
                    text, size=size, weight=ft.FontWeight.BOLD, color=ft.Colors.ERROR if expired else None
                ),
                label=f"Time left {text}",
            ),
            ft.ProgressBar(
                value=progress(starts_at, ends_at, now),
                bar_height=8 if large else 4,
                border_radius=4,
                semantics_label="Paid time used",
            ),
        ],
        spacing=6,
    )
