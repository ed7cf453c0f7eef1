"""The fake driver API's vehicles and saved cards (sandbox tokens, some of which decline when charged).

A mixin of `tests.mobile.fakes.FakeDriverApi`, which holds the state and the test controls.
"""

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mobile.services.errors import ApiError
from shared.plates import InvalidPlateError, normalize_plate
from shared.schemas.drivers import PaymentMethodList, PaymentMethodOut, VehicleList, VehicleOut

CARDS = {
    "tok_visa": ("Visa", "4242"),
    "tok_mastercard": ("Mastercard", "4444"),
    "tok_chargeDeclined": ("Visa", "0002"),
    "tok_insufficientFunds": ("Visa", "9995"),
}
DECLINED = {
    "tok_chargeDeclined": ("payment_declined", "The card was declined; use another payment method."),
    "tok_insufficientFunds": ("insufficient_funds", "The card has insufficient funds."),
}


class FakeGarage:
    """Vehicles and cards of the signed-in account."""

    now: datetime
    charges: list[Any]

    if TYPE_CHECKING:  # provided by FakeDriverApi

        async def _enter(self, method: str, key: str | None = None) -> None: ...
        def _leave(self, method: str, result: Any) -> Any: ...
        def _me(self) -> Any: ...
        def _charge(self, purpose: str, amount: int, card_id: str, key: str) -> Any: ...

    # -- vehicles and cards -------------------------------------------------------------------------

    async def vehicles(self) -> VehicleList:
        await self._enter("vehicles")
        items = list(self._me().vehicles)
        return self._leave("vehicles", VehicleList(items=items, count=len(items)))

    async def add_vehicle(self, license_plate: str) -> VehicleOut:
        await self._enter("add_vehicle")
        me = self._me()
        try:
            normalized = normalize_plate(license_plate)
        except InvalidPlateError as exc:
            raise ApiError("invalid_plate", exc.detail, 422) from None
        if any(v.plate_normalized == normalized for v in me.vehicles):
            raise ApiError("duplicate_vehicle", "You already have this vehicle.", 409)
        vehicle = VehicleOut(
            id=str(uuid.uuid4()),
            license_plate=license_plate.strip(),
            plate_normalized=normalized,
            is_default=not me.vehicles,
            created_at=self.now,
        )
        me.vehicles.append(vehicle)
        return self._leave("add_vehicle", vehicle)

    async def delete_vehicle(self, vehicle_id: str) -> None:
        await self._enter("delete_vehicle")
        me = self._me()
        gone = self._vehicle(vehicle_id)
        me.vehicles = [v for v in me.vehicles if v.id != vehicle_id]
        if gone.is_default and me.vehicles:
            me.vehicles[0] = me.vehicles[0].model_copy(update={"is_default": True})
        self._leave("delete_vehicle", None)

    async def make_default_vehicle(self, vehicle_id: str) -> VehicleOut:
        await self._enter("make_default_vehicle")
        me = self._me()
        self._vehicle(vehicle_id)
        me.vehicles = [v.model_copy(update={"is_default": v.id == vehicle_id}) for v in me.vehicles]
        return self._leave("make_default_vehicle", self._vehicle(vehicle_id))

    def _vehicle(self, vehicle_id: str) -> VehicleOut:
        found = next((v for v in self._me().vehicles if v.id == vehicle_id), None)
        if found is None:
            raise ApiError("not_found", "That vehicle does not exist.", 404)
        return found

    async def payment_methods(self) -> PaymentMethodList:
        await self._enter("payment_methods")
        items = list(self._me().cards)
        return self._leave("payment_methods", PaymentMethodList(items=items, count=len(items)))

    async def add_payment_method(self, token: str) -> PaymentMethodOut:
        await self._enter("add_payment_method")
        me = self._me()
        if token not in CARDS:
            raise ApiError("unknown_payment_token", "The payment processor does not know this card.", 422)
        brand, last4 = CARDS[token]
        card = PaymentMethodOut(
            id=str(uuid.uuid4()),
            brand=brand,
            last4=last4,
            exp_month=12,
            exp_year=2034,
            is_default=not me.cards,
            created_at=self.now,
        )
        me.cards.append(card)
        me.card_tokens[card.id] = token
        return self._leave("add_payment_method", card)

    async def make_default_card(self, payment_method_id: str) -> PaymentMethodOut:
        await self._enter("make_default_card")
        me = self._me()
        self._card_token(payment_method_id)
        me.cards = [c.model_copy(update={"is_default": c.id == payment_method_id}) for c in me.cards]
        chosen = next(c for c in me.cards if c.id == payment_method_id)
        return self._leave("make_default_card", chosen)

    def run_dry(self, card_id: str) -> None:
        """The driver's bank now refuses this card for lack of funds."""
        self._me().card_tokens[card_id] = "tok_insufficientFunds"

    def top_up(self, card_id: str) -> None:
        """The driver's bank now accepts this card (e.g. money was added after a decline)."""
        self._me().card_tokens[card_id] = "tok_visa"

    def _card_token(self, card_id: str) -> str:
        token = self._me().card_tokens.get(card_id)
        if token is None:
            raise ApiError("not_found", "That payment method does not exist.", 404)
        return token

    def _take(self, purpose: str, amount: int, card_id: str, key: str) -> None:
        """Charge the card, or raise the processor's decline (nothing charged)."""
        token = self._card_token(card_id)
        if token in DECLINED:
            code, message = DECLINED[token]
            raise ApiError(code, message, 402)
        self.charges.append(self._charge(purpose, amount, card_id, key))
