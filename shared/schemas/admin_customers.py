"""Customer lookup for operators (`/api/v1/admin/customers`): who parked here, what they owe.

A customer is a driver account with anything at this operator (a stay, a session, a pass, a ticket
or a payment), or a plate seen here that no driver account is linked to at this operator. Drivers who
only ever dealt with other operators are never shown.
"""

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from shared.schemas.support import TicketKind, TicketStatus


class CustomerKind(StrEnum):
    driver = "driver"
    plate = "plate"


class CustomerHit(BaseModel):
    """A search result: a driver account (`driver_id`, open with /customers/{driver_id}) or a plate
    without one (open with /customers/plates/{plate})."""

    kind: CustomerKind
    driver_id: str | None = None
    email: str | None = None
    name: str | None = None
    plates: list[str] = Field(
        description="The driver's registered plates, or the plate itself", examples=[["ABC-123"]]
    )
    last_seen_at: datetime | None = Field(
        default=None, description="Plates: the latest entry, session start or pass start here"
    )


class CustomerSearch(BaseModel):
    items: list[CustomerHit] = Field(description="Drivers by e-mail, then plates")


class Balance(BaseModel):
    """`owed_amount`: what is unpaid here: each unpaid stay's total minus what was paid on it, or, when
    the stay has an invoice that counts, the invoice instead (issued: its amount; paid: nothing). Stays
    waived by an upheld dispute owe nothing. `paid_amount`: all captured payments here, less refunds."""

    owed_amount: int
    paid_amount: int
    currency: str


class CustomerStay(BaseModel):
    id: str
    facility: str
    plate: str
    status: str
    entered_at: datetime | None
    exited_at: datetime | None
    total_amount: int
    paid_amount: int
    currency: str


class CustomerSession(BaseModel):
    id: str
    facility: str
    plate: str
    status: str
    starts_at: datetime
    ends_at: datetime
    stopped_at: datetime | None
    total_amount: int
    refunded_amount: int
    currency: str


class CustomerPass(BaseModel):
    id: str
    facility: str
    product: str
    plate: str
    status: str
    valid_from: datetime
    valid_until: datetime
    amount: int
    currency: str


class CustomerTicket(BaseModel):
    number: int
    subject: str
    kind: TicketKind
    status: TicketStatus
    outcome: str | None
    created_at: datetime


class CustomerPayment(BaseModel):
    id: str
    purpose: str
    status: str
    amount: int
    refunded_amount: int
    currency: str
    created_at: datetime


class CustomerDriverRef(BaseModel):
    driver_id: str
    email: str
    name: str


class CustomerDetail(BaseModel):
    """A customer at this operator: latest 50 stays, sessions and payments; every pass and ticket."""

    kind: CustomerKind
    driver_id: str | None = None
    email: str | None = None
    name: str | None = None
    plates: list[str] = Field(description="Registered plates (drivers) or the plate itself")
    drivers: list[CustomerDriverRef] = Field(
        default_factory=list, description="Plates: the driver accounts linked to some of its visits here"
    )
    balance: Balance
    stays: list[CustomerStay] = Field(description="Newest first")
    sessions: list[CustomerSession] = Field(description="Newest first")
    passes: list[CustomerPass] = Field(description="Newest first")
    tickets: list[CustomerTicket] = Field(description="Newest first; disputes included")
    payments: list[CustomerPayment] = Field(description="Newest first")
