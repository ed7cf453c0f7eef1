"""Parking records as operators see them (`/api/v1/admin/sessions`, `/stays/{id}`,
`/parking-sessions/{id}`): one list of camera-detected stays and prepaid sessions, each record's
timeline, and plate corrections."""

from enum import StrEnum

from pydantic import Field

from shared.schemas.common import AwareDatetime, ContractModel

_ID_EXAMPLE = "0b7e4b8e-3c1a-4a43-9a3e-6f1f2d4c9a10"
# Free text is stored as typed; a NUL character cannot be stored in PostgreSQL text.
NO_NUL = r"^[^\x00]*$"
_AT_EXAMPLE = "2026-03-30T14:23:00Z"


class RecordKind(StrEnum):
    stay = "stay"
    session = "session"


class RecordStatus(StrEnum):
    """A record's own status. Stays: `open`, `payment_pending`, `paid`, `unpaid`, `needs_review`.
    Sessions: `pending`, `active`, `stopped`, `expired`, `failed`."""

    open = "open"
    payment_pending = "payment_pending"
    paid = "paid"
    unpaid = "unpaid"
    needs_review = "needs_review"
    pending = "pending"
    active = "active"
    stopped = "stopped"
    expired = "expired"
    failed = "failed"


STAY_STATUSES = frozenset(
    {
        RecordStatus.open,
        RecordStatus.payment_pending,
        RecordStatus.paid,
        RecordStatus.unpaid,
        RecordStatus.needs_review,
    }
)
SESSION_STATUSES = frozenset(
    {
        RecordStatus.pending,
        RecordStatus.active,
        RecordStatus.stopped,
        RecordStatus.expired,
        RecordStatus.failed,
    }
)


class RecordSource(StrEnum):
    """Who saw or made it: a camera (`anpr`), the driver's phone (`geofence`), the driver's app with a
    session run here (`app`) or at a parking provider (`provider`)."""

    anpr = "anpr"
    geofence = "geofence"
    app = "app"
    provider = "provider"


class RecordFacility(ContractModel):
    slug: str = Field(examples=["kamppi-p1"])
    name: str = Field(examples=["Kamppi P1"])
    timezone: str = Field(
        description="The facility's IANA timezone: show times in it", examples=["Europe/Helsinki"]
    )


class RecordRow(ContractModel):
    """One stay or prepaid session in the operator's list.

    Amounts: `owed_amount` is the price (an open stay: what leaving now would cost; a session: its
    price less refunds, 0 when it failed), `paid_amount` what was collected for it, `due_amount` what
    is still owed (always 0 for a session: it is paid before it starts, or it never starts).
    """

    kind: RecordKind = Field(examples=["stay"])
    id: str = Field(examples=[_ID_EXAMPLE])
    plate: str = Field(description="As read or entered", examples=["ABC-123"])
    facility: RecordFacility
    status: RecordStatus = Field(examples=["unpaid"])
    started_at: AwareDatetime | None = Field(
        description="Entry (stays) or start (sessions); null for an exit without a recorded entry",
        examples=[_AT_EXAMPLE],
    )
    ended_at: AwareDatetime | None = Field(
        description="Exit (stays; null while inside) or end (sessions: when stopped, or the paid end)",
        examples=["2026-03-30T16:05:00Z"],
    )
    owed_amount: int = Field(ge=0, examples=[615])
    paid_amount: int = Field(ge=0, examples=[0])
    due_amount: int = Field(ge=0, examples=[615])
    currency: str = Field(examples=["EUR"])
    driver_email: str | None = Field(
        description="The linked driver account, if any", examples=["aino@example.test"]
    )
    has_photos: bool = Field(description="Camera images of the entry or exit exist", examples=[True])
    source: RecordSource = Field(examples=["anpr"])


class RecordPage(ContractModel):
    items: list[RecordRow] = Field(description="Newest first (by entry or start)")
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page", examples=[None]
    )


class TimelineSeverity(StrEnum):
    info = "info"
    success = "success"
    warning = "warning"
    error = "error"


class TimelineKind(StrEnum):
    entry = "entry"
    free_period = "free_period"
    exit = "exit"
    payment = "payment"
    payment_failed = "payment_failed"
    refund = "refund"
    unpaid = "unpaid"
    review = "review"
    invoice = "invoice"
    plate_corrected = "plate_corrected"
    audit = "audit"
    enforcement_check = "enforcement_check"
    ticket = "ticket"
    session_requested = "session_requested"
    session_started = "session_started"
    extension = "extension"
    session_stopped = "session_stopped"
    session_expired = "session_expired"
    session_failed = "session_failed"


class TimelineItem(ContractModel):
    """One thing that happened to a stay or session. `actor` is who did it (an operator user's
    e-mail, the driver's e-mail, `system`, or the enforcement key's name); `image_url` a camera image."""

    at: AwareDatetime = Field(examples=[_AT_EXAMPLE])
    kind: TimelineKind = Field(examples=["entry"])
    title: str = Field(examples=["Entry seen by camera"])
    detail: str = Field(default="", examples=["Plate read as ABC-123"])
    actor: str | None = Field(default=None, examples=["system"])
    image_url: str | None = Field(default=None, examples=["https://cam.example/entry.jpg"])
    severity: TimelineSeverity = Field(default=TimelineSeverity.info, examples=["info"])


class StayDetail(RecordRow):
    """A stay with its amounts, images and timeline (oldest first)."""

    free_until: AwareDatetime | None = Field(examples=["2026-03-30T14:38:00Z"])
    paid_until: AwareDatetime | None = Field(description="Paid in the app up to this moment", examples=[None])
    parking_amount: int = Field(ge=0, examples=[600])
    service_fee_amount: int = Field(ge=0, examples=[15])
    entry_image_url: str | None = Field(examples=["https://cam.example/entry.jpg"])
    exit_image_url: str | None = Field(examples=["https://cam.example/exit.jpg"])
    failure_reason: str | None = Field(examples=["No driver account for this plate"])
    review_reason: str | None = Field(examples=[None])
    timeline: list[TimelineItem]


class SessionDetail(RecordRow):
    """A prepaid session with its payments and timeline (oldest first)."""

    paid_until: AwareDatetime = Field(
        description="The end paid for (after extensions)", examples=["2026-03-30T16:23:00Z"]
    )
    stopped_at: AwareDatetime | None = Field(examples=[None])
    parking_amount: int = Field(ge=0, examples=[450])
    service_fee_amount: int = Field(ge=0, examples=[11])
    refunded_amount: int = Field(ge=0, examples=[0])
    provider_session_id: str | None = Field(examples=["native_3f2a9c"])
    failure_reason: str | None = Field(examples=[None])
    timeline: list[TimelineItem]


class PlateCorrection(ContractModel):
    plate: str = Field(
        min_length=1, max_length=40, description="The plate as it really is", examples=["ABC-128"]
    )
    reason: str = Field(
        min_length=3,
        max_length=300,
        pattern=NO_NUL,
        description="Why (kept in the audit log)",
        examples=["Camera misread 8 as 3"],
    )


class CorrectionPayment(StrEnum):
    """What the correction did to the stay's payment.

    * `charge_queued`: the exited, unpaid stay now belongs to a driver with auto-pay: their card is
      being charged (once) by the exit-charging job.
    * `already_paid`: the stay was paid; it is only re-linked (nothing charged or refunded).
    * `at_exit`: the stay is still open; the new driver was told, and is charged at the exit.
    * `no_driver`, `auto_pay_off`, `no_payment_method`: it stays unpaid, for that reason.
    * `invoiced`: a live invoice collects it; nothing is charged (void it to charge the driver).
    * `previously_declined`: an automatic charge was already declined; it is not retried.
    * `nothing_due`: nothing is owed.
    * `needs_review`: the stay's events do not pair up; it is only re-linked.
    """

    charge_queued = "charge_queued"
    already_paid = "already_paid"
    at_exit = "at_exit"
    no_driver = "no_driver"
    auto_pay_off = "auto_pay_off"
    no_payment_method = "no_payment_method"
    invoiced = "invoiced"
    previously_declined = "previously_declined"
    nothing_due = "nothing_due"
    needs_review = "needs_review"


class PlateCorrectionResult(ContractModel):
    previous_plate: str = Field(examples=["ABC-123"])
    payment: CorrectionPayment = Field(examples=["charge_queued"])
    message: str = Field(
        examples=["The stay now belongs to aino@example.test, whose card is being charged 6.15 EUR."]
    )
    stay: StayDetail
