"""Support worlds: two operators (made through the admin API), drivers made through the driver API,
and their stays and sessions inserted as the camera intake and the session flow would leave them."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from backend.models import Driver, Facility, ParkingSession, Payment, PaymentMethod, Stay, Ticket
from backend.payments.gateways.registry import EXTRAS_KEY
from shared.plates import normalize_plate
from tests.backend.admin.conftest import ADMIN, Operator, created, make_operator_world
from tests.backend.helpers import app_of, bearer, driver_token, register_driver

ME = "/api/v1/me/tickets"
TICKETS = f"{ADMIN}/tickets"


@dataclass
class Person:
    driver: Driver
    headers: dict[str, str]


async def make_person(client: httpx.AsyncClient, email: str, plate: str | None = None) -> Person:
    """A driver named after their e-mail (`dora.lindqvist@...` is Dora Lindqvist)."""
    name = email.split("@")[0].replace(".", " ").title()
    assert (await register_driver(client, email, name=name)).status_code == 201
    headers = bearer(await driver_token(client, email))
    if plate is not None:
        response = await client.post("/api/v1/me/vehicles", json={"license_plate": plate}, headers=headers)
        assert response.status_code == 201, response.text
    return Person(await Driver.get(email=email), headers)


@pytest.fixture
async def alpha(client) -> Operator:
    return await make_operator_world(client, "alpha", "alpha-p1", "1234", "alpha-monthly")


@pytest.fixture
async def bravo(client, alpha) -> Operator:
    return await make_operator_world(client, "bravo", "bravo-p1", "1234", "bravo-monthly")


@pytest.fixture
async def aino(client) -> Person:
    return await make_person(client, "aino@example.test", "ABC-123")


@pytest.fixture
async def bo(client) -> Person:
    return await make_person(client, "bo@example.test", "XYZ-987")


async def enforcement_key(client: httpx.AsyncClient, operator: Operator) -> str:
    body = await created(
        await client.post(f"{ADMIN}/api-keys", json={"name": "handheld 7"}, headers=operator.admin)
    )
    return body["key"]


async def add_stay(
    operator: Operator,
    plate: str,
    entered_at: datetime | None,
    *,
    driver: Driver | None = None,
    exited_at: datetime | None = None,
    status: str | None = None,
    total: int = 0,
    paid: int = 0,
    free_minutes: int = 15,
) -> Stay:
    facility = await Facility.get(slug=operator.facility)
    return await Stay.create(
        tenant_id=facility.tenant_id,
        facility=facility,
        driver=driver,
        plate=plate,
        plate_normalized=normalize_plate(plate),
        status=status or ("open" if exited_at is None else "paid"),
        entered_at=entered_at,
        exited_at=exited_at,
        free_until=entered_at + timedelta(minutes=free_minutes) if entered_at else None,
        currency="EUR",
        parking_amount=total,
        total_amount=total,
        paid_amount=paid,
    )


async def add_session(
    operator: Operator,
    plate: str,
    starts_at: datetime,
    minutes: int,
    *,
    driver: Driver | None,
    total: int = 615,
) -> ParkingSession:
    facility = await Facility.get(slug=operator.facility)
    return await ParkingSession.create(
        tenant_id=facility.tenant_id,
        facility=facility,
        driver=driver,
        plate=plate,
        plate_normalized=normalize_plate(plate),
        status="active",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        currency="EUR",
        parking_amount=total,
        total_amount=total,
    )


async def add_payment(
    operator: Operator,
    amount: int,
    *,
    driver: Driver | None = None,
    stay: Stay | None = None,
    session: ParkingSession | None = None,
    status: str = "captured",
    refunded: int = 0,
    key: str,
    purpose: str | None = None,
) -> Payment:
    return await Payment.create(
        tenant_id=operator.tenant.id,
        driver=driver,
        purpose=purpose or ("stay" if stay else "session" if session else "pass"),
        stay=stay,
        session=session,
        idempotency_key=key,
        gateway="sandbox",
        currency="EUR",
        parking_amount=amount,
        amount=amount,
        refunded_amount=refunded,
        status=status,
    )


async def open_ticket(client: httpx.AsyncClient, person: Person, **body) -> dict:
    body = {"subject": "Question", "body": "Hello", **body}
    return await created(await client.post(ME, json=body, headers=person.headers))


def ago(**delta: float) -> datetime:
    return datetime.now(UTC) - timedelta(**delta)


async def set_times(number: int, operator: Operator, **moments: datetime) -> None:
    """Move a ticket's timestamps (SLA figures are about when things happened)."""
    updated = await Ticket.filter(tenant_id=operator.tenant.id, number=number).update(**moments)
    assert updated == 1


async def _card(client, person: Person) -> PaymentMethod:
    response = await client.post(
        "/api/v1/me/payment-methods", json={"token": "tok_visa"}, headers=person.headers
    )
    assert response.status_code == 201, response.text
    return await PaymentMethod.get(driver_id=person.driver.id)


async def charged_payment(client, operator, person: Person, amount: int, key: str, **paid_for) -> Payment:
    """A payment captured on the driver's card through the sandbox gateway, as the charging flow does."""
    card = await PaymentMethod.get_or_none(driver_id=person.driver.id) or await _card(client, person)
    gateway = app_of(client).state.services.extras[EXTRAS_KEY].get("sandbox")
    authorization = await gateway.authorize(card.processor_token, amount, "EUR", key)
    await gateway.capture(authorization.charge_id)
    return await Payment.create(
        tenant_id=operator.tenant.id,
        driver=person.driver,
        payment_method=card,
        purpose="stay" if "stay" in paid_for else "session",
        idempotency_key=key,
        gateway="sandbox",
        charge_id=authorization.charge_id,
        currency="EUR",
        parking_amount=amount,
        amount=amount,
        status="captured",
        **paid_for,
    )
