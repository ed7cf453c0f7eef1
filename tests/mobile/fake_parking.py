"""The fake driver API's parking: prepaid sessions (start, extend, stop with refund), stays and passes.

A mixin of `tests.mobile.fakes.FakeDriverApi`, which holds the state and the test controls. Payments
are idempotent per key the way the backend's are: the same key and body answer the first answer
(its error too), the same key with another body is a 409.
"""

import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from mobile.services.errors import ApiError
from shared.schemas.facilities import FacilityDetail
from shared.schemas.passes import PassList, PassOut, PassState
from shared.schemas.sessions import QuoteOut, SessionOut
from shared.schemas.stays import FacilityRef, ParkingItem, ParkingKind, ParkingList

LIVE_STAYS = ("open", "unpaid", "payment_pending")


class FakeParking:
    """Sessions, stays and passes over the state `FakeDriverApi` keeps."""

    now: datetime
    quotes: dict[str, QuoteOut]
    used_quotes: set[str]
    sessions: dict[str, SessionOut]
    session_cards: dict[str, str]
    stays: list[ParkingItem]
    pass_list: list[PassOut]
    geofence_events: list[dict]
    refunds: list[tuple[str, int]]

    if TYPE_CHECKING:  # provided by FakeDriverApi

        async def _enter(self, method: str, key: str | None = None) -> None: ...
        def _leave(self, method: str, result: Any) -> Any: ...
        def _replay(self, method: str, key: str, body: Any) -> Any: ...
        def _remember(self, method: str, key: str, body: Any, answer: Any) -> None: ...
        def _me(self) -> Any: ...
        def _facility(self, slug: str) -> FacilityDetail: ...
        def _card_token(self, card_id: str) -> str: ...
        def _take(self, purpose: str, amount: int, card_id: str, key: str) -> None: ...
        def _price(self, facility: FacilityDetail, start: datetime, end: datetime) -> tuple[int, int]: ...

    # -- prepaid sessions ---------------------------------------------------------------------------

    async def start_session(self, quote_id: str, payment_method_id: str, idempotency_key: str) -> SessionOut:
        await self._enter("start_session", idempotency_key)
        self._me()
        body = (quote_id, payment_method_id)
        replayed = self._replay("start_session", idempotency_key, body)
        if replayed is not None:
            return self._leave("start_session", replayed)
        found = self.quotes.get(quote_id)
        if found is None:
            raise ApiError("not_found", "That quote does not exist.", 404)
        if self.now > found.expires_at:
            raise ApiError("quote_expired", "The price is no longer valid; get a new quote.", 422)
        if quote_id in self.used_quotes:
            raise ApiError("conflict", "This quote was already paid.", 409)
        self._card_token(payment_method_id)
        session_id = str(uuid.uuid4())
        try:
            self._take("session", found.total_amount, payment_method_id, idempotency_key)
        except ApiError as declined:
            self._remember("start_session", idempotency_key, body, declined)
            raise
        self.used_quotes.add(quote_id)
        duration = found.ends_at - found.starts_at
        session = SessionOut(
            id=session_id,
            status="active",
            facility=found.facility,
            facility_name=found.facility_name,
            facility_timezone=found.facility_timezone,
            license_plate=found.license_plate,
            starts_at=self.now,
            ends_at=self.now + duration,
            parking_amount=found.parking_amount,
            service_fee_amount=found.service_fee_amount,
            total_amount=found.total_amount,
            refunded_amount=0,
            currency=found.currency,
            provider="native",
            provider_session_id=None,
        )
        self.sessions[session_id] = session
        self.session_cards[session_id] = payment_method_id
        self._remember("start_session", idempotency_key, body, session)
        return self._leave("start_session", session)

    async def session(self, session_id: str) -> SessionOut:
        await self._enter("session")
        return self._leave("session", self._session(session_id))

    def _session(self, session_id: str) -> SessionOut:
        self._me()
        found = self.sessions.get(session_id)
        if found is None:
            raise ApiError("not_found", "That session does not exist.", 404)
        if found.status == "active" and self.now >= found.ends_at:
            found = self.sessions[session_id] = found.model_copy(update={"status": "expired"})
        return found

    def _active(self, session_id: str) -> SessionOut:
        found = self._session(session_id)
        if found.status != "active":
            raise ApiError("session_not_active", f"This parking is {found.status}, not running.", 409)
        return found

    async def extend_session(
        self, session_id: str, duration_minutes: int, idempotency_key: str
    ) -> SessionOut:
        await self._enter("extend_session", idempotency_key)
        body = (session_id, duration_minutes)
        replayed = self._replay("extend_session", idempotency_key, body)
        if replayed is not None:
            return self._leave("extend_session", replayed)
        current = self._active(session_id)
        place = self._facility(current.facility)
        ends_at = current.ends_at + timedelta(minutes=duration_minutes)
        parking, fee = self._price(place, current.starts_at, ends_at)
        extra = parking + fee - current.total_amount
        try:
            self._take("extension", extra, self.session_cards[session_id], idempotency_key)
        except ApiError as declined:
            self._remember("extend_session", idempotency_key, body, declined)
            raise
        session = current.model_copy(
            update={
                "ends_at": ends_at,
                "parking_amount": parking,
                "service_fee_amount": fee,
                "total_amount": parking + fee,
            }
        )
        self.sessions[session_id] = session
        self._remember("extend_session", idempotency_key, body, session)
        return self._leave("extend_session", session)

    async def stop_session(self, session_id: str) -> SessionOut:
        await self._enter("stop_session")
        current = self._active(session_id)
        place = self._facility(current.facility)
        refund = 0
        if place.early_stop == "refund_unused":
            used_parking, used_fee = self._price(place, current.starts_at, self.now)
            back = max(0, current.parking_amount - used_parking) + max(
                0, current.service_fee_amount - used_fee
            )
            refund = min(back, current.total_amount)
        if refund:
            self.refunds.append((session_id, refund))
        session = current.model_copy(
            update={"status": "stopped", "stopped_at": self.now, "refunded_amount": refund}
        )
        self.sessions[session_id] = session
        return self._leave("stop_session", session)

    # -- the parking list and stays -----------------------------------------------------------------

    def add_stay(
        self, facility: str, license_plate: str, *, amount_due: int, status: str = "open"
    ) -> ParkingItem:
        """A stay the cameras saw (entry 40 minutes ago), owing `amount_due`."""
        place = self._facility(facility)
        stay = ParkingItem(
            id=str(uuid.uuid4()),
            kind=ParkingKind.stay,
            status=status,
            facility=FacilityRef(slug=place.slug, name=place.name, timezone=place.timezone),
            license_plate=license_plate,
            starts_at=self.now - timedelta(minutes=40),
            ends_at=None,
            free_until=self.now - timedelta(minutes=25),
            paid_until=None,
            running_amount=amount_due,
            total_amount=None,
            paid_amount=0,
            amount_due=amount_due,
            currency=place.currency,
        )
        self.stays.append(stay)
        return stay

    def _session_item(self, session: SessionOut) -> ParkingItem:
        return ParkingItem(
            id=session.id,
            kind=ParkingKind.session,
            status=session.status,
            facility=FacilityRef(
                slug=session.facility, name=session.facility_name, timezone=session.facility_timezone
            ),
            license_plate=session.license_plate,
            starts_at=session.starts_at,
            ends_at=session.stopped_at or session.ends_at,
            free_until=None,
            paid_until=session.ends_at,
            running_amount=None,
            total_amount=session.total_amount,
            paid_amount=session.total_amount - session.refunded_amount,
            amount_due=0,
            currency=session.currency,
        )

    async def parking(self, active_only: bool = True) -> ParkingList:
        await self._enter("parking")
        sessions = [self._session_item(self._session(s)) for s in list(self.sessions)]
        items = [*sessions, *self.stays]
        if active_only:
            items = [i for i in items if i.status in ("pending", "active", *LIVE_STAYS)]
        return self._leave("parking", ParkingList(items=items, count=len(items)))

    async def pay_stay(
        self, stay_id: str, payment_method_id: str | None, idempotency_key: str
    ) -> ParkingItem:
        await self._enter("pay_stay", idempotency_key)
        body = (stay_id, payment_method_id)
        replayed = self._replay("pay_stay", idempotency_key, body)
        if replayed is not None:
            return self._leave("pay_stay", replayed)
        index = next((n for n, s in enumerate(self.stays) if s.id == stay_id), None)
        if index is None:
            raise ApiError("not_found", "That stay does not exist.", 404)
        stay = self.stays[index]
        if stay.amount_due == 0:
            raise ApiError("conflict", "Nothing is owed on this stay right now.", 409)
        card = payment_method_id or next(c.id for c in self._me().cards if c.is_default)
        self._take("stay", stay.amount_due, card, idempotency_key)
        status = "open" if stay.status == "open" else "paid"
        paid = stay.model_copy(
            update={
                "paid_amount": stay.paid_amount + stay.amount_due,
                "amount_due": 0,
                "status": status,
                "paid_until": self.now,
            }
        )
        self.stays[index] = paid
        self._remember("pay_stay", idempotency_key, body, paid)
        return self._leave("pay_stay", paid)

    # -- passes -------------------------------------------------------------------------------------

    async def geofence_event(self, **event) -> dict:
        await self._enter("geofence_event")
        self.geofence_events.append(event)
        return self._leave(
            "geofence_event", {"session_id": f"stay-{len(self.geofence_events)}", "status": "open"}
        )

    async def passes(self) -> PassList:
        await self._enter("passes")
        return self._leave("passes", PassList(items=list(self.pass_list), count=len(self.pass_list)))

    async def buy_pass(
        self, facility: str, product: str, license_plate: str, payment_method_id: str, idempotency_key: str
    ) -> PassOut:
        await self._enter("buy_pass", idempotency_key)
        body = (facility, product, license_plate, payment_method_id)
        replayed = self._replay("buy_pass", idempotency_key, body)
        if replayed is not None:
            return self._leave("buy_pass", replayed)
        place = self._facility(facility)
        item = next((p for p in place.pass_products if p.slug == product), None)
        if item is None:
            raise ApiError("not_found", f"{place.name} sells no '{product}' pass.", 404)
        self._take("pass", item.amount, payment_method_id, idempotency_key)
        bought = PassOut(
            id=str(uuid.uuid4()),
            facility=place.slug,
            facility_name=place.name,
            product=item.slug,
            product_name=item.name,
            license_plate=license_plate,
            valid_from=self.now,
            valid_until=self.now + timedelta(days=item.days),
            state=PassState.valid,
            parking_amount=item.amount,
            service_fee_amount=0,
            total_amount=item.amount,
            currency=place.currency,
            payment_id=str(uuid.uuid4()),
            created_at=self.now,
        )
        self.pass_list.insert(0, bought)
        self._remember("buy_pass", idempotency_key, body, bought)
        return self._leave("buy_pass", bought)
