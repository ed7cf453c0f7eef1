"""Notifications from `/me/events`, written for people, newest first; parking refreshes as they come."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

import flet as ft

from mobile.driver.state.parking import local_time
from mobile.services.events import DriverEvent, EventSource
from shared.money import format_amount

log = logging.getLogger(__name__)
KEEP = 50
QUIET = {"receipt_sent"}
REFRESHING = {
    "entry_detected",
    "exit_charged",
    "payment_failed",
    "stay_paid",
    "session_started",
    "session_extended",
    "session_stopped",
    "session_expired",
}
TICKET_EVENTS = {"ticket_reply", "ticket_resolved"}


@dataclass(frozen=True)
class Notice:
    """One notification as the app shows it."""

    id: int | None
    kind: str
    title: str
    body: str
    urgent: bool = False


def _hhmm(value: str | None, timezone: str | None = None) -> str:
    if not value:
        return ""
    return local_time(datetime.fromisoformat(value), timezone)


def _money(data: dict, key: str = "total_amount") -> str:
    amount = data.get(key)
    return format_amount(amount, data.get("currency")) if isinstance(amount, int) else ""


def describe(event: DriverEvent) -> Notice:
    d = event.data
    place = d.get("facility_name") or d.get("facility") or "the car park"
    plate = d.get("license_plate", "")
    tz = d.get("timezone")
    match event.kind:
        case "entry_detected":
            free = f", free until {_hhmm(d.get('free_until'), tz)}" if d.get("free_until") else ""
            return Notice(
                event.id,
                event.kind,
                "Entry detected",
                f"{plate} parked at {place} since {_hhmm(d.get('entered_at'), tz)}{free}.",
            )
        case "free_period_ending":
            return Notice(
                event.id,
                event.kind,
                "Free period ending",
                f"{plate} at {place}: free until {_hhmm(d.get('free_until'), tz)} "
                f"({d.get('minutes_left', 0)} min left). Pay now or leave.",
                urgent=True,
            )
        case "exit_charged":
            return Notice(
                event.id, event.kind, "Exit paid", f"{plate} left {place}. {_money(d)} charged to your card."
            )
        case "payment_failed":
            return Notice(event.id, event.kind, "Payment failed", str(d.get("reason", "")), urgent=True)
        case "stay_paid":
            return Notice(event.id, event.kind, "Paid", f"{place}: {_money(d, 'amount')} paid.")
        case "pass_purchased":
            return Notice(
                event.id,
                event.kind,
                "Pass bought",
                f"{d.get('product')} at {place} for {plate}, {_money(d, 'amount')}.",
            )
        case "receipt_sent":
            return Notice(
                event.id,
                event.kind,
                "Receipt sent",
                f"Receipt {d.get('receipt_number', '')} sent to {d.get('email', '')}.",
            )
        case "session_started":
            return Notice(
                event.id,
                event.kind,
                "Parking started",
                f"{plate} at {place} until {_hhmm(d.get('ends_at'), tz)}.",
            )
        case "session_extended":
            return Notice(
                event.id,
                event.kind,
                "Parking extended",
                f"{plate} at {place} now until {_hhmm(d.get('ends_at'), tz)}.",
            )
        case "session_stopped":
            refund = _money(d, "refunded_amount") if d.get("refunded_amount") else ""
            tail = f" {refund} refunded." if refund else ""
            return Notice(event.id, event.kind, "Parking stopped", f"{plate} at {place}.{tail}")
        case "expiring_soon":
            return Notice(
                event.id,
                event.kind,
                "Parking ends soon",
                f"{plate} at {place} ends at {_hhmm(d.get('ends_at'), tz)} "
                f"({d.get('minutes_left', 0)} min left). Extend it in the app.",
                urgent=True,
            )
        case "session_expired":
            return Notice(
                event.id, event.kind, "Parking ended", f"{plate} at {place}: paid time is over.", urgent=True
            )
        case "ticket_reply":
            return Notice(
                event.id,
                event.kind,
                f"{d.get('operator') or 'Support'} replied",
                f"#{d.get('number', '')} {d.get('subject', '')}: {d.get('message', '')}",
            )
        case "ticket_resolved":
            return Notice(
                event.id,
                event.kind,
                f"Ticket #{d.get('number', '')} resolved",
                f"{d.get('subject', '')}: {d.get('message', '')}",
            )
    return Notice(event.id, event.kind, event.kind.replace("_", " ").capitalize(), "")


@ft.observable
@dataclass
class InboxState:
    """The newest notifications; `latest` is what the banner shows until dismissed."""

    source: EventSource
    on_change: Callable[[], Awaitable[None]] | None = None
    on_ticket: Callable[[], Awaitable[None]] | None = None
    notices: list[Notice] = field(default_factory=list)
    latest: Notice | None = None
    unread: int = 0

    def receive(self, event: DriverEvent) -> Notice:
        notice = describe(event)
        self.notices = [notice, *self.notices][:KEEP]
        if event.kind not in QUIET or self.latest is None:
            self.latest = notice  # a receipt e-mail must not cover "Exit paid" in the banner
        self.unread += 1
        return notice

    def dismiss(self) -> None:
        self.latest = None

    def mark_read(self) -> None:
        self.unread = 0

    async def listen(self) -> None:
        """Runs for the whole signed-in visit; cancelled on sign-out."""
        async for event in self.source.stream():
            self.receive(event)
            if event.kind in REFRESHING and self.on_change is not None:
                await self._refresh(self.on_change, event.kind)
            if event.kind in TICKET_EVENTS and self.on_ticket is not None:
                await self._refresh(self.on_ticket, event.kind)
            await asyncio.sleep(0)

    @staticmethod
    async def _refresh(refresh: Callable[[], Awaitable[None]], kind: str) -> None:
        try:
            await refresh()
        except Exception:  # a refresh failing must not end the stream
            log.exception("refresh after %s failed", kind)
