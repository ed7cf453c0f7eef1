"""Facilities as operators configure them: create, replace, patch, delete (one operator's only).

Facility slugs are unique across the platform, because drivers and signs name a facility by slug
alone. A slug taken by another operator is reported without saying whose it is.
"""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from backend.audit.service import record
from backend.auth.dependencies import OperatorContext
from backend.facilities.index import invalidate_facility_index
from backend.facilities.repository import (
    FacilityRepository,
    ProviderConnectionRepository,
    slug_in_use,
)
from backend.facilities.values import facility_values
from backend.kit.errors import ConflictError
from backend.kit.services import AppServices
from backend.models import Facility, PassProduct, Tenant
from shared.errors import ErrorCode, ParkflowError
from shared.pricing import quote
from shared.schemas.admin_facilities import (
    AdminFacility,
    AdminFacilityPage,
    AdminFacilitySummary,
    FacilityCreate,
    FacilityDefinition,
    FacilityPatch,
    ProviderRef,
)
from shared.schemas.facilities import Position
from shared.schemas.geometry import GeoJSONGeometry
from shared.schemas.onboarding import Detection, EarlyStop, FacilityEntry, FacilityProviderRef
from shared.schemas.tariff import Tariff
from shared.tariff_text import describe_tariff

SLUG_TAKEN = "This slug is taken; choose another."
# PATCH fields that must have a value; the others (geometry, address, timezone) may be cleared.
_REQUIRED_ON_PATCH = (
    "name",
    "zone_number",
    "capacity",
    "detection",
    "tariff",
    "grace_minutes",
    "early_stop",
    "notices",
    "rules",
)


_HOUR = timedelta(hours=1)

# Derived from other columns: their change is already in the audit entry.
_DERIVED = frozenset({"name_lower", "center_lon", "center_lat"})


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, UUID) else value


def _changes(facility: Facility, values: dict[str, Any]) -> dict[str, Any]:
    """What an update changes, for the audit log: before and after (the outline only as replaced)."""
    changes: dict[str, Any] = {}
    for name, value in values.items():
        before = getattr(facility, name)
        if name in _DERIVED or _plain(before) == _plain(value):
            continue
        if name == "geometry":
            changes[name] = "removed" if value is None else "replaced"
        else:
            changes[name] = {"from": _plain(before), "to": _plain(value)}
    return changes


def _invalid(detail: str) -> ParkflowError:
    return ParkflowError(detail, ErrorCode.validation_error)


def _zone_taken(zone_number: str) -> ConflictError:
    return ConflictError(f"Another facility of this operator already uses zone number '{zone_number}'.")


def _provider_ref(facility: Facility, provider_slugs: dict[UUID, str]) -> ProviderRef:
    slug = provider_slugs.get(facility.provider_connection_id)  # type: ignore[attr-defined]
    if slug is None:
        return "native"
    return FacilityProviderRef(connection=slug, zone_id=facility.provider_zone_id)


def _this_minute() -> datetime:
    """When the hour a summary prices starts: now, to the minute (one instant for a whole page)."""
    return datetime.now(UTC).replace(second=0, microsecond=0)


def _summary_fields(
    facility: Facility, tariff: Tariff, provider_slugs: dict[UUID, str], currency: str, now: datetime
) -> dict[str, Any]:
    """The summary, from the facility's row and what the caller loaded once: no query per facility."""
    center = None
    if facility.center_lat is not None and facility.center_lon is not None:
        center = Position(lat=facility.center_lat, lon=facility.center_lon)
    return {
        "id": str(facility.id),
        "slug": facility.slug,
        "name": facility.name,
        "zone_number": facility.zone_number,
        "timezone": facility.timezone,
        "capacity": facility.capacity,
        "detection": Detection(facility.detection),
        "provider": _provider_ref(facility, provider_slugs),
        "center": center,
        "has_outline": facility.geometry is not None,
        "grace_minutes": facility.grace_minutes,
        "currency": currency,
        "tariff_text": describe_tariff(tariff, currency),
        "hour_amount": quote(tariff, now, now + _HOUR, facility.timezone).parking_amount,
        "updated_at": facility.updated_at,
    }


async def _provider_slugs(tenant_id: UUID, facilities: list[Facility]) -> dict[UUID, str]:
    ids = {f.provider_connection_id for f in facilities} - {None}  # type: ignore[attr-defined]
    return await ProviderConnectionRepository(tenant_id).slugs_by_id(ids)


async def to_admin(facility: Facility, tenant: Tenant) -> AdminFacility:
    tariff = Tariff.model_validate(facility.tariff)
    slugs = await _provider_slugs(tenant.id, [facility])
    return AdminFacility(
        **_summary_fields(facility, tariff, slugs, tenant.currency, _this_minute()),
        geometry=facility.geometry,
        tariff=tariff,
        early_stop=EarlyStop(facility.early_stop),
        address=facility.address,
        notices=list(facility.notices or []),
        rules=facility.rules or "",
        created_at=facility.created_at,
    )


def operator_tenant(ctx: OperatorContext) -> Tenant:
    _ = ctx.tenant_id  # a super admin who chose no operator (X-Tenant) gets a 403 here
    assert ctx.tenant is not None
    return ctx.tenant


async def list_facilities(
    ctx: OperatorContext, *, text: str | None, updated_since: datetime | None, limit: int, offset: int
) -> AdminFacilityPage:
    tenant = operator_tenant(ctx)  # loaded with the login: the currency costs no query
    query = FacilityRepository(tenant.id).search(text, updated_since)
    total = await query.count()
    facilities = await query.order_by("slug").offset(offset).limit(limit)
    slugs = await _provider_slugs(tenant.id, facilities)
    now = _this_minute()
    items = [
        AdminFacilitySummary(
            **_summary_fields(f, Tariff.model_validate(f.tariff), slugs, tenant.currency, now)
        )
        for f in facilities
    ]
    return AdminFacilityPage(items=items, total=total, limit=limit, offset=offset)


async def get_facility(ctx: OperatorContext, slug: str) -> AdminFacility:
    tenant = operator_tenant(ctx)
    return await to_admin(await FacilityRepository(tenant.id).by_slug(slug), tenant)


async def _connection_id(tenant: Tenant, provider: ProviderRef) -> UUID | None:
    if provider == "native":
        return None
    assert isinstance(provider, FacilityProviderRef)
    connection = await ProviderConnectionRepository(tenant.id).by_slug_or_none(provider.connection)
    if connection is None:
        raise _invalid(
            f"'provider.connection': this operator has no provider connection '{provider.connection}'; "
            'use one of its connections or "native".'
        )
    return connection.id


def _entry(slug: str, definition: FacilityDefinition) -> FacilityEntry:
    # Already validated field by field; FacilityEntry is the shape facility_values() reads.
    fields = {name: getattr(definition, name) for name in FacilityDefinition.model_fields}
    return FacilityEntry.model_construct(slug=slug, **fields)


async def create_facility(services: AppServices, ctx: OperatorContext, body: FacilityCreate) -> AdminFacility:
    tenant = operator_tenant(ctx)
    repo = FacilityRepository(tenant.id)
    seen: set[str] = set()
    for product in body.pass_products:
        if product.slug in seen:
            raise _invalid(f"'pass_products': the slug '{product.slug}' is used twice.")
        seen.add(product.slug)
    if await slug_in_use(body.slug):
        raise ConflictError(SLUG_TAKEN)
    if await repo.zone_number_used(body.zone_number):
        raise _zone_taken(body.zone_number)
    values = facility_values(
        _entry(body.slug, body), tenant.timezone, await _connection_id(tenant, body.provider)
    )
    try:
        async with in_transaction():
            facility = await Facility.create(tenant_id=tenant.id, slug=body.slug, **values)
            for product in body.pass_products:
                await PassProduct.create(facility_id=facility.id, **product.model_dump())
            await record(
                ctx,
                tenant.id,
                "facility.created",
                "facility",
                facility.id,
                {
                    "slug": facility.slug,
                    "name": facility.name,
                    "zone_number": facility.zone_number,
                    "pass_products": [p.slug for p in body.pass_products],
                },
            )
    except IntegrityError:  # another request took the slug or zone number meanwhile
        raise await _conflict(repo, body.slug, body.zone_number) from None
    invalidate_facility_index(services)
    return await to_admin(facility, tenant)


async def _conflict(repo: FacilityRepository, slug: str | None, zone_number: str) -> ConflictError:
    if slug is not None and await slug_in_use(slug):
        return ConflictError(SLUG_TAKEN)
    if await repo.zone_number_used(zone_number):
        return _zone_taken(zone_number)
    return ConflictError("This facility conflicts with another one; reload and try again.")


async def _save(
    services: AppServices,
    ctx: OperatorContext,
    repo: FacilityRepository,
    facility: Facility,
    values: dict[str, Any],
) -> None:
    zone_number = values["zone_number"]
    if zone_number != facility.zone_number and await repo.zone_number_used(zone_number, besides=facility.id):
        raise _zone_taken(zone_number)
    changes = _changes(facility, values)
    try:
        async with in_transaction():
            await facility.update_from_dict(values).save()
            if changes:
                details = {"slug": facility.slug, "changes": changes}
                await record(ctx, repo.tenant_id, "facility.updated", "facility", facility.id, details)
    except IntegrityError:
        raise await _conflict(repo, None, zone_number) from None
    invalidate_facility_index(services)


async def replace_facility(
    services: AppServices, ctx: OperatorContext, slug: str, body: FacilityDefinition
) -> AdminFacility:
    tenant = operator_tenant(ctx)
    repo = FacilityRepository(tenant.id)
    facility = await repo.by_slug(slug)
    connection_id = await _connection_id(tenant, body.provider)
    values = facility_values(_entry(facility.slug, body), tenant.timezone, connection_id)
    await _save(services, ctx, repo, facility, values)
    return await to_admin(facility, tenant)


def _current_definition(facility: Facility) -> dict[str, Any]:
    geometry = facility.geometry
    return {
        "name": facility.name,
        "zone_number": facility.zone_number,
        "timezone": facility.timezone,
        "capacity": facility.capacity,
        "detection": Detection(facility.detection),
        "geometry": GeoJSONGeometry.model_construct(**geometry) if geometry else None,
        "tariff": Tariff.model_validate(facility.tariff),
        "grace_minutes": facility.grace_minutes,
        "early_stop": EarlyStop(facility.early_stop),
        "provider": "native",  # unused: PATCH leaves the provider link as it is
        "address": facility.address,
        "notices": list(facility.notices or []),
        "rules": facility.rules or "",
    }


async def patch_facility(
    services: AppServices, ctx: OperatorContext, slug: str, body: FacilityPatch
) -> AdminFacility:
    tenant = operator_tenant(ctx)
    repo = FacilityRepository(tenant.id)
    facility = await repo.by_slug(slug)
    changes = {name: getattr(body, name) for name in body.model_fields_set}
    for name in _REQUIRED_ON_PATCH:
        if name in changes and changes[name] is None:
            raise _invalid(f"'{name}' cannot be null; leave it out to keep the current value.")
    definition = FacilityDefinition.model_construct(**{**_current_definition(facility), **changes})
    values = facility_values(_entry(facility.slug, definition), tenant.timezone, None)
    for kept in ("provider_connection_id", "provider_zone_id"):
        values.pop(kept)
    await _save(services, ctx, repo, facility, values)
    return await to_admin(facility, tenant)


async def delete_facility(services: AppServices, ctx: OperatorContext, slug: str) -> None:
    facility = await FacilityRepository(ctx.tenant_id).by_slug(slug)
    try:
        async with in_transaction():
            await record(
                ctx,
                facility.tenant_id,  # type: ignore[attr-defined]
                "facility.deleted",
                "facility",
                facility.id,
                {"slug": facility.slug, "name": facility.name, "zone_number": facility.zone_number},
            )
            await facility.delete()
    except IntegrityError:
        raise ConflictError(
            "This facility has parking sessions or passes on record, which must be kept, "
            "so it cannot be deleted."
        ) from None
    invalidate_facility_index(services)
