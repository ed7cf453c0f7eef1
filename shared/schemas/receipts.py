"""A driver's receipts: one per money movement (`GET /api/v1/me/receipts`, `.../receipts/{id}`).

A *charge* receipt is a payment the driver made: a session start, an extension, a stay charged at
the exit or paid in the app, a pass. A *refund* receipt is money given back on one of those charges
(stopping a session early): its amounts are negative, so the totals of all receipts add up to what
the driver actually paid. Amounts are minor units beside `currency`.
"""

from enum import StrEnum

from pydantic import Field

from shared.schemas.common import AwareDatetime, ContractModel
from shared.schemas.stays import FacilityRef


class ReceiptKind(StrEnum):
    charge = "charge"
    refund = "refund"


class ReceiptStatus(StrEnum):
    captured = "captured"
    refunded = "refunded"
    failed = "failed"


class ReceiptPurpose(StrEnum):
    session = "session"
    extension = "extension"
    stay = "stay"
    stay_prepay = "stay_prepay"
    parking_pass = "pass"  # noqa: S105 (a purpose, not a password)


class ReceiptLine(ContractModel):
    label: str = Field(examples=["Parking"])
    amount: int = Field(description="Minor units; negative for money given back", examples=[225])


class CardRef(ContractModel):
    brand: str = Field(examples=["Visa"])
    last4: str = Field(examples=["4242"])


class ReceiptOut(ContractModel):
    id: str = Field(
        description="The payment's id for a charge; the payment's id + `-refund` for its refund",
        examples=["0b7e4b8e-3c1a-4a43-9a3e-6f1f2d4c9a10"],
    )
    number: str = Field(description="As printed on the e-mailed receipt", examples=["PF-0B7E4B8E"])
    kind: ReceiptKind = Field(examples=["charge"])
    purpose: ReceiptPurpose = Field(
        description="What the money was for: session start, extension, stay (charged at the exit), "
        "stay_prepay (a stay paid in the app), pass",
        examples=["session"],
    )
    description: str = Field(examples=["Parking session"])
    status: ReceiptStatus = Field(
        description="captured: paid; refunded: a charge given back in full, or a refund; failed: the "
        "card was refused and nothing was charged",
        examples=["captured"],
    )
    occurred_at: AwareDatetime = Field(description="When the money moved", examples=["2026-03-30T14:23:00Z"])
    operator: str = Field(description="Who was paid", examples=["Helsinki Parking Oy"])
    facility: FacilityRef | None = Field(description="Null only if the facility's record is gone")
    timezone: str = Field(
        description="The facility's time zone, for showing local times", examples=["Europe/Helsinki"]
    )
    license_plate: str | None = Field(examples=["ABC-123"])
    period_start: AwareDatetime | None = Field(examples=["2026-03-30T14:23:00Z"])
    period_end: AwareDatetime | None = Field(examples=["2026-03-30T15:23:00Z"])
    lines: list[ReceiptLine] = Field(
        description="Parking (or the pass), service fee and total for a charge; the refund and total "
        "(negative) for a refund"
    )
    total_amount: int = Field(description="Negative for a refund", examples=[231])
    refunded_amount: int = Field(
        description="Of a charge: how much of it was given back later (see its refund receipt)", examples=[0]
    )
    currency: str = Field(examples=["EUR"])
    card: CardRef | None = Field(description="Null when the card was removed since")
    session_id: str | None = Field(default=None, examples=["7d7c3a52-1b8e-4a57-8f0e-2f1c9b7e6a11"])
    stay_id: str | None = Field(default=None, examples=[None])
    pass_id: str | None = Field(default=None, examples=[None])
    failure_reason: str | None = Field(default=None, description="Why a failed charge was refused")


class ReceiptPage(ContractModel):
    items: list[ReceiptOut] = Field(description="Newest first")
    limit: int = Field(examples=[20])
    offset: int = Field(examples=[0])
    next_offset: int | None = Field(
        description="The offset of the next page; null on the last one", examples=[20]
    )
