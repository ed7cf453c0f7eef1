"""Invoice queries, always within one operator (another operator's invoice is a 404)."""

from datetime import datetime
from uuid import UUID

from tortoise.queryset import QuerySet

from backend.kit.errors import NotFoundError
from backend.kit.repository import TenantRepository, parse_uuid
from backend.models import Invoice
from shared.schemas.admin_invoices import InvoiceStatus


class InvoiceRepository(TenantRepository[Invoice]):
    model = Invoice
    label = "invoice"

    def _loaded(self, query: QuerySet[Invoice]) -> QuerySet[Invoice]:
        return query.select_related("stay__facility__tenant", "driver")

    async def detail(self, invoice_id: str | UUID) -> Invoice:
        pk = parse_uuid(invoice_id, self.label)
        found = await self._loaded(self.query().filter(id=pk)).first()
        if found is None:
            raise NotFoundError(f"No invoice with id '{invoice_id}'.")
        return found

    def search(
        self, *, status: InvoiceStatus | None, plate_prefix: str | None, overdue: bool | None, now: datetime
    ) -> QuerySet[Invoice]:
        query = self.query()
        if status is not None:
            query = query.filter(status=status.value)
        if plate_prefix:
            query = query.filter(stay__plate_normalized__startswith=plate_prefix)
        if overdue is True:
            query = query.filter(status=InvoiceStatus.issued.value, due_at__lt=now)
        elif overdue is False:
            query = query.exclude(status=InvoiceStatus.issued.value, due_at__lt=now)
        return query

    async def page(self, query: QuerySet[Invoice], limit: int, offset: int) -> list[Invoice]:
        return await self._loaded(query).order_by("-number").offset(offset).limit(limit)


async def live_invoice(stay_id: UUID) -> Invoice | None:
    """The stay's invoice that counts (issued or paid), if any."""
    return await Invoice.filter(stay_id=stay_id, live_slot="live").first()
