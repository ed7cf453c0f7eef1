"""Pass products of a facility (monthly passes and the like), as operators configure them.

Deleting a product takes it off sale: passes already sold refer to it and stay valid.
"""

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from backend.auth.dependencies import OperatorContext
from backend.facilities.repository import FacilityRepository, PassProductRepository
from backend.kit.errors import ConflictError
from backend.models import PassProduct
from shared.errors import ErrorCode, ParkflowError
from shared.schemas.admin_facilities import AdminPassProduct, PassProductCreate, PassProductPatch


def _out(product: PassProduct, currency: str) -> AdminPassProduct:
    return AdminPassProduct(
        slug=product.slug,
        name=product.name,
        amount=product.amount,
        currency=currency,
        days=product.days,
        is_active=product.is_active,
    )


def _currency(ctx: OperatorContext) -> str:
    _ = ctx.tenant_id  # a super admin who chose no operator (X-Tenant) gets a 403 here
    assert ctx.tenant is not None
    return ctx.tenant.currency


async def list_products(ctx: OperatorContext, facility_slug: str) -> list[AdminPassProduct]:
    currency = _currency(ctx)
    facility = await FacilityRepository(ctx.tenant_id).by_slug(facility_slug)
    products = await PassProductRepository(ctx.tenant_id).of_facility(facility)
    return [_out(p, currency) for p in products]


async def create_product(
    ctx: OperatorContext, facility_slug: str, body: PassProductCreate
) -> AdminPassProduct:
    currency = _currency(ctx)
    facility = await FacilityRepository(ctx.tenant_id).by_slug(facility_slug)
    existing = await PassProduct.get_or_none(facility_id=facility.id, slug=body.slug)
    if existing is not None:
        raise _taken(existing)
    try:
        async with in_transaction():
            product = await PassProduct.create(facility_id=facility.id, **body.model_dump())
    except IntegrityError:  # created concurrently
        raise ConflictError(f"This facility already has a pass product '{body.slug}'.") from None
    return _out(product, currency)


def _taken(existing: PassProduct) -> ConflictError:
    if existing.is_active:
        return ConflictError(f"This facility already has a pass product '{existing.slug}'.")
    return ConflictError(
        f"The pass product '{existing.slug}' exists but is off sale; "
        'put it back on sale with PATCH {"is_active": true}.'
    )


async def update_product(
    ctx: OperatorContext, facility_slug: str, product_slug: str, body: PassProductPatch
) -> AdminPassProduct:
    currency = _currency(ctx)
    facility = await FacilityRepository(ctx.tenant_id).by_slug(facility_slug)
    product = await PassProductRepository(ctx.tenant_id).by_slug(facility, product_slug)
    changes = {name: getattr(body, name) for name in body.model_fields_set}
    for name, value in changes.items():
        if value is None:
            raise ParkflowError(
                f"'{name}' cannot be null; leave it out to keep the current value.",
                ErrorCode.validation_error,
            )
    if changes:
        await product.update_from_dict(changes).save(update_fields=list(changes))
    return _out(product, currency)


async def withdraw_product(ctx: OperatorContext, facility_slug: str, product_slug: str) -> None:
    facility = await FacilityRepository(ctx.tenant_id).by_slug(facility_slug)
    product = await PassProductRepository(ctx.tenant_id).by_slug(facility, product_slug)
    if product.is_active:
        product.is_active = False
        await product.save(update_fields=["is_active"])
