"""From a facility to a running session: duration, vehicle, card, the price with its service fee, pay.

The quote is fetched as soon as the facility is chosen (with the default vehicle, card and duration) so a
scanned sign is one tap from paying. Paying reuses one idempotency key per quote: a retry after a lost
answer cannot start (or charge) a second session.
"""

from dataclasses import dataclass, field

import flet as ft

from mobile.services.driver_api import DriverApi, new_idempotency_key
from mobile.services.errors import ApiError
from shared.schemas.facilities import FacilityDetail
from shared.schemas.sessions import QuoteOut, SessionOut

DURATIONS = (15, 30, 60, 120, 240)
DEFAULT_DURATION = 60


def duration_label(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" if not rest else f"{hours} h {rest} min"


@ft.observable
@dataclass
class CheckoutState:
    """One payment being prepared. `quote` is what the Pay button charges."""

    api: DriverApi
    facility: FacilityDetail | None = None
    duration_minutes: int = DEFAULT_DURATION
    license_plate: str | None = None
    payment_method_id: str | None = None
    quote: QuoteOut | None = None
    quoting: bool = False
    paying: bool = False
    error: str | None = None
    error_code: str | None = None
    started: SessionOut | None = None
    _key: str = field(default_factory=new_idempotency_key)
    _quote_request: int = 0

    @property
    def can_pay(self) -> bool:
        return bool(self.quote and self.payment_method_id and not self.quoting and not self.paying)

    async def open(
        self, facility: FacilityDetail, license_plate: str | None, payment_method_id: str | None
    ) -> None:
        self.facility, self.started, self.error, self.error_code = facility, None, None, None
        self.license_plate, self.payment_method_id = license_plate, payment_method_id
        self.duration_minutes = DEFAULT_DURATION
        await self.refresh_quote()

    async def choose_duration(self, minutes: int) -> None:
        self.duration_minutes = minutes
        await self.refresh_quote()

    async def choose_vehicle(self, license_plate: str) -> None:
        self.license_plate = license_plate
        await self.refresh_quote()

    def choose_card(self, payment_method_id: str) -> None:
        self.payment_method_id = payment_method_id
        self._key = new_idempotency_key()

    async def refresh_quote(self) -> None:
        if self.facility is None:
            return
        if not self.license_plate:
            self.quote = None
            self._fail("no_vehicle", "Add your vehicle's plate first: the operator checks it.")
            return
        # Only the newest request may land: a slow answer for an earlier choice is dropped, so Pay
        # always charges what is selected.
        self._quote_request += 1
        request = self._quote_request
        self.quoting, self.error, self.error_code = True, None, None
        try:
            quote = await self.api.quote(self.facility.slug, self.license_plate, self.duration_minutes)
        except ApiError as exc:
            if request == self._quote_request:
                self.quote = None
                self._fail(exc.code, exc.message)
        else:
            if request == self._quote_request:
                self.quote, self._key = quote, new_idempotency_key()
        finally:
            if request == self._quote_request:
                self.quoting = False

    async def pay(self) -> SessionOut | None:
        if not self.can_pay or self.quote is None or self.payment_method_id is None:
            if self.payment_method_id is None:
                self._fail("no_card", "Add a payment card first.")
            return None
        self.paying, self.error, self.error_code = True, None, None
        try:
            self.started = await self.api.start_session(self.quote.id, self.payment_method_id, self._key)
            return self.started
        except ApiError as exc:
            if exc.status == 402:
                # A definite refusal: nothing was charged, and the next tap (after a top-up, say) is a new
                # attempt, not a replay of this answer.
                self._key = new_idempotency_key()
            if exc.code == "quote_expired":
                await self.refresh_quote()
                if self.quote is not None:
                    self._fail(exc.code, "The price was renewed: check it, then tap Pay again.")
                return None
            self._fail(exc.code, _pay_message(exc))
            return None
        finally:
            self.paying = False

    def _fail(self, code: str, message: str) -> None:
        self.error_code, self.error = code, message


def _pay_message(exc: ApiError) -> str:
    if exc.status == 402:
        return f"{exc.message} Nothing was charged."
    return exc.message
