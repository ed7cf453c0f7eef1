"""Invoices for unpaid stays: issue, mark paid, void, each change audited.

Transitions: `issued` → `paid` (the stay becomes paid with the invoiced amount) or `issued` → `void`
(the stay may be invoiced again). A paid or void invoice never changes again. A stay has at most
one live (issued or paid) invoice: `Invoice.live_slot` is unique with the stay, so two operators
issuing at once get one invoice and one 409.
"""

from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from backend.audit import service as audit
from backend.auth.dependencies import OperatorContext
from backend.invoices import print_page
from backend.invoices.numbers import invoice_number
from backend.invoices.repository import InvoiceRepository, live_invoice
from backend.kit.errors import ConflictError
from backend.models import Invoice, Stay
from backend.records.repository import StayRepository
from backend.records.views import facility_ref
from backend.tenants.counters import next_number
from shared.money import format_amount
from shared.plates import InvalidPlateError, normalize_plate
from shared.schemas.admin_invoices import (
    InvoiceCreate,
    InvoiceOut,
    InvoicePage,
    InvoicePayment,
    InvoiceStatus,
    InvoiceVoid,
)

INVOICEABLE = ("unpaid", "needs_review")


def invoice_out(invoice: Invoice, now: datetime) -> InvoiceOut:
    """`invoice` with its stay, the stay's facility and its driver loaded."""
    stay = invoice.stay
    return InvoiceOut(
        id=str(invoice.id),
        number=invoice_number(invoice.number),
        sequence=invoice.number,
        status=InvoiceStatus(invoice.status),
        overdue=invoice.status == InvoiceStatus.issued and invoice.due_at < now,
        stay_id=str(stay.id),
        plate=invoice.plate,
        facility=facility_ref(stay.facility),
        bill_to=invoice.bill_to,
        driver_email=invoice.driver.email if invoice.driver else None,
        entered_at=stay.entered_at,
        exited_at=stay.exited_at,
        parking_amount=stay.parking_amount,
        service_fee_amount=stay.service_fee_amount,
        previously_paid_amount=max(0, stay.total_amount - invoice.amount),
        amount=invoice.amount,
        currency=invoice.currency,
        issued_at=invoice.issued_at,
        due_at=invoice.due_at,
        paid_at=invoice.paid_at,
        paid_reference=invoice.paid_reference,
        voided_at=invoice.voided_at,
        void_reason=invoice.void_reason,
    )


def _refuse_issue(stay: Stay) -> None:
    if stay.status == "open" or stay.exited_at is None:
        raise ConflictError("The car has not left yet; a stay is invoiced once it has ended.")
    if stay.status == "payment_pending":
        raise ConflictError(
            "The driver's card is being charged for this stay right now; invoice it only if that fails."
        )
    due = stay.total_amount - stay.paid_amount
    if stay.status not in INVOICEABLE or due <= 0:
        raise ConflictError(
            f"Nothing is owed for this stay ({stay.status.replace('_', ' ')}: "
            f"{format_amount(stay.total_amount, stay.currency)} charged, "
            f"{format_amount(stay.paid_amount, stay.currency)} paid); there is nothing to invoice."
        )


def _default_bill_to(stay: Stay) -> str:
    driver = stay.driver
    if driver is None:
        return ""
    return f"{driver.name} ({driver.email})" if driver.name else driver.email


async def issue(ctx: OperatorContext, stay_id: str, body: InvoiceCreate) -> InvoiceOut:
    tenant_id = ctx.tenant_id
    now = datetime.now(UTC)
    async with in_transaction():
        stay = await StayRepository(tenant_id).detail(stay_id)
        await Stay.filter(id=stay.id).select_for_update().first()  # PostgreSQL: wait for a payment or exit
        await stay.refresh_from_db()
        _refuse_issue(stay)
        live = await live_invoice(stay.id)
        if live is not None:
            raise ConflictError(
                f"Invoice {invoice_number(live.number)} is already {live.status} for this stay; void it to "
                "issue a new one."
            )
        number = await next_number(tenant_id, "invoice")
        try:
            async with in_transaction():  # a savepoint: the unique live invoice per stay may be taken
                invoice = await Invoice.create(
                    tenant_id=tenant_id,
                    stay_id=stay.id,
                    driver_id=stay.driver_id,  # type: ignore[attr-defined]
                    number=number,
                    plate=stay.plate,
                    bill_to=(body.bill_to or "").strip() or _default_bill_to(stay),
                    currency=stay.currency,
                    amount=stay.total_amount - stay.paid_amount,
                    status=InvoiceStatus.issued.value,
                    live_slot="live",
                    issued_at=now,
                    due_at=now + timedelta(days=body.due_days),
                )
        except IntegrityError:
            raise ConflictError(
                "Another invoice for this stay was issued at the same moment; reload the stay."
            ) from None
        await audit.record(
            ctx,
            tenant_id,
            "invoice.issued",
            "invoice",
            invoice.id,
            {
                "number": invoice_number(number),
                "stay_id": str(stay.id),
                "plate": stay.plate,
                "amount": invoice.amount,
            },
        )
    return invoice_out(await InvoiceRepository(tenant_id).detail(invoice.id), now)


async def list_invoices(
    ctx: OperatorContext,
    *,
    status: InvoiceStatus | None,
    plate: str | None,
    overdue: bool | None,
    limit: int,
    offset: int,
) -> InvoicePage:
    now = datetime.now(UTC)
    prefix = None
    if plate and plate.strip():
        try:
            prefix = normalize_plate(plate)
        except InvalidPlateError as exc:
            raise InvalidPlateError(f"'plate': {exc.detail}") from None
    repo = InvoiceRepository(ctx.tenant_id)
    query = repo.search(status=status, plate_prefix=prefix, overdue=overdue, now=now)
    total = await query.count()
    invoices = await repo.page(query, limit, offset)
    return InvoicePage(items=[invoice_out(i, now) for i in invoices], total=total, limit=limit, offset=offset)


async def get_invoice(ctx: OperatorContext, invoice_id: str) -> InvoiceOut:
    return invoice_out(await InvoiceRepository(ctx.tenant_id).detail(invoice_id), datetime.now(UTC))


async def printable(ctx: OperatorContext, invoice_id: str) -> str:
    """The invoice as a printable HTML page."""
    return print_page.render(await InvoiceRepository(ctx.tenant_id).detail(invoice_id))


async def _locked(ctx: OperatorContext, invoice_id: str) -> Invoice:
    invoice = await InvoiceRepository(ctx.tenant_id).detail(invoice_id)
    await Invoice.filter(id=invoice.id).select_for_update().first()
    await invoice.refresh_from_db()
    return invoice


def _refuse_change(invoice: Invoice, change: str) -> None:
    number = invoice_number(invoice.number)
    if invoice.status == InvoiceStatus.paid:
        raise ConflictError(
            f"Invoice {number} is already paid (reference {invoice.paid_reference}); it cannot be {change}. "
            "Refund the payer outside Parkflow if it was wrong."
        )
    if invoice.status == InvoiceStatus.void:
        raise ConflictError(f"Invoice {number} is void; it cannot be {change}. Issue a new one for the stay.")


async def mark_paid(ctx: OperatorContext, invoice_id: str, body: InvoicePayment) -> InvoiceOut:
    now = datetime.now(UTC)
    async with in_transaction():
        invoice = await _locked(ctx, invoice_id)
        _refuse_change(invoice, "marked paid")
        stay = invoice.stay
        await Stay.filter(id=stay.id).select_for_update().first()
        await stay.refresh_from_db()
        settled = await Stay.filter(id=stay.id, status__in=INVOICEABLE, paid_amount=stay.paid_amount).update(
            status="paid", paid_amount=stay.paid_amount + invoice.amount, failure_reason=None
        )
        if not settled:
            raise ConflictError(
                f"The stay is {stay.status.replace('_', ' ')} already (paid in the app meanwhile?); "
                f"void invoice {invoice_number(invoice.number)} instead of marking it paid."
            )
        await Invoice.filter(id=invoice.id, status=InvoiceStatus.issued.value).update(
            status=InvoiceStatus.paid.value, paid_at=now, paid_reference=body.reference
        )
        await audit.record(
            ctx,
            ctx.tenant_id,
            "invoice.paid",
            "invoice",
            invoice.id,
            {"number": invoice_number(invoice.number), "reference": body.reference, "amount": invoice.amount},
        )
    return invoice_out(await InvoiceRepository(ctx.tenant_id).detail(invoice.id), now)


async def void(ctx: OperatorContext, invoice_id: str, body: InvoiceVoid) -> InvoiceOut:
    now = datetime.now(UTC)
    async with in_transaction():
        invoice = await _locked(ctx, invoice_id)
        _refuse_change(invoice, "voided")
        await Invoice.filter(id=invoice.id, status=InvoiceStatus.issued.value).update(
            status=InvoiceStatus.void.value, live_slot=None, voided_at=now, void_reason=body.reason
        )
        await audit.record(
            ctx,
            ctx.tenant_id,
            "invoice.voided",
            "invoice",
            invoice.id,
            {"number": invoice_number(invoice.number), "reason": body.reason},
        )
    return invoice_out(await InvoiceRepository(ctx.tenant_id).detail(invoice.id), now)
