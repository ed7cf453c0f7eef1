"""What is parked right now: prepaid sessions (timer, extend, stop) and stays at camera/geofence lots.

Timers are computed from the server's `ends_at` and the clock, never counted down: a phone that slept
shows the right time the moment it wakes.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import flet as ft

from mobile.services.driver_api import DriverApi, new_idempotency_key
from mobile.services.errors import ApiError
from shared.money import format_amount
from shared.schemas.sessions import SessionOut
from shared.schemas.stays import ParkingItem, ParkingKind

Clock = Callable[[], datetime]
EXTEND_CHOICES = (15, 30, 60)


def utc_now() -> datetime:
    return datetime.now(UTC)


def remaining(ends_at: datetime, now: datetime) -> timedelta:
    return max(ends_at - now, timedelta(0))


def countdown_text(left: timedelta) -> str:
    seconds = int(left.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


def progress(starts_at: datetime, ends_at: datetime, now: datetime) -> float:
    """Share of the paid time already used, 0..1."""
    total = (ends_at - starts_at).total_seconds()
    if total <= 0:
        return 1.0
    return min(max((now - starts_at).total_seconds() / total, 0.0), 1.0)


@ft.observable
@dataclass
class ParkingState:
    """The driver's active parking, and the outcome of the last extend or stop."""

    api: DriverApi
    clock: Clock = utc_now
    items: list[ParkingItem] = field(default_factory=list)
    sessions: dict[str, SessionOut] = field(default_factory=dict)
    loaded: bool = False
    loading: bool = False
    busy: bool = False
    error: str | None = None
    notice: str | None = None
    _extend_keys: dict[tuple[str, int], str] = field(default_factory=dict)
    _stay_keys: dict[str, str] = field(default_factory=dict)
    _refused: bool = False

    @property
    def running(self) -> list[ParkingItem]:
        return [i for i in self.items if i.kind is ParkingKind.session]

    @property
    def stays(self) -> list[ParkingItem]:
        return [i for i in self.items if i.kind is ParkingKind.stay]

    async def refresh(self) -> None:
        self.loading = True
        try:
            self.items = (await self.api.parking(active_only=True)).items
            self.loaded, self.error = True, None
        except ApiError as exc:
            self.error = exc.message
        finally:
            self.loading = False

    async def open_session(self, session_id: str) -> SessionOut | None:
        try:
            session = await self.api.session(session_id)
        except ApiError as exc:
            self.error = exc.message
            return None
        self.sessions = {**self.sessions, session_id: session}
        return session

    def remember(self, session: SessionOut) -> None:
        self.sessions = {**self.sessions, session.id: session}

    async def extend(self, session_id: str, minutes: int) -> SessionOut | None:
        # One key per (session, choice) until it succeeds: a double tap or a retry charges once.
        key = self._extend_keys.setdefault((session_id, minutes), new_idempotency_key())
        session = await self._act(self.api.extend_session(session_id, minutes, key))
        if self._refused:
            self._extend_keys.pop((session_id, minutes), None)  # a decline is final: the next tap is new
        if session:
            self._extend_keys.pop((session_id, minutes), None)
            self.notice = (
                f"Extended by {minutes} min, until {local_time(session.ends_at, session.facility_timezone)}."
            )
        return session

    async def stop(self, session_id: str) -> SessionOut | None:
        session = await self._act(self.api.stop_session(session_id))
        if session:
            if session.refunded_amount:
                refund = format_amount(session.refunded_amount, session.currency)
                self.notice = f"Parking stopped. {refund} is refunded to your card."
            else:
                self.notice = "Parking stopped. This facility does not refund unused time."
        return session

    async def pay_stay(self, stay_id: str, payment_method_id: str | None) -> ParkingItem | None:
        # One key per stay until it is paid or definitely refused: a retry after a lost answer pays once.
        key = self._stay_keys.setdefault(stay_id, new_idempotency_key())
        self.busy, self.error, self.notice = True, None, None
        try:
            item = await self.api.pay_stay(stay_id, payment_method_id, key)
        except ApiError as exc:
            self.error = exc.message
            if exc.status == 402:
                self._stay_keys.pop(stay_id, None)
            return None
        finally:
            self.busy = False
        self._stay_keys.pop(stay_id, None)
        self.notice = f"Paid {format_amount(item.paid_amount, item.currency)} for {item.facility.name}."
        await self.refresh()
        return item

    async def _act(self, call) -> SessionOut | None:
        self.busy, self.error, self.notice, self._refused = True, None, None, False
        try:
            session = await call
        except ApiError as exc:
            self.error = exc.message
            self._refused = exc.status == 402
            return None
        finally:
            self.busy = False
        self.remember(session)
        await self.refresh()
        return session


def local_time(moment: datetime, timezone: str | None = None) -> str:
    """Clock time at the facility (its signs and tariff speak its local time); the device's without one."""
    if timezone:
        try:
            return moment.astimezone(ZoneInfo(timezone)).strftime("%H:%M")
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return moment.astimezone().strftime("%H:%M")
