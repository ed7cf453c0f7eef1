"""Passes: what the driver holds (upcoming, valid, expired) and buying one for a plate."""

from dataclasses import dataclass, field

import flet as ft

from mobile.services.driver_api import DriverApi, new_idempotency_key
from mobile.services.errors import ApiError
from shared.money import format_amount
from shared.schemas.passes import PassOut


@ft.observable
@dataclass
class PassesState:
    """The driver's passes, newest first, and the outcome of the last purchase."""

    api: DriverApi
    items: list[PassOut] = field(default_factory=list)
    loaded: bool = False
    loading: bool = False
    buying: bool = False
    error: str | None = None
    notice: str | None = None
    _keys: dict[tuple[str, str, str], str] = field(default_factory=dict)

    async def load(self) -> None:
        self.loading = True
        try:
            self.items, self.loaded, self.error = (await self.api.passes()).items, True, None
        except ApiError as exc:
            self.error = exc.message
        finally:
            self.loading = False

    async def buy(
        self, facility: str, product: str, license_plate: str, payment_method_id: str
    ) -> PassOut | None:
        # The same purchase retried (a lost answer, a double tap) reuses its key: charged once.
        key = self._keys.setdefault((facility, product, license_plate), new_idempotency_key())
        self.buying, self.error, self.notice = True, None, None
        try:
            bought = await self.api.buy_pass(facility, product, license_plate, payment_method_id, key)
        except ApiError as exc:
            self.error = exc.message
            return None
        finally:
            self.buying = False
        self._keys.pop((facility, product, license_plate), None)
        self.notice = (
            f"{bought.product_name} for {bought.license_plate} at {bought.facility_name}: "
            f"{format_amount(bought.total_amount, bought.currency)} paid."
        )
        await self.load()
        return bought
