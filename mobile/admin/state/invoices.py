"""Invoices for unpaid stays: the list (status, overdue, plate), marking one paid, voiding one, and
their printable page opened in a new browser tab (a short-lived signed link)."""

from dataclasses import dataclass, field

import flet as ft

from mobile.services.admin_api import HttpAdminApi
from mobile.services.errors import ApiError
from shared.money import format_amount
from shared.schemas.admin_invoices import InvoiceOut, InvoicePage, InvoicePrintLink

PAGE_SIZE = 25
# What the status filter offers: the API's statuses plus `overdue` (issued and past due).
STATUS_FILTERS = ["issued", "overdue", "paid", "void"]


@ft.observable
@dataclass
class InvoicesState:
    api: HttpAdminApi
    items: list[InvoiceOut] = field(default_factory=list)
    total: int = 0
    offset: int = 0
    status: str | None = None
    plate: str = ""
    loading: bool = False
    loaded: bool = False
    error: str | None = None
    notice: str | None = None

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.items) < self.total

    @property
    def has_previous(self) -> bool:
        return self.offset > 0

    @property
    def showing(self) -> str:
        if not self.items:
            return ""
        return f"{self.offset + 1}–{self.offset + len(self.items)} of {self.total}"

    @property
    def empty_message(self) -> str:
        if self.status or self.plate.strip():
            return "No invoices match these filters."
        return "No invoices yet. Issue one from an unpaid stay's timeline in Sessions."

    async def load(self) -> None:
        self.loading = True
        params: dict = {"limit": PAGE_SIZE, "offset": self.offset}
        if self.status == "overdue":
            params["overdue"] = "true"
        elif self.status:
            params["status"] = self.status
        if self.plate.strip():
            params["plate"] = self.plate.strip()
        try:
            page = await self.api.get("/invoices", InvoicePage, **params)
        except ApiError as exc:
            self.error = exc.message
            return
        finally:
            self.loading = False
        self.items, self.total, self.error, self.loaded = page.items, page.total, None, True

    async def set_status(self, status: str | None) -> None:
        self.status, self.offset, self.notice = status or None, 0, None
        await self.load()

    async def search(self, plate: str) -> None:
        self.plate, self.offset, self.notice = plate, 0, None
        await self.load()

    async def next_page(self) -> None:
        if self.has_next:
            self.offset += PAGE_SIZE
            await self.load()

    async def previous_page(self) -> None:
        if self.has_previous:
            self.offset = max(self.offset - PAGE_SIZE, 0)
            await self.load()

    async def mark_paid(self, invoice: InvoiceOut, reference: str) -> bool:
        if not reference.strip():
            self.error = "Type the bank transfer's reference or the receipt number."
            return False
        body = {"reference": reference.strip()}
        amount = format_amount(invoice.amount, invoice.currency)
        return await self._change(
            self.api.send("POST", f"/invoices/{invoice.id}/mark-paid", InvoiceOut, body),
            f"Invoice {invoice.number} marked paid ({amount}); the stay of {invoice.plate} is paid.",
        )

    async def void(self, invoice: InvoiceOut, reason: str) -> bool:
        if len(reason.strip()) < 3:
            self.error = "Say why the invoice is voided (it is kept in the audit log)."
            return False
        return await self._change(
            self.api.send("POST", f"/invoices/{invoice.id}/void", InvoiceOut, {"reason": reason.strip()}),
            f"Invoice {invoice.number} voided; the stay of {invoice.plate} can be invoiced again.",
        )

    async def print_link(self, invoice: InvoiceOut) -> str | None:
        """A short-lived link to the invoice's printable page, for a new browser tab; None after an error."""
        try:
            link = await self.api.send("POST", f"/invoices/{invoice.id}/print-link", InvoicePrintLink)
        except ApiError as exc:
            self.error = exc.message
            return None
        self.error = None
        self.notice = (
            f"Invoice {invoice.number} opened in a new tab: print it there, or choose 'Save as PDF'. "
            "The link works for 10 minutes."
        )
        return link.url

    async def _change(self, call, notice: str) -> bool:
        try:
            await call
        except ApiError as exc:
            self.error = exc.message
            return False
        self.notice, self.error = notice, None
        await self.load()
        return True
