"""Support tickets and disputes: the driver's side (`/api/v1/me/tickets`) and the operator's
(`/api/v1/admin/tickets`).

A ticket is numbered per operator (`#12`). Statuses: `open` (waiting for the operator), `pending`
(the operator answered; waiting for the driver), `resolved`, `closed`. A driver's message makes it
`open` again; an operator's makes it `pending`. A dispute (of a stay or a prepaid session) is
resolved with an `outcome`: `upheld` (the driver is right) or `rejected`.
"""

from datetime import datetime
from enum import StrEnum
from typing import Literal, Self

from pydantic import BaseModel, Field, model_validator

from shared.schemas.common import ContractModel, EmailAddress
from shared.schemas.stays import FacilityRef


class TicketKind(StrEnum):
    question = "question"
    dispute = "dispute"


class TicketStatus(StrEnum):
    open = "open"
    pending = "pending"
    resolved = "resolved"
    closed = "closed"


class DisputeOutcome(StrEnum):
    upheld = "upheld"
    rejected = "rejected"


class MessageAuthor(StrEnum):
    driver = "driver"
    operator = "operator"
    system = "system"


_SUBJECT = Field(min_length=1, max_length=200, examples=["Charged although I had a pass"])
_BODY = Field(
    min_length=1,
    max_length=5000,
    examples=["I parked at Kamppi P1 on Monday and was charged 6.15 although my monthly pass was valid."],
)


class TicketMessageOut(BaseModel):
    """One chat message. `author_name` is the driver's or the operator user's name (`system`: notes
    such as the resolution)."""

    id: int
    author: MessageAuthor
    author_name: str = Field(examples=["Aino"])
    body: str
    created_at: datetime


# The driver's side


class TicketCreate(ContractModel):
    """Open a ticket about one stay, one prepaid session, or (questions only) a facility."""

    subject: str = _SUBJECT
    body: str = _BODY
    kind: TicketKind = Field(default=TicketKind.question, examples=["dispute"])
    stay_id: str | None = Field(
        default=None,
        description="One of your stays (as listed by GET /sessions)",
        examples=["0b7e4b8e-3c1a-4a43-9a3e-6f1f2d4c9a10"],
    )
    session_id: str | None = Field(
        default=None,
        description="One of your prepaid sessions",
        examples=["7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"],
    )
    facility: str | None = Field(
        default=None, max_length=64, description="A facility by slug (questions only)", examples=["kamppi-p1"]
    )

    @model_validator(mode="after")
    def _one_subject_matter(self) -> Self:
        given = [name for name in ("stay_id", "session_id", "facility") if getattr(self, name)]
        if len(given) != 1:
            raise ValueError(
                "say what the ticket is about: give exactly one of 'stay_id', 'session_id' or 'facility'"
            )
        if self.kind is TicketKind.dispute and self.facility:
            raise ValueError("a dispute is about a stay or a session: give 'stay_id' or 'session_id'")
        return self


class MessageCreate(ContractModel):
    body: str = _BODY


class DriverTicketSummary(BaseModel):
    """A ticket as its driver sees it (no internal fields)."""

    id: str = Field(
        description="Use this id in /me/tickets/{id}", examples=["6d1c2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"]
    )
    number: int = Field(description="The operator's ticket number (#12)", examples=[12])
    operator: str = Field(description="The operator's name", examples=["Helsinki Parking Oy"])
    subject: str
    kind: TicketKind
    status: TicketStatus
    outcome: DisputeOutcome | None = None
    facility: FacilityRef | None = None
    license_plate: str | None = None
    stay_id: str | None = None
    session_id: str | None = None
    created_at: datetime
    last_message_at: datetime
    resolved_at: datetime | None = None


class DriverTicket(DriverTicketSummary):
    resolution: str | None = Field(default=None, description="The operator's answer when resolved")
    messages: list[TicketMessageOut] = Field(description="Oldest first")


class DriverTicketList(BaseModel):
    items: list[DriverTicketSummary] = Field(description="Latest activity first")


# The operator's side


class AdminTicketRow(BaseModel):
    number: int = Field(examples=[12])
    id: str
    subject: str
    kind: TicketKind
    status: TicketStatus
    outcome: DisputeOutcome | None = None
    driver_id: str | None = None
    driver_email: str | None = Field(default=None, description="Null once the driver deleted the account")
    driver_name: str | None = None
    plate: str | None = Field(default=None, examples=["ABC-123"])
    facility: str | None = Field(default=None, description="Facility slug", examples=["kamppi-p1"])
    facility_name: str | None = None
    assignee: str | None = Field(default=None, description="The assigned user's e-mail")
    created_at: datetime
    last_message_at: datetime
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None


class AdminTicketPage(BaseModel):
    items: list[AdminTicketRow]
    total: int = Field(description="Matches of the filters, all pages")
    limit: int
    offset: int


class CheckEvidence(BaseModel):
    """One enforcement check of the plate: `at` is the moment asked about, `checked_at` when."""

    id: int
    checked_at: datetime
    at: datetime
    plate: str
    facility: str | None
    status: str = Field(examples=["parked_unpaid"])
    should_fine: bool
    key_name: str | None = Field(default=None, description="The enforcement key (device) that asked")


class StayEventEvidence(BaseModel):
    event: str = Field(examples=["entry"])
    occurred_at: datetime
    outcome: str
    source: str
    image_url: str | None = None


class PaymentEvidence(BaseModel):
    id: str
    purpose: str
    status: str
    amount: int
    refunded_amount: int
    currency: str
    created_at: datetime
    covers_until: datetime | None = None
    failure_reason: str | None = None


class InvoiceRef(BaseModel):
    number: str = Field(examples=["INV-000042"])
    status: str = Field(examples=["issued"])
    amount: int
    currency: str


class StayEvidence(BaseModel):
    id: str
    status: str
    plate: str
    entered_at: datetime | None
    exited_at: datetime | None
    free_until: datetime | None
    paid_until: datetime | None
    total_amount: int
    paid_amount: int
    currency: str
    failure_reason: str | None = None
    events: list[StayEventEvidence]
    payments: list[PaymentEvidence]
    invoice: InvoiceRef | None = Field(default=None, description="The invoice that counts (issued or paid)")


class SessionEvidence(BaseModel):
    id: str
    status: str
    plate: str
    starts_at: datetime
    ends_at: datetime
    stopped_at: datetime | None
    total_amount: int
    refunded_amount: int
    currency: str
    payments: list[PaymentEvidence]


class Evidence(BaseModel):
    """What the platform knows about the disputed stay or session: the enforcement checks of the plate
    at the facility from an hour before to an hour after it (by the moment each check asked about),
    and the stay's events and payments or the session's times."""

    window_from: datetime
    window_until: datetime
    checks: list[CheckEvidence] = Field(description="Oldest first")
    stay: StayEvidence | None = None
    session: SessionEvidence | None = None


class AdminTicket(AdminTicketRow):
    stay_id: str | None = None
    session_id: str | None = None
    resolution: str | None = None
    messages: list[TicketMessageOut] = Field(description="Oldest first")
    evidence: Evidence | None = Field(default=None, description="For tickets about a stay or a session")


class TicketPatch(ContractModel):
    """Change the status or the assignee; only the fields sent change. `resolved` is reached through
    POST /resolve; a closed ticket is reopened by sending a message."""

    status: Literal["open", "pending", "closed"] | None = Field(default=None, examples=["pending"])
    assignee_email: EmailAddress | None = Field(
        default=None, description="A user of this operator; null unassigns", examples=["ops@example.test"]
    )
    assign_to_me: bool | None = Field(default=None, examples=[True])

    @model_validator(mode="after")
    def _one_assignee(self) -> Self:
        if self.assign_to_me and "assignee_email" in self.model_fields_set:
            raise ValueError("send either 'assignee_email' or 'assign_to_me', not both")
        return self


class TicketResolve(ContractModel):
    resolution: str = Field(
        min_length=1,
        max_length=5000,
        description="The answer, shown to the driver",
        examples=["Your pass was valid; we voided the invoice."],
    )
    outcome: DisputeOutcome | None = Field(default=None, description="Disputes only, required there")
    refund: bool = Field(
        default=False,
        description="Upheld disputes only: refund what the driver paid for the stay or session, to the "
        "card they paid with (started at once, retried until the card network confirms)",
        examples=[True],
    )


class RefundDue(BaseModel):
    """Money the driver paid for the disputed stay or session: refunding it is the operator's next step."""

    payment_ids: list[str]
    amount: int
    currency: str


class TicketResolution(BaseModel):
    ticket: AdminTicket
    voided_invoice: str | None = Field(default=None, description="The invoice voided by an upheld dispute")
    refund_due: RefundDue | None = None
    refund_started: bool = Field(
        default=False, description="`refund_due` is being refunded (asked for with `refund: true`)"
    )
    next_step: str | None = Field(default=None, examples=["Refund 6.15 EUR (payment ...) to the driver."])


class DurationFigures(BaseModel):
    count: int = Field(description="Tickets with this moment reached")
    median_minutes: float | None = None
    p90_minutes: float | None = None


class TargetFigures(BaseModel):
    target_minutes: int
    met: int = Field(description="Answered within the target")
    missed: int = Field(description="Answered late, or still unanswered past the target")
    share: float | None = Field(default=None, description="met / (met + missed), 0..1; null when both are 0")


class SlaFigures(BaseModel):
    """Tickets created in the last `days` days."""

    days: int
    since: datetime
    until: datetime
    total: int
    by_status: dict[TicketStatus, int]
    first_response: DurationFigures
    resolution: DurationFigures
    first_response_target: TargetFigures
