"""Tenant scoping by construction: every operator-side query goes through a TenantRepository."""

from typing import Any, Generic, TypeVar
from uuid import UUID

from tortoise.models import Model
from tortoise.queryset import QuerySet

from backend.kit.errors import NotFoundError

M = TypeVar("M", bound=Model)


def parse_uuid(value: str | UUID, what: str) -> UUID:
    """An id from a path; one that is not a UUID cannot exist, so it is a 404 like any unknown id."""
    if isinstance(value, UUID):
        return value
    try:
        return UUID(str(value))
    except ValueError:
        raise NotFoundError(f"No {what} with id '{value}'.") from None


class TenantRepository(Generic[M]):
    """Queries on one model, always filtered to one tenant.

    `tenant_path` is the lookup from the model to its tenant id (`tenant_id` for direct children,
    `facility__tenant_id` for grandchildren). Another tenant's object is indistinguishable from a
    missing one: both are a NotFoundError (404).
    """

    model: type[M]
    tenant_path: str = "tenant_id"
    label: str = "object"

    def __init__(self, tenant_id: UUID) -> None:
        self.tenant_id = tenant_id

    def query(self) -> QuerySet[M]:
        return self.model.filter(**{self.tenant_path: self.tenant_id})

    async def get(self, object_id: str | UUID, **filters: Any) -> M:
        pk = parse_uuid(object_id, self.label)
        found = await self.query().filter(pk=pk, **filters).first()
        if found is None:
            raise NotFoundError(f"No {self.label} with id '{object_id}'.")
        return found

    async def get_by(self, what: str, **filters: Any) -> M:
        found = await self.query().filter(**filters).first()
        if found is None:
            raise NotFoundError(f"No {self.label} {what}.")
        return found
