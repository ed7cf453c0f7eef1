"""`/api/v1/passes`: a driver buys passes for a plate and lists them."""

from typing import Annotated

from fastapi import APIRouter, Header, status

from backend.auth.dependencies import CurrentDriver
from backend.kit.openapi import errors
from backend.kit.services import Services
from backend.passes import listing, service
from shared.schemas.passes import PassList, PassOut, PassPurchase

router = APIRouter(prefix="/api/v1/passes", tags=["passes"], responses=errors(401))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=PassOut,
    responses=errors(402, 404, 409, 422, 502),
)
async def buy_pass(
    body: PassPurchase,
    driver: CurrentDriver,
    services: Services,
    idempotency_key: Annotated[
        str | None,
        Header(
            description="Makes retries safe: the same key and body answer the first result, charged once",
            examples=["3f1e0c9a-pass-2026-04"],
        ),
    ] = None,
) -> PassOut:
    """Buy a pass product of a facility for a plate: charges the product's price plus the operator's
    service fee to your payment method, e-mails a receipt, and from `valid_from` (default now; may be
    later) enforcement answers `pass_active` for the plate there. The plate need not be one of your
    vehicles (and does not become one). A declined card is a 402 (`payment_declined`,
    `insufficient_funds`) and no pass; an unknown facility, product or payment method a 404; a pass
    off sale or a `valid_from` in the past a 422. The same `Idempotency-Key` with another body is a
    409."""
    return await service.purchase(services, driver, body, idempotency_key)


@router.get("", response_model=PassList)
async def list_passes(driver: CurrentDriver) -> PassList:
    """Your passes (upcoming, valid and expired), newest first."""
    return await listing.list_passes(driver)
