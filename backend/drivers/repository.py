"""Queries on what a driver owns, always filtered to that driver (like TenantRepository for tenants)."""

from typing import Generic, TypeVar
from uuid import UUID

from tortoise.models import Model
from tortoise.queryset import QuerySet

from backend.kit.errors import NotFoundError
from backend.kit.repository import parse_uuid
from backend.models import PaymentMethod, Vehicle

M = TypeVar("M", bound=Model)


class DriverRepository(Generic[M]):
    """Another driver's object is indistinguishable from a missing one: both are a 404."""

    model: type[M]
    label: str = "object"

    def __init__(self, driver_id: UUID) -> None:
        self.driver_id = driver_id

    def query(self) -> QuerySet[M]:
        return self.model.filter(driver_id=self.driver_id)

    async def list(self) -> list[M]:
        return await self.query().order_by("created_at", "id")

    async def get(self, object_id: str | UUID) -> M:
        pk = parse_uuid(object_id, self.label)
        found = await self.query().filter(pk=pk).first()
        if found is None:
            raise NotFoundError(f"You have no {self.label} with id '{object_id}'.")
        return found

    async def exists(self, **filters) -> bool:
        return await self.query().filter(**filters).exists()

    async def make_default(self, object_id: UUID) -> None:
        """Exactly one default: unset the others, set this one (call inside a transaction)."""
        await self.query().filter(is_default=True).exclude(pk=object_id).update(is_default=False)
        await self.query().filter(pk=object_id).update(is_default=True)

    async def promote_oldest_if_no_default(self) -> None:
        """After the default was deleted, the oldest remaining one takes its place."""
        if await self.query().filter(is_default=True).exists():
            return
        oldest = await self.query().order_by("created_at", "id").first()
        if oldest is not None:
            await self.make_default(oldest.pk)


class VehicleRepository(DriverRepository[Vehicle]):
    model = Vehicle
    label = "vehicle"


class PaymentMethodRepository(DriverRepository[PaymentMethod]):
    model = PaymentMethod
    label = "payment method"
