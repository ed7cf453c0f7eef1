"""Short-lived signed links to an invoice's printable page.

A browser tab cannot carry the operator's bearer token, so the admin view asks for a link (signed with
the API's secret, valid `PRINT_LINK_TTL`, for one invoice of one operator) and opens it in a new tab,
where the page has a Print button ("Save as PDF" in the print dialog).
"""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode
from uuid import UUID

from backend.auth.dependencies import OperatorContext
from backend.invoices import print_page
from backend.invoices.repository import InvoiceRepository
from backend.kit.errors import AuthenticationError, NotFoundError
from backend.kit.services import AppServices
from shared.errors import ErrorCode
from shared.schemas.admin_invoices import InvoicePrintLink

PRINT_LINK_TTL = timedelta(minutes=10)
PRINT_PATH = "/api/v1/invoices/print"


async def issue(services: AppServices, ctx: OperatorContext, invoice_id: str) -> InvoicePrintLink:
    """A link to this operator's invoice (404 for anyone else's)."""
    invoice = await InvoiceRepository(ctx.tenant_id).detail(invoice_id)
    issued_at = datetime.now(UTC).replace(microsecond=0)
    token, seconds = services.tokens.issue(
        str(invoice.id), "invoice_print", PRINT_LINK_TTL, {"tid": str(ctx.tenant_id)}
    )
    base = services.settings.public_base_url.rstrip("/")
    url = f"{base}{PRINT_PATH}?{urlencode({'token': token})}"
    return InvoicePrintLink(url=url, expires_at=issued_at + timedelta(seconds=seconds))


async def page(services: AppServices, token: str) -> str:
    """The printable page a link points to; AuthenticationError for an expired or forged link."""
    try:
        claims = services.tokens.verify(token, "invoice_print")
        tenant_id = UUID(claims.extra["tid"])
    except (AuthenticationError, KeyError, ValueError):
        raise AuthenticationError(
            "This print link has expired or is not valid. Open the invoice in the admin view and press "
            "Print again.",
            ErrorCode.invalid_token,
        ) from None
    try:
        invoice = await InvoiceRepository(tenant_id).detail(claims.subject)
    except NotFoundError:
        raise NotFoundError("This invoice no longer exists.") from None
    return print_page.render(invoice)
