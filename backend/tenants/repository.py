"""Tenant queries. Tenants are the root of scoping, so these are not tenant-filtered themselves:
the service decides who may see which tenant."""

from uuid import UUID

from tortoise.queryset import QuerySet

from backend.kit.errors import NotFoundError
from backend.models import Tenant


class TenantQueries:
    @staticmethod
    def all() -> QuerySet[Tenant]:
        return Tenant.all().order_by("slug")

    @staticmethod
    def visible(tenant_id: UUID) -> QuerySet[Tenant]:
        return Tenant.filter(id=tenant_id)

    @staticmethod
    async def by_slug(slug: str, *, within: QuerySet[Tenant] | None = None) -> Tenant:
        query = within if within is not None else Tenant.all()
        found = await query.filter(slug=slug.strip().lower()).first()
        if found is None:
            raise NotFoundError(f"No operator with slug '{slug}'.")
        return found

    @staticmethod
    async def slug_taken(slug: str) -> bool:
        return await Tenant.exists(slug=slug)
