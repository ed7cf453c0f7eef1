"""In-memory stand-ins for the driver app's services, answering with the real `shared.schemas` models.

`FakeDriverApi` keeps accounts, vehicles, cards, quotes, sessions, stays and passes like the backend
does (CONTRACT §5), counts every call (`calls`), records every Idempotency-Key it was sent (`keys`)
and every charge and refund, so tests can assert "charged once". `fail()` makes the next call of a
method fail, either before doing anything or after doing the work (an answer lost on the way back).
"""

import asyncio
import uuid
from collections import Counter, defaultdict, deque
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from mobile.services.errors import ApiError, network_error
from mobile.services.events import DriverEvent
from mobile.services.location import Fix
from shared.plates import InvalidPlateError, normalize_plate
from shared.pricing import MaxStayExceededError, check_max_stay, quote, service_fee_amount
from shared.qr import ParseError, parse_sign_payload, verify
from shared.schemas.auth import DriverOut
from shared.schemas.drivers import PaymentMethodOut, VehicleOut
from shared.schemas.facilities import FacilityDetail, FacilityList
from shared.schemas.passes import PassOut
from shared.schemas.qr import QrResolution
from shared.schemas.receipts import ReceiptOut
from shared.schemas.sessions import QuoteOut, SessionOut
from shared.schemas.stays import ParkingItem
from shared.schemas.support import DriverTicket
from shared.schemas.tariff import ServiceFee
from tests.mobile.catalogue import APP_URL, SIGN_KEY, SIGN_KEY_ID, facilities, lot_near_kamppi, summary
from tests.mobile.fake_account import FakeAccount
from tests.mobile.fake_garage import FakeGarage
from tests.mobile.fake_parking import FakeParking
from tests.mobile.fake_support import FakeSupport

NOW = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)
QUOTE_TTL = timedelta(minutes=5)


def _id() -> str:
    return str(uuid.uuid4())


@dataclass
class Account:
    """A registered driver and what they saved."""

    id: str
    email: str
    password: str
    name: str
    vehicles: list[VehicleOut] = field(default_factory=list)
    cards: list[PaymentMethodOut] = field(default_factory=list)
    card_tokens: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Charge:
    """Money taken from a card: what for, how much, which card, under which Idempotency-Key."""

    purpose: str
    amount: int
    card_id: str
    key: str


class FakeDriverApi(FakeGarage, FakeParking, FakeAccount, FakeSupport):
    """`DriverApi` in memory for one phone; `now` is the backend's clock (move it with `advance`).
    Vehicles and cards are in `FakeGarage`, sessions, stays and passes in `FakeParking`, settings,
    receipts, export and erasure in `FakeAccount`, support tickets in `FakeSupport`."""

    def __init__(self) -> None:
        self.now = NOW
        self.users: dict[str, Account] = {}
        self.current: Account | None = None
        self.stored_refresh: str | None = None  # what the phone's token store keeps between starts
        self.catalogue = facilities()
        self.quotes: dict[str, QuoteOut] = {}
        self.used_quotes: set[str] = set()
        self.sessions: dict[str, SessionOut] = {}
        self.session_cards: dict[str, str] = {}
        self.stays: list[ParkingItem] = []
        self.pass_list: list[PassOut] = []
        self.geofence_events: list[dict] = []
        self.receipt_list: list[ReceiptOut] = []
        self.settings: dict[str, dict[str, Any]] = {}
        self.charges: list[Charge] = []
        self.ticket_list: dict[str, DriverTicket] = {}
        self.ticket_owner: dict[str, str] = {}
        self.ticket_numbers: defaultdict[str, int] = defaultdict(int)
        self.refunds: list[tuple[str, int]] = []
        self.calls: Counter[str] = Counter()
        self.keys: dict[str, list[str]] = defaultdict(list)
        self.positions: list[tuple[float | None, float | None]] = []
        self.latency: dict[str, deque[float]] = defaultdict(deque)
        self._failures: dict[str, deque[tuple[ApiError, bool]]] = defaultdict(deque)
        self._replies: dict[tuple[str, str], tuple[Any, Any]] = {}

    # -- test controls ------------------------------------------------------------------------------

    def fail(self, method: str, error: ApiError | None = None, *, after: bool = False) -> None:
        """The next call of `method` fails with `error` (default: no connection). With `after`, the
        backend did the work and only the answer was lost."""
        self._failures[method].append((error or network_error(), after))

    def slow(self, method: str, *seconds: float) -> None:
        """The next calls of `method` take these many seconds each to answer."""
        self.latency[method].extend(seconds)

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def _charge(self, purpose: str, amount: int, card_id: str, key: str) -> Charge:
        return Charge(purpose, amount, card_id, key)

    def charged(self, purpose: str | None = None) -> int:
        return sum(c.amount for c in self.charges if purpose is None or c.purpose == purpose)

    async def _enter(self, method: str, key: str | None = None) -> None:
        self.calls[method] += 1
        if key is not None:
            self.keys[method].append(key)
        if self.latency[method]:
            await asyncio.sleep(self.latency[method].popleft())
        failures = self._failures[method]
        if failures and not failures[0][1]:
            raise failures.popleft()[0]

    def _leave(self, method: str, result: Any) -> Any:
        failures = self._failures[method]
        if failures and failures[0][1]:
            raise failures.popleft()[0]
        return result

    def _replay(self, method: str, key: str, body: Any) -> Any:
        """The first answer for a repeated Idempotency-Key (an error is raised again), else None."""
        stored = self._replies.get((method, key))
        if stored is None:
            return None
        if stored[0] != body:
            raise ApiError("idempotency_conflict", "This Idempotency-Key was already used.", 409)
        if isinstance(stored[1], ApiError):
            raise stored[1]
        return stored[1]

    def _remember(self, method: str, key: str, body: Any, answer: Any) -> None:
        self._replies[(method, key)] = (body, answer)

    def _me(self) -> Account:
        if self.current is None:
            raise ApiError("not_authenticated", "Sign in first.", 401)
        return self.current

    # -- accounts -----------------------------------------------------------------------------------

    @property
    def signed_in(self) -> bool:
        return self.current is not None

    async def restore(self) -> bool:
        await self._enter("restore")
        found = next((a for a in self.users.values() if f"rt-{a.id}" == self.stored_refresh), None)
        self.current = found
        return self._leave("restore", found is not None)

    async def register(self, email: str, password: str, name: str) -> None:
        await self._enter("register")
        if email.lower() in self.users:
            raise ApiError("email_taken", "An account with this email already exists. Sign in instead.", 409)
        if len(password) < 10:
            raise ApiError("weak_password", "The password is too short.", 422)
        self.users[email.lower()] = Account(_id(), email, password, name)
        self._sign_in(email, password)
        self._leave("register", None)

    async def sign_in(self, email: str, password: str) -> None:
        await self._enter("sign_in")
        self._sign_in(email, password)
        self._leave("sign_in", None)

    def _sign_in(self, email: str, password: str) -> None:
        account = self.users.get(email.lower())
        if account is None or account.password != password:
            raise ApiError("invalid_credentials", "Wrong email or password.", 401)
        self.current, self.stored_refresh = account, f"rt-{account.id}"

    async def sign_out(self) -> None:
        await self._enter("sign_out")
        self.current = self.stored_refresh = None

    async def me(self) -> DriverOut:
        await self._enter("me")
        me = self._me()
        return self._leave("me", DriverOut(id=me.id, email=me.email, name=me.name))

    # -- facilities ---------------------------------------------------------------------------------

    async def facilities_by_zone(
        self, zone_number: str, lat: float | None = None, lon: float | None = None
    ) -> FacilityList:
        await self._enter("facilities_by_zone")
        self.positions.append((lat, lon))
        found = [summary(f, lat, lon) for f in self.catalogue if f.zone_number == zone_number]
        found.sort(key=lambda f: f.distance_m if f.distance_m is not None else 0.0)
        return self._leave("facilities_by_zone", FacilityList(items=found, count=len(found)))

    async def nearby(self, lat: float, lon: float, radius_m: int = 1500) -> FacilityList:
        await self._enter("nearby")
        self.positions.append((lat, lon))
        every = [summary(f, lat, lon) for f in [*self.catalogue, lot_near_kamppi()]]
        found = sorted((f for f in every if (f.distance_m or 0) <= radius_m), key=lambda f: f.distance_m or 0)
        return self._leave("nearby", FacilityList(items=found, count=len(found)))

    async def facility(self, slug: str) -> FacilityDetail:
        await self._enter("facility")
        return self._leave("facility", self._facility(slug))

    def _facility(self, slug: str) -> FacilityDetail:
        found = next((f for f in self.catalogue if f.slug == slug), None)
        if found is None:
            raise ApiError("not_found", f"The facility '{slug}' does not exist.", 404)
        return found

    async def resolve_qr(self, payload: str) -> QrResolution:
        await self._enter("resolve_qr")
        try:
            parsed = parse_sign_payload(payload, app_url=APP_URL)
            ours = verify(parsed, {SIGN_KEY_ID: SIGN_KEY})
        except ParseError:
            ours = False
        if not ours:
            raise ApiError(
                "qr_not_signed",
                "This QR code was not issued by Parkflow. It may be a fake sticker: don't pay through it.",
                422,
            )
        facility = self._facility(parsed.slug)
        resolution = QrResolution(
            facility=facility,
            zone_number=parsed.zone_number,
            sign_outdated=parsed.zone_number != facility.zone_number,
        )
        return self._leave("resolve_qr", resolution)

    # -- quotes -------------------------------------------------------------------------------------

    def _price(self, facility: FacilityDetail, starts_at: datetime, ends_at: datetime) -> tuple[int, int]:
        parking = quote(facility.tariff, starts_at, ends_at, facility.timezone).parking_amount
        fee = ServiceFee(percent=facility.service_fee.percent, fixed_amount=facility.service_fee.fixed_amount)
        return parking, service_fee_amount(parking, fee)

    async def quote(self, facility: str, license_plate: str, duration_minutes: int) -> QuoteOut:
        await self._enter("quote")
        self._me()
        place = self._facility(facility)
        try:
            normalize_plate(license_plate)
            check_max_stay(place.tariff, duration_minutes)
        except (InvalidPlateError, MaxStayExceededError) as exc:
            raise ApiError(str(exc.code), exc.detail, 422) from None
        ends_at = self.now + timedelta(minutes=duration_minutes)
        parking, fee = self._price(place, self.now, ends_at)
        out = QuoteOut(
            id=_id(),
            facility=place.slug,
            facility_name=place.name,
            facility_timezone=place.timezone,
            tariff_text=place.tariff_text,
            license_plate=license_plate,
            duration_minutes=duration_minutes,
            parking_amount=parking,
            service_fee_amount=fee,
            total_amount=parking + fee,
            currency=place.currency,
            starts_at=self.now,
            ends_at=ends_at,
            expires_at=self.now + QUOTE_TTL,
        )
        self.quotes[out.id] = out
        return self._leave("quote", out)


class FakeEventSource:
    """Yields the queued events, then ends (or, with `keep_open`, waits until cancelled)."""

    def __init__(self, events: Iterable[DriverEvent] = (), *, keep_open: bool = False) -> None:
        self.events = list(events)
        self.keep_open = keep_open
        self.opened = 0

    async def stream(self) -> AsyncIterator[DriverEvent]:
        self.opened += 1
        for event in self.events:
            yield event
        if self.keep_open:
            await asyncio.Event().wait()


class FakeLocator:
    """A fixed answer to "where am I" (None: the driver said no), counting how often it was asked."""

    def __init__(self, fix: Fix | None = None) -> None:
        self.fix = fix
        self.asked = 0

    async def current(self) -> Fix | None:
        self.asked += 1
        return self.fix
