"""Operators: super admins see and create all of them; everyone else sees only their own."""

from decimal import Decimal

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from backend.audit.service import record
from backend.auth.dependencies import OperatorContext
from backend.kit.errors import ConflictError
from backend.models import Tenant
from backend.tenants.branding import branding_of, stored_branding
from backend.tenants.repository import TenantQueries
from shared.money import plain_decimal
from shared.schemas.admin import TenantCreate, TenantOut, TenantUpdate
from shared.schemas.tariff import ServiceFee

_SLUG_TAKEN = "An operator with this slug already exists; choose another slug."


def to_out(tenant: Tenant) -> TenantOut:
    return TenantOut(
        slug=tenant.slug,
        name=tenant.name,
        currency=tenant.currency,
        timezone=tenant.timezone,
        service_fee=ServiceFee(
            percent=plain_decimal(tenant.service_fee_percent), fixed_amount=tenant.service_fee_fixed_amount
        ),
        branding=branding_of(tenant),
        created_at=tenant.created_at,
    )


def _visible(ctx: OperatorContext) -> QuerySet[Tenant]:
    if ctx.is_super_admin:
        return TenantQueries.all()
    # A tenant user's own operator, whatever X-Tenant says (only super admins may choose).
    return TenantQueries.visible(ctx.user.tenant_id)  # type: ignore[attr-defined]


async def list_tenants(ctx: OperatorContext) -> list[TenantOut]:
    return [to_out(t) for t in await _visible(ctx)]


async def get_tenant(ctx: OperatorContext, slug: str) -> TenantOut:
    return to_out(await TenantQueries.by_slug(slug, within=_visible(ctx)))


async def create_tenant(body: TenantCreate) -> TenantOut:
    if await TenantQueries.slug_taken(body.slug):
        raise ConflictError(_SLUG_TAKEN)
    try:
        async with in_transaction():
            tenant = await Tenant.create(
                slug=body.slug,
                name=body.name,
                currency=body.currency,
                timezone=body.timezone,
                service_fee_percent=body.service_fee.percent,
                service_fee_fixed_amount=body.service_fee.fixed_amount,
            )
    except IntegrityError:  # created concurrently
        raise ConflictError(_SLUG_TAKEN) from None
    return to_out(tenant)


async def update_tenant(ctx: OperatorContext, slug: str, body: TenantUpdate) -> TenantOut:
    """Callers are tenant admins (their own operator) or super admins (any)."""
    tenant = await TenantQueries.by_slug(slug, within=_visible(ctx))
    wanted = body.model_dump(exclude_unset=True)
    values: dict = {name: wanted[name] for name in ("name", "timezone") if wanted.get(name) is not None}
    if body.service_fee is not None:
        values["service_fee_percent"] = body.service_fee.percent
        values["service_fee_fixed_amount"] = body.service_fee.fixed_amount
    if "branding" in wanted:
        values["branding"] = stored_branding(body.branding)
    changes = {
        name: {"from": _plain(getattr(tenant, name)), "to": _plain(value)}
        for name, value in values.items()
        if _plain(getattr(tenant, name)) != _plain(value)
    }
    if changes:
        async with in_transaction():
            await tenant.update_from_dict(values).save(update_fields=list(values))
            await record(ctx, tenant.id, "tenant.updated", "tenant", tenant.id, {"changes": changes})
    return to_out(tenant)


def _plain(value: object) -> object:
    """A value as the audit log stores it (JSON): decimals as text, 2.50 and 2.5 alike."""
    return str(plain_decimal(value)) if isinstance(value, Decimal) else value
