"""Invoices for unpaid stays (`/api/v1/admin/invoices`, `POST /api/v1/admin/stays/{id}/invoice`)."""

from enum import StrEnum

from pydantic import Field

from shared.schemas.admin_records import NO_NUL, RecordFacility
from shared.schemas.common import AwareDatetime, ContractModel


class InvoiceStatus(StrEnum):
    """`issued` (owed), `paid` (marked paid by the operator), `void` (cancelled; the stay may be
    invoiced again)."""

    issued = "issued"
    paid = "paid"
    void = "void"


class InvoiceCreate(ContractModel):
    bill_to: str | None = Field(
        default=None,
        max_length=300,
        pattern=NO_NUL,
        description="Name and address to bill; left out: the driver's name and e-mail when the stay has one",
        examples=["Aino Virtanen, Mannerheimintie 1, 00100 Helsinki"],
    )
    due_days: int = Field(default=14, ge=1, le=365, description="Days until it is due", examples=[14])


class InvoicePayment(ContractModel):
    reference: str = Field(
        min_length=1,
        max_length=200,
        pattern=NO_NUL,
        description="The bank transfer's reference or receipt",
        examples=["RF18 5390 0754 7034"],
    )


class InvoiceVoid(ContractModel):
    reason: str = Field(
        min_length=3,
        max_length=300,
        pattern=NO_NUL,
        description="Why (kept in the audit log)",
        examples=["Issued to the wrong plate"],
    )


class InvoiceOut(ContractModel):
    """An invoice and what it bills: the stay's parking and service fee, less what was paid before."""

    id: str = Field(examples=["4d7c2e0a-9b1f-4c39-8f0e-2a6b5c1d3e47"])
    number: str = Field(description="As printed", examples=["INV-000042"])
    sequence: int = Field(description="The operator's running number", examples=[42])
    status: InvoiceStatus = Field(examples=["issued"])
    overdue: bool = Field(description="Issued and past its due date", examples=[False])
    stay_id: str = Field(examples=["0b7e4b8e-3c1a-4a43-9a3e-6f1f2d4c9a10"])
    plate: str = Field(examples=["ABC-123"])
    facility: RecordFacility
    bill_to: str = Field(examples=["Aino Virtanen (aino@example.test)"])
    driver_email: str | None = Field(examples=["aino@example.test"])
    entered_at: AwareDatetime | None = Field(examples=["2026-03-30T10:00:00Z"])
    exited_at: AwareDatetime | None = Field(examples=["2026-03-30T11:05:00Z"])
    parking_amount: int = Field(ge=0, examples=[300])
    service_fee_amount: int = Field(ge=0, examples=[8])
    previously_paid_amount: int = Field(
        ge=0, description="Paid before the invoice (in the app)", examples=[0]
    )
    amount: int = Field(ge=0, description="What the invoice asks for", examples=[308])
    currency: str = Field(examples=["EUR"])
    issued_at: AwareDatetime = Field(examples=["2026-03-31T08:00:00Z"])
    due_at: AwareDatetime = Field(examples=["2026-04-14T08:00:00Z"])
    paid_at: AwareDatetime | None = Field(examples=[None])
    paid_reference: str | None = Field(examples=[None])
    voided_at: AwareDatetime | None = Field(examples=[None])
    void_reason: str | None = Field(examples=[None])


class InvoicePage(ContractModel):
    items: list[InvoiceOut] = Field(description="Newest first")
    total: int = Field(description="All invoices matching the filters", examples=[1])
    limit: int = Field(examples=[50])
    offset: int = Field(examples=[0])


class InvoicePrintLink(ContractModel):
    """A short-lived link to the invoice's printable page, for a browser tab (no sign-in needed)."""

    url: str = Field(
        description="Open it in a browser: the page has a Print button (or 'Save as PDF')",
        examples=["http://127.0.0.1:8000/api/v1/invoices/print?token=eyJhbGciOi..."],
    )
    expires_at: AwareDatetime = Field(
        description="After this the link is refused", examples=["2026-03-30T14:33:00Z"]
    )
