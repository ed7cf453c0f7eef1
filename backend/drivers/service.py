"""A driver's vehicles and payment methods: plate rules, one default of each, tokens never cards."""

from datetime import UTC, datetime
from uuid import UUID

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from backend.drivers.repository import DriverRepository, PaymentMethodRepository, VehicleRepository
from backend.kit.errors import ConflictError
from backend.models import Driver, PaymentMethod, Vehicle
from backend.payments.gateways.base import CardDetails
from backend.payments.gateways.registry import GatewayRegistry
from shared.errors import ErrorCode, ParkflowError
from shared.plates import InvalidPlateError, normalize_plate
from shared.schemas.drivers import (
    PaymentMethodCreate,
    PaymentMethodList,
    PaymentMethodOut,
    VehicleCreate,
    VehicleList,
    VehicleOut,
)

MAX_TYPED_PLATE_LENGTH = 40  # the stored display form (Vehicle.plate); normalised it is at most 20


def vehicle_out(vehicle: Vehicle) -> VehicleOut:
    return VehicleOut(
        id=str(vehicle.id),
        license_plate=vehicle.plate,
        plate_normalized=vehicle.plate_normalized,
        is_default=vehicle.is_default,
        created_at=vehicle.created_at,
    )


def payment_method_out(method: PaymentMethod) -> PaymentMethodOut:
    return PaymentMethodOut(
        id=str(method.id),
        brand=method.brand,
        last4=method.last4,
        exp_month=method.exp_month,
        exp_year=method.exp_year,
        is_default=method.is_default,
        created_at=method.created_at,
    )


def _duplicate_vehicle(typed: str) -> ConflictError:
    return ConflictError(f"The plate '{typed}' is already one of your vehicles.", ErrorCode.duplicate_vehicle)


async def list_vehicles(driver: Driver) -> VehicleList:
    vehicles = await VehicleRepository(driver.id).list()
    return VehicleList(items=[vehicle_out(v) for v in vehicles], count=len(vehicles))


async def add_vehicle(driver: Driver, body: VehicleCreate) -> VehicleOut:
    """Register a plate. The same plate twice (as normalised) is a 409; two drivers may share one."""
    typed = body.license_plate
    normalized = normalize_plate(typed)
    if len(typed) > MAX_TYPED_PLATE_LENGTH:
        raise InvalidPlateError(
            f"The licence plate is longer than {MAX_TYPED_PLATE_LENGTH} characters; "
            "enter it as it is written on the car."
        )
    vehicles = VehicleRepository(driver.id)
    if await vehicles.exists(plate_normalized=normalized):
        raise _duplicate_vehicle(typed)
    try:
        async with in_transaction():
            vehicle = await Vehicle.create(
                driver_id=driver.id,
                plate=typed,
                plate_normalized=normalized,
                is_default=not await vehicles.exists(),
            )
    except IntegrityError:  # the same plate added twice at once
        raise _duplicate_vehicle(typed) from None
    return vehicle_out(vehicle)


async def _delete(repository: DriverRepository, object_id: str) -> None:
    found = await repository.get(object_id)
    async with in_transaction():
        await repository.query().filter(pk=found.pk).delete()
        if found.is_default:
            await repository.promote_oldest_if_no_default()


async def _make_default(repository: DriverRepository, object_id: str):
    found = await repository.get(object_id)
    async with in_transaction():
        await repository.make_default(found.pk)
    return await repository.get(found.pk)


async def delete_vehicle(driver: Driver, vehicle_id: str) -> None:
    """Remove a plate; when it was the default, the oldest remaining vehicle becomes the default."""
    await _delete(VehicleRepository(driver.id), vehicle_id)


async def make_default_vehicle(driver: Driver, vehicle_id: str) -> VehicleOut:
    return vehicle_out(await _make_default(VehicleRepository(driver.id), vehicle_id))


async def list_payment_methods(driver: Driver) -> PaymentMethodList:
    methods = await PaymentMethodRepository(driver.id).list()
    return PaymentMethodList(items=[payment_method_out(m) for m in methods], count=len(methods))


def _check_not_expired(card: CardDetails, now: datetime) -> None:
    if card.exp_year is None or card.exp_month is None:
        return
    if (card.exp_year, card.exp_month) < (now.year, now.month):
        raise ParkflowError(
            f"This card expired in {card.exp_month:02d}/{card.exp_year}; add a valid card.",
            ErrorCode.validation_error,
        )


async def add_payment_method(
    driver: Driver, body: PaymentMethodCreate, gateways: GatewayRegistry
) -> PaymentMethodOut:
    """Save a processor token with the card's display details (from the processor, never from the
    client). Declines happen when the card is charged, not here. The token's shape picks the
    processor (`pm_...` Stripe, `tok_...` the sandbox), else the configured default."""
    gateway = gateways.for_new_token(body.token)
    card = await gateway.describe_token(body.token)
    _check_not_expired(card, datetime.now(UTC))
    methods = PaymentMethodRepository(driver.id)
    async with in_transaction():
        method = await PaymentMethod.create(
            driver_id=driver.id,
            gateway=gateway.name,
            processor_token=body.token,
            brand=card.brand,
            last4=card.last4,
            exp_month=card.exp_month,
            exp_year=card.exp_year,
            is_default=not await methods.exists(),
        )
    return payment_method_out(method)


async def delete_payment_method(driver: Driver, method_id: str) -> None:
    """Forget a payment method; when it was the default, the oldest remaining one takes over."""
    await _delete(PaymentMethodRepository(driver.id), method_id)


async def make_default_payment_method(driver: Driver, method_id: str | UUID) -> PaymentMethodOut:
    return payment_method_out(await _make_default(PaymentMethodRepository(driver.id), str(method_id)))
