"""`/api/v1/me/vehicles` and `/api/v1/me/payment-methods`: the signed-in driver's own things."""

from fastapi import APIRouter, Response, status

from backend.auth.dependencies import CurrentDriver
from backend.drivers import service
from backend.kit.openapi import errors
from backend.payments.gateways.registry import Gateways
from shared.schemas.drivers import (
    PaymentMethodCreate,
    PaymentMethodList,
    PaymentMethodOut,
    VehicleCreate,
    VehicleList,
    VehicleOut,
)

router = APIRouter(prefix="/api/v1/me", responses=errors(401))


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
