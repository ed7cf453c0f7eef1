"""Customer lookup: find a driver by plate, e-mail or name (or a plate without an account), and see
what they did at this operator and what they owe (`/customers?q=`, `/customers/{driver_id}`,
`/customers/plates/{plate}`)."""

from dataclasses import dataclass, field

import flet as ft

from mobile.services.admin_api import HttpAdminApi
from mobile.services.errors import ApiError
from shared.schemas.admin_customers import CustomerDetail, CustomerHit, CustomerKind, CustomerSearch


def hit_title(hit: CustomerHit) -> str:
    if hit.kind is CustomerKind.plate:
        return f"Plate {hit.plates[0] if hit.plates else ''} (no account)"
    return f"{hit.name or hit.email} · {hit.email}" if hit.name else str(hit.email)


@ft.observable
@dataclass
class CustomersState:
    api: HttpAdminApi
    query: str = ""
    hits: list[CustomerHit] = field(default_factory=list)
    searched: bool = False
    customer: CustomerDetail | None = None
    loading: bool = False
    error: str | None = None

    async def search(self, text: str) -> None:
        text = text.strip()
        self.query = text
        if len(text) < 2:
            self.error = "Type at least two characters of a plate, an e-mail or a name."
            return
        self.loading, self.error = True, None
        try:
            found = await self.api.get("/customers", CustomerSearch, q=text)
            self.hits, self.searched = found.items, True
        except ApiError as exc:
            self.error = exc.message
        finally:
            self.loading = False

    async def open(self, hit: CustomerHit) -> None:
        if hit.kind is CustomerKind.driver and hit.driver_id:
            await self.open_driver(hit.driver_id)
        elif hit.plates:
            await self.open_plate(hit.plates[0])

    async def open_driver(self, driver_id: str) -> None:
        await self._detail(f"/customers/{driver_id}")

    async def open_plate(self, plate: str) -> None:
        await self._detail(f"/customers/plates/{plate}")

    def back(self) -> None:
        self.customer, self.error = None, None

    async def reload(self) -> None:
        customer = self.customer
        if customer is None:
            return
        if customer.kind is CustomerKind.driver and customer.driver_id:
            await self.open_driver(customer.driver_id)
        elif customer.plates:
            await self.open_plate(customer.plates[0])

    async def _detail(self, path: str) -> None:
        self.loading, self.error = True, None
        try:
            self.customer = await self.api.get(path, CustomerDetail)
        except ApiError as exc:
            self.error = exc.message
        finally:
            self.loading = False
