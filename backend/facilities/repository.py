"""Facility-side queries for the admin API, all scoped to one tenant (another tenant's is a 404)."""

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from backend.kit.repository import TenantRepository
from backend.models import Facility, PassProduct, ProviderConnection


class FacilityRepository(TenantRepository[Facility]):
    model = Facility
    label = "facility"

    async def by_slug(self, slug: str) -> Facility:
        return await self.get_by(f"'{slug}'", slug=slug.strip().lower())

    def search(self, text: str | None = None, updated_since: datetime | None = None) -> QuerySet[Facility]:
        query = self.query()
        if text and text.strip():
            needle = text.strip().lower()
            query = query.filter(
                Q(name_lower__contains=needle) | Q(slug__contains=needle) | Q(zone_number__icontains=needle)
            )
        if updated_since is not None:
            query = query.filter(updated_at__gte=updated_since)
        return query

    async def ids_by_slug(self, slugs: Iterable[str]) -> dict[str, UUID]:
        wanted = {s.strip().lower() for s in slugs}
        rows = await self.query().filter(slug__in=wanted).values_list("slug", "id")
        return {slug: facility_id for slug, facility_id in rows}

    async def slugs_by_id(self, ids: Iterable[str | UUID]) -> dict[str, str]:
        wanted = {str(i) for i in ids}
        if not wanted:
            return {}
        rows = await self.query().filter(id__in=wanted).values_list("id", "slug")
        return {str(facility_id): slug for facility_id, slug in rows}

    async def zone_number_used(self, zone_number: str, *, besides: UUID | None = None) -> bool:
        query = self.query().filter(zone_number=zone_number)
        if besides is not None:
            query = query.exclude(id=besides)
        return await query.exists()


async def slug_in_use(slug: str) -> bool:
    """Facility slugs are unique across the platform (drivers look them up without an operator)."""
    return await Facility.exists(slug=slug)


class PassProductRepository(TenantRepository[PassProduct]):
    model = PassProduct
    tenant_path = "facility__tenant_id"
    label = "pass product"

    def of_facility(self, facility: Facility) -> QuerySet[PassProduct]:
        return self.query().filter(facility_id=facility.id).order_by("slug")

    async def by_slug(self, facility: Facility, slug: str) -> PassProduct:
        return await self.get_by(f"'{slug}' at '{facility.slug}'", facility_id=facility.id, slug=slug.lower())


class ProviderConnectionRepository(TenantRepository[ProviderConnection]):
    model = ProviderConnection
    label = "provider connection"

    async def by_slug_or_none(self, slug: str) -> ProviderConnection | None:
        return await self.query().filter(slug=slug.strip().lower()).first()

    async def slugs_by_id(self, ids: Iterable[UUID]) -> dict[UUID, str]:
        wanted = set(ids)
        if not wanted:
            return {}
        return dict(await self.query().filter(id__in=wanted).values_list("id", "slug"))
