"""`/api/v1/me`, `/api/v1/me/vehicles`, `/api/v1/me/payment-methods` and `/api/v1/me/receipts`:
the signed-in driver's own account, things and receipts."""

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from backend.auth.dependencies import CurrentDriver
from backend.drivers import profile, receipts, service
from backend.kit.openapi import errors
from backend.kit.services import Services
from backend.payments.gateways.registry import Gateways
from shared.schemas.account import DriverProfile, ProfileUpdate
from shared.schemas.drivers import (
    PaymentMethodCreate,
    PaymentMethodList,
    PaymentMethodOut,
    VehicleCreate,
    VehicleList,
    VehicleOut,
)
from shared.schemas.receipts import ReceiptOut, ReceiptPage

router = APIRouter(prefix="/api/v1/me", responses=errors(401))


@router.get("", response_model=DriverProfile, tags=["account"])
async def get_profile(driver: CurrentDriver) -> DriverProfile:
    """Your account and settings: name, e-mail, `auto_pay` and `reminder_minutes`."""
    return profile.profile_out(driver)


@router.patch("", response_model=DriverProfile, responses=errors(422), tags=["account"])
async def update_profile(body: ProfileUpdate, driver: CurrentDriver, services: Services) -> DriverProfile:
    """Change your name or settings; only the fields you send change.

    * `auto_pay` (true/false): on, a stay at a camera lot is charged to your default card when you
      leave; off, it is left unpaid and you pay it in the app (`POST /sessions/{id}/pay`).
    * `reminder_minutes` (0 to 120): how long before a prepaid session ends you get the
      `expiring_soon` notification; it applies to your running sessions too. 0 turns reminders off,
      the free-period reminders of stays included (those come 5 minutes ahead, a platform setting).

    A null, a value out of range or of the wrong type is a 422 `validation_error` naming the field.
    """
    return await profile.update_profile(services, driver, body)


@router.get("/receipts", response_model=ReceiptPage, tags=["receipts"])
async def list_receipts(
    driver: CurrentDriver,
    limit: Annotated[int, Query(ge=1, le=100, description="Receipts per page")] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="How many to skip (`next_offset`)")] = 0,
) -> ReceiptPage:
    """Your receipts, newest first: one per money movement (a session paid, extended, a stay charged
    when you left or paid in the app, a pass bought: `kind` `charge`; money given back when you
    stopped early: `kind` `refund`, with negative amounts). A refused card shows as `failed`
    (nothing was charged). `next_offset` fetches the next page (null on the last)."""
    return await receipts.receipt_page(driver.id, limit, offset)


@router.get("/receipts/{receipt_id}", response_model=ReceiptOut, responses=errors(404), tags=["receipts"])
async def get_receipt(receipt_id: str, driver: CurrentDriver) -> ReceiptOut:
    """One of your receipts; anyone else's is a 404 like a missing one."""
    return await receipts.receipt(driver.id, receipt_id)


@router.get("/vehicles", response_model=VehicleList, tags=["vehicles"])
async def list_vehicles(driver: CurrentDriver) -> VehicleList:
    """Your vehicles, oldest first."""
    return await service.list_vehicles(driver)


@router.post(
    "/vehicles",
    status_code=status.HTTP_201_CREATED,
    response_model=VehicleOut,
    responses=errors(409, 422),
    tags=["vehicles"],
)
async def add_vehicle(body: VehicleCreate, driver: CurrentDriver) -> VehicleOut:
    """Register a licence plate. Plates compare without case, spaces, '-', '.' and '·'
    (`abc-123` is `ABC 123`): the same plate twice is a 409 `duplicate_vehicle`; an empty plate or
    one over 20 characters is a 422 `invalid_plate`. Your first vehicle is the default."""
    return await service.add_vehicle(driver, body)


@router.delete(
    "/vehicles/{vehicle_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=errors(404),
    tags=["vehicles"],
)
async def delete_vehicle(vehicle_id: str, driver: CurrentDriver) -> None:
    """Remove a vehicle. When it was the default, your oldest remaining vehicle becomes the default."""
    await service.delete_vehicle(driver, vehicle_id)


@router.post(
    "/vehicles/{vehicle_id}/default", response_model=VehicleOut, responses=errors(404), tags=["vehicles"]
)
async def make_default_vehicle(vehicle_id: str, driver: CurrentDriver) -> VehicleOut:
    """Make this vehicle your default (the others stop being it)."""
    return await service.make_default_vehicle(driver, vehicle_id)


@router.get("/payment-methods", response_model=PaymentMethodList, tags=["payment methods"])
async def list_payment_methods(driver: CurrentDriver) -> PaymentMethodList:
    """Your saved cards (brand, last four digits, expiry), oldest first."""
    return await service.list_payment_methods(driver)


@router.post(
    "/payment-methods",
    status_code=status.HTTP_201_CREATED,
    response_model=PaymentMethodOut,
    responses=errors(422, 502),
    tags=["payment methods"],
)
async def add_payment_method(
    body: PaymentMethodCreate, driver: CurrentDriver, gateways: Gateways
) -> PaymentMethodOut:
    """Save a card as the payment processor's token (sandbox: `tok_visa`, `tok_mastercard`,
    `tok_chargeDeclined`, `tok_insufficientFunds`). Card numbers are refused: only the processor ever
    sees them. An unknown token is a 422 `unknown_payment_token`. Your first card is the default."""
    return await service.add_payment_method(driver, body, gateways)


@router.delete(
    "/payment-methods/{method_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=errors(404),
    tags=["payment methods"],
)
async def delete_payment_method(method_id: str, driver: CurrentDriver) -> None:
    """Forget a card. When it was the default, your oldest remaining card becomes the default."""
    await service.delete_payment_method(driver, method_id)


@router.post(
    "/payment-methods/{method_id}/default",
    response_model=PaymentMethodOut,
    responses=errors(404),
    tags=["payment methods"],
)
async def make_default_payment_method(method_id: str, driver: CurrentDriver) -> PaymentMethodOut:
    """Make this card your default: it pays automatic charges (camera-detected exits)."""
    return await service.make_default_payment_method(driver, method_id)
