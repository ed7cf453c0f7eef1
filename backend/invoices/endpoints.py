"""`/api/v1/admin/invoices` and `POST /api/v1/admin/stays/{id}/invoice`: invoices for unpaid stays.

Operators and tenant admins (super admins via X-Tenant); enforcement users are refused (403).
"""

from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from fastapi.responses import HTMLResponse

from backend.auth.dependencies import READ_ONLY, TenantOperator
from backend.invoices import print_links, print_page, service
from backend.kit.errors import AuthenticationError, NotFoundError
from backend.kit.openapi import errors
from backend.kit.services import Services
from shared.schemas.admin_invoices import (
    InvoiceCreate,
    InvoiceOut,
    InvoicePage,
    InvoicePayment,
    InvoicePrintLink,
    InvoiceStatus,
    InvoiceVoid,
)

router = APIRouter(prefix="/api/v1/admin", tags=["admin: invoices"])
# The printable page a signed link opens in a browser tab (no bearer token there).
print_router = APIRouter(tags=["admin: invoices"])


@router.post(
    "/stays/{stay_id}/invoice",
    status_code=status.HTTP_201_CREATED,
    response_model=InvoiceOut,
    responses=errors(401, 403, 404, 409, 422),
)
async def issue_invoice(ctx: TenantOperator, stay_id: str, body: InvoiceCreate) -> InvoiceOut:
    """Invoice what an ended, unpaid stay still owes (its price less what was paid), numbered
    `INV-000001` onwards per operator. A stay still inside, being charged, or owing nothing is a 409;
    so is a second invoice while one is issued or paid (void it first)."""
    return await service.issue(ctx, stay_id, body)


@router.get("/invoices", response_model=InvoicePage, responses=errors(401, 403, 422))
async def list_invoices(
    ctx: TenantOperator,
    invoice_status: Annotated[
        InvoiceStatus | None,
        Query(alias="status", description="Only invoices in this state", examples=["issued"]),
    ] = None,
    plate: Annotated[
        str | None,
        Query(
            max_length=40, description="Plates starting with this (compared normalised)", examples=["ABC1"]
        ),
    ] = None,
    overdue: Annotated[
        bool | None, Query(description="`true`: only issued ones past their due date", examples=[True])
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="How many to skip")] = 0,
) -> InvoicePage:
    """The operator's invoices, newest (highest number) first, a page at a time (`total` counts all)."""
    return await service.list_invoices(
        ctx, status=invoice_status, plate=plate, overdue=overdue, limit=limit, offset=offset
    )


@router.get("/invoices/{invoice_id}", response_model=InvoiceOut, responses=errors(401, 403, 404))
async def get_invoice(ctx: TenantOperator, invoice_id: str) -> InvoiceOut:
    """One invoice with the stay it bills."""
    return await service.get_invoice(ctx, invoice_id)


@router.post(
    "/invoices/{invoice_id}/mark-paid", response_model=InvoiceOut, responses=errors(401, 403, 404, 409, 422)
)
async def mark_invoice_paid(ctx: TenantOperator, invoice_id: str, body: InvoicePayment) -> InvoiceOut:
    """Record that an issued invoice was paid (a bank transfer, cash): the stay becomes paid. A paid or
    void invoice is a 409, as is a stay paid meanwhile in the app (void the invoice instead)."""
    return await service.mark_paid(ctx, invoice_id, body)


@router.post(
    "/invoices/{invoice_id}/void", response_model=InvoiceOut, responses=errors(401, 403, 404, 409, 422)
)
async def void_invoice(ctx: TenantOperator, invoice_id: str, body: InvoiceVoid) -> InvoiceOut:
    """Cancel an issued invoice; the stay can then be invoiced again. A paid invoice cannot be voided
    (409), nor a void one."""
    return await service.void(ctx, invoice_id, body)


@router.get(
    "/invoices/{invoice_id}/print",
    # A plain Response class keeps the documented errors JSON (HTMLResponse would list them as HTML).
    response_class=Response,
    responses={
        200: {"content": {"text/html": {}}, "description": "The invoice as a page to print"},
        **errors(401, 403, 404),
    },
)
async def print_invoice(ctx: TenantOperator, invoice_id: str) -> HTMLResponse:
    """The invoice as a printable page (A4; "Save as PDF" in the browser's print dialog): the
    operator's name, number, dates, plate, facility, entry and exit in the facility's local time, and
    the amounts with the VAT-free total. Paid and void invoices carry a watermark."""
    return HTMLResponse(await service.printable(ctx, invoice_id))


@router.post(
    "/invoices/{invoice_id}/print-link",
    response_model=InvoicePrintLink,
    responses=errors(401, 403, 404),
    openapi_extra=READ_ONLY,  # a super admin's preview may print too
)
async def invoice_print_link(ctx: TenantOperator, services: Services, invoice_id: str) -> InvoicePrintLink:
    """A link to the invoice's printable page that opens in a browser tab without signing in: signed,
    for this one invoice, valid for 10 minutes (`expires_at`)."""
    return await print_links.issue(services, ctx, invoice_id)


@print_router.get(
    print_links.PRINT_PATH,
    response_class=HTMLResponse,
    responses={
        200: {"description": "The invoice as a page to print"},
        # Pages, not JSON: people open the link in a browser tab.
        401: {"content": {"text/html": {}}, "description": "An expired or forged link: a page saying so"},
        404: {"content": {"text/html": {}}, "description": "The invoice no longer exists: a page saying so"},
        **errors(422),
    },
)
async def printed_invoice(
    services: Services,
    token: Annotated[str, Query(min_length=1, max_length=2000, description="From `print-link`")],
) -> HTMLResponse:
    """The page behind a print link (HTML, also when refused: people open it in a browser)."""
    try:
        return HTMLResponse(await print_links.page(services, token))
    except AuthenticationError as exc:
        return HTMLResponse(print_page.refusal(exc.detail), status_code=401)
    except NotFoundError as exc:
        return HTMLResponse(print_page.refusal(exc.detail), status_code=404)
