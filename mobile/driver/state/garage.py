"""The driver's vehicles and saved cards: what a payment uses unless the driver picks another."""

from dataclasses import dataclass, field

import flet as ft

from mobile.services.driver_api import DriverApi
from mobile.services.errors import ApiError
from shared.plates import InvalidPlateError, normalize_plate
from shared.schemas.drivers import PaymentMethodOut, VehicleOut


@ft.observable
@dataclass
class GarageState:
    """Vehicles and cards, loaded once and kept current after every change."""

    api: DriverApi
    vehicles: list[VehicleOut] = field(default_factory=list)
    cards: list[PaymentMethodOut] = field(default_factory=list)
    loaded: bool = False
    loading: bool = False
    error: str | None = None
    plate_error: str | None = None
    card_error: str | None = None

    @property
    def default_vehicle(self) -> VehicleOut | None:
        return next((v for v in self.vehicles if v.is_default), self.vehicles[0] if self.vehicles else None)

    @property
    def default_card(self) -> PaymentMethodOut | None:
        return next((c for c in self.cards if c.is_default), self.cards[0] if self.cards else None)

    @property
    def ready_to_pay(self) -> bool:
        return bool(self.vehicles and self.cards)

    async def load(self) -> None:
        self.loading, self.error = True, None
        try:
            vehicles, cards = await self.api.vehicles(), await self.api.payment_methods()
            self.vehicles, self.cards, self.loaded = vehicles.items, cards.items, True
        except ApiError as exc:
            self.error = exc.message
        finally:
            self.loading = False

    async def add_vehicle(self, license_plate: str) -> bool:
        """Checks the plate here first (the same rules as the backend) so the driver sees why at once."""
        try:
            normalized = normalize_plate(license_plate)
        except InvalidPlateError as exc:
            self.plate_error = str(exc)
            return False
        if any(v.plate_normalized == normalized for v in self.vehicles):
            self.plate_error = f"{license_plate.strip().upper()} is already one of your vehicles."
            return False
        try:
            await self.api.add_vehicle(license_plate.strip().upper())
        except ApiError as exc:
            self.plate_error = exc.message
            return False
        self.plate_error = None
        await self.load()
        return True

    async def make_default(self, vehicle_id: str) -> None:
        await self._change(self.api.make_default_vehicle(vehicle_id))

    async def make_default_card(self, payment_method_id: str) -> None:
        await self._change(self.api.make_default_card(payment_method_id))

    async def delete_vehicle(self, vehicle_id: str) -> None:
        await self._change(self.api.delete_vehicle(vehicle_id))

    async def add_card(self, token: str) -> bool:
        try:
            await self.api.add_payment_method(token)
        except ApiError as exc:
            self.card_error = exc.message
            return False
        self.card_error = None
        await self.load()
        return True

    async def _change(self, call) -> None:
        try:
            await call
        except ApiError as exc:
            self.error = exc.message
            return
        await self.load()
