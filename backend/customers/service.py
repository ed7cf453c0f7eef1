"""Customer lookup: find a driver or a plate, and everything they did at this operator."""

from typing import Any
from uuid import UUID

from tortoise.expressions import F, Q
from tortoise.functions import Coalesce

from backend.auth.dependencies import OperatorContext
from backend.customers import repository
from backend.kit.errors import NotFoundError
from backend.kit.repository import parse_uuid
from backend.models import Driver, ParkingPass, ParkingSession, Payment, Stay, Ticket, Vehicle
from shared.plates import InvalidPlateError, normalize_plate
from shared.schemas.admin_customers import (
    Balance,
    CustomerDetail,
    CustomerDriverRef,
    CustomerHit,
    CustomerKind,
    CustomerPass,
    CustomerPayment,
    CustomerSearch,
    CustomerSession,
    CustomerStay,
    CustomerTicket,
)
from shared.schemas.support import TicketKind, TicketStatus

LATEST = 50  # stays, sessions and payments shown
MAX_PASSES_AND_TICKETS = 200


def _plate_or_none(text: str) -> str | None:
    try:
        return normalize_plate(text)
    except InvalidPlateError:
        return None


async def _plates_by_driver(driver_ids: list[str]) -> dict[str, list[str]]:
    plates: dict[str, list[str]] = {i: [] for i in driver_ids}
    rows = (
        await Vehicle.filter(driver_id__in=driver_ids)
        .order_by("created_at")
        .values_list("driver_id", "plate")
    )
    for driver_id, plate in rows:
        plates[str(driver_id)].append(plate)
    return plates


async def search(ctx: OperatorContext, text: str, limit: int) -> CustomerSearch:
    """Drivers with anything here whose e-mail or name contains `text` or whose plate begins with
    it, then plates seen here without a linked driver account."""
    tenant_id = ctx.tenant_id
    text = text.strip()
    plate = _plate_or_none(text)
    drivers = await repository.matching_drivers(tenant_id, text, plate, limit)
    ids = [str(row["id"]) for row in drivers]
    plates = await _plates_by_driver(ids)
    hits = [
        CustomerHit(
            kind=CustomerKind.driver,
            driver_id=str(row["id"]),
            email=row["email"],
            name=row["name"],
            plates=plates[str(row["id"])],
        )
        for row in drivers
    ]
    if plate is not None and len(hits) < limit:
        for shown, last_seen_at in await repository.unlinked_plates(tenant_id, plate, limit - len(hits)):
            hits.append(CustomerHit(kind=CustomerKind.plate, plates=[shown], last_seen_at=last_seen_at))
    return CustomerSearch(items=hits)


def _stay(stay: Stay) -> CustomerStay:
    return CustomerStay(
        id=str(stay.id),
        facility=stay.facility.slug,
        plate=stay.plate,
        status=stay.status,
        entered_at=stay.entered_at,
        exited_at=stay.exited_at,
        total_amount=stay.total_amount,
        paid_amount=stay.paid_amount,
        currency=stay.currency,
    )


def _session(session: ParkingSession) -> CustomerSession:
    return CustomerSession(
        id=str(session.id),
        facility=session.facility.slug,
        plate=session.plate,
        status=session.status,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        stopped_at=session.stopped_at,
        total_amount=session.total_amount,
        refunded_amount=session.refunded_amount,
        currency=session.currency,
    )


def _pass(item: ParkingPass) -> CustomerPass:
    return CustomerPass(
        id=str(item.id),
        facility=item.facility.slug,
        product=item.product.slug,
        plate=item.plate,
        status=item.status,
        valid_from=item.valid_from,
        valid_until=item.valid_until,
        amount=item.amount,
        currency=item.currency,
    )


def _ticket(ticket: Ticket) -> CustomerTicket:
    return CustomerTicket(
        number=ticket.number,
        subject=ticket.subject,
        kind=TicketKind(ticket.kind),
        status=TicketStatus(ticket.status),
        outcome=ticket.outcome,
        created_at=ticket.created_at,
    )


def _payment(payment: Payment) -> CustomerPayment:
    return CustomerPayment(
        id=str(payment.id),
        purpose=payment.purpose,
        status=payment.status,
        amount=payment.amount,
        refunded_amount=payment.refunded_amount,
        currency=payment.currency,
        created_at=payment.created_at,
    )


async def _records(tenant_id: UUID, mine: dict[str, Any], tickets: Q, payments: Q) -> dict[str, Any]:
    """The lists of a customer: `mine` selects their stays, sessions and passes."""
    stays = (
        await Stay.filter(tenant_id=tenant_id, **mine)
        .annotate(seen_at=Coalesce("entered_at", F("exited_at")))
        .order_by("-seen_at")
        .limit(LATEST)
        .select_related("facility")
    )
    sessions = (
        await ParkingSession.filter(tenant_id=tenant_id, **mine)
        .order_by("-starts_at")
        .limit(LATEST)
        .select_related("facility")
    )
    passes = (
        await ParkingPass.filter(tenant_id=tenant_id, **mine)
        .order_by("-valid_from")
        .limit(MAX_PASSES_AND_TICKETS)
        .select_related("facility", "product")
    )
    found_tickets = (
        await Ticket.filter(tickets, tenant_id=tenant_id)
        .order_by("-created_at")
        .limit(MAX_PASSES_AND_TICKETS)
    )
    found_payments = await Payment.filter(payments, tenant_id=tenant_id).order_by("-created_at").limit(LATEST)
    return {
        "stays": [_stay(s) for s in stays],
        "sessions": [_session(s) for s in sessions],
        "passes": [_pass(p) for p in passes],
        "tickets": [_ticket(t) for t in found_tickets],
        "payments": [_payment(p) for p in found_payments],
    }


def _balance(ctx: OperatorContext, owed: int, paid: int) -> Balance:
    assert ctx.tenant is not None
    return Balance(owed_amount=owed, paid_amount=paid, currency=ctx.tenant.currency)


async def driver_detail(ctx: OperatorContext, driver_id: str) -> CustomerDetail:
    tenant_id = ctx.tenant_id
    pk = parse_uuid(driver_id, "customer")
    driver = await Driver.get_or_none(id=pk)
    # A driver who never dealt with this operator is none of its business: the same 404 as no driver.
    if driver is None or not await repository.is_related(tenant_id, pk):
        raise NotFoundError(f"No customer with id '{driver_id}'.")
    plates = await Vehicle.filter(driver_id=pk).order_by("created_at").values_list("plate", flat=True)
    owed, paid = await repository.balance(tenant_id, driver_id=pk)
    records = await _records(tenant_id, {"driver_id": pk}, Q(driver_id=pk), Q(driver_id=pk))
    return CustomerDetail(
        kind=CustomerKind.driver,
        driver_id=str(driver.id),
        email=driver.email,
        name=driver.name,
        plates=list(plates),
        balance=_balance(ctx, owed, paid),
        **records,
    )


async def plate_detail(ctx: OperatorContext, raw_plate: str) -> CustomerDetail:
    tenant_id = ctx.tenant_id
    plate = normalize_plate(raw_plate)
    shown = await repository.plate_seen(tenant_id, plate)
    if shown is None:
        raise NotFoundError(f"The plate '{raw_plate}' was never seen at this operator.")
    driver_ids = await repository.plate_driver_ids(tenant_id, plate)
    drivers = await Driver.filter(id__in=driver_ids).order_by("email")
    owed, paid = await repository.balance(tenant_id, plate=plate)
    tickets = Q(stay__plate_normalized=plate) | Q(session__plate_normalized=plate)
    payments = (
        Q(stay__plate_normalized=plate)
        | Q(session__plate_normalized=plate)
        | Q(parking_pass__plate_normalized=plate)
    )
    records = await _records(tenant_id, {"plate_normalized": plate}, tickets, payments)
    return CustomerDetail(
        kind=CustomerKind.plate,
        plates=[shown],
        drivers=[CustomerDriverRef(driver_id=str(d.id), email=d.email, name=d.name) for d in drivers],
        balance=_balance(ctx, owed, paid),
        **records,
    )
