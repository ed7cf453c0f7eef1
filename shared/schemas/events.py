"""What the driver's app hears on `GET /api/v1/me/events` (server-sent events).

Each event on the wire is `id: <event id>`, `event: <kind>`, `data: <payload as JSON>`. The payload
models below document (and let the apps parse) each kind's `data`. Amounts are minor units beside
`currency`; timestamps are UTC with an offset.
"""

from enum import StrEnum

from pydantic import Field

from shared.schemas.common import AwareDatetime, ContractModel


class DriverEventKind(StrEnum):
    entry_detected = "entry_detected"
    free_period_ending = "free_period_ending"
    exit_charged = "exit_charged"
    payment_failed = "payment_failed"
    stay_paid = "stay_paid"
    pass_purchased = "pass_purchased"  # noqa: S105 (an event name, not a password)
    receipt_sent = "receipt_sent"
    session_started = "session_started"
    session_extended = "session_extended"
    session_stopped = "session_stopped"
    expiring_soon = "expiring_soon"
    session_expired = "session_expired"
    ticket_reply = "ticket_reply"
    ticket_resolved = "ticket_resolved"


class EventPayload(ContractModel):
    # Producers may add fields; apps must ignore what they do not know.
    model_config = ContractModel.model_config | {"extra": "allow"}


class StayRef(EventPayload):
    stay_id: str = Field(examples=["0b7e4b8e-3c1a-4a43-9a3e-6f1f2d4c9a10"])
    facility: str = Field(description="Facility slug", examples=["kamppi-p1"])
    facility_name: str | None = Field(default=None, examples=["Kamppi P1"])
    timezone: str | None = Field(
        default=None,
        description="The facility's IANA timezone: show times in it",
        examples=["Europe/Helsinki"],
    )
    license_plate: str = Field(description="As the camera read it", examples=["ABC-123"])


class EntryDetected(StayRef):
    entered_at: AwareDatetime = Field(examples=["2026-03-30T14:23:00Z"])
    free_until: AwareDatetime | None = Field(
        default=None, description="End of the free period (none: no free period)"
    )


class FreePeriodEnding(StayRef):
    free_until: AwareDatetime = Field(examples=["2026-03-30T14:38:00Z"])
    minutes_left: int = Field(ge=0, examples=[5])


class ExitCharged(StayRef):
    exited_at: AwareDatetime = Field(examples=["2026-03-30T16:05:00Z"])
    payment_id: str | None = Field(default=None, examples=["5f0c2a9e-8d2b-4b7e-9a51-0c3d7b1e2f44"])
    parking_amount: int = Field(examples=[600])
    service_fee_amount: int = Field(examples=[15])
    total_amount: int = Field(examples=[615])
    currency: str = Field(examples=["EUR"])


class PaymentFailed(EventPayload):
    payment_id: str | None = None
    stay_id: str | None = None
    facility: str | None = None
    license_plate: str | None = None
    amount: int | None = Field(default=None, examples=[615])
    currency: str | None = Field(default=None, examples=["EUR"])
    reason: str = Field(examples=["The card was declined; use another payment method."])


class StayPaid(StayRef):
    payment_id: str
    paid_until: AwareDatetime | None = None
    amount: int = Field(examples=[615])
    currency: str = Field(examples=["EUR"])


class PassPurchased(EventPayload):
    pass_id: str
    payment_id: str | None = None
    facility: str = Field(examples=["kamppi-p1"])
    product: str = Field(examples=["monthly"])
    license_plate: str = Field(examples=["ABC-123"])
    valid_from: AwareDatetime
    valid_until: AwareDatetime
    amount: int = Field(examples=[9900])
    currency: str = Field(examples=["EUR"])


class ReceiptSent(EventPayload):
    payment_id: str = Field(examples=["5f0c2a9e-8d2b-4b7e-9a51-0c3d7b1e2f44"])
    receipt_number: str = Field(examples=["PF-5F0C2A9E"])
    email: str = Field(description="Where the receipt went", examples=["aino@example.test"])


class SessionEvent(EventPayload):
    """`session_started`, `session_extended`, `session_stopped`, `session_expired`: a prepaid session
    as it now is (`ends_at` moves on an extension; a stopped one has `stopped_at`)."""

    session_id: str = Field(examples=["7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"])
    facility: str = Field(description="Facility slug", examples=["kamppi-p1"])
    facility_name: str | None = Field(default=None, examples=["Kamppi P1"])
    timezone: str | None = Field(
        default=None,
        description="The facility's IANA timezone: show times in it",
        examples=["Europe/Helsinki"],
    )
    license_plate: str = Field(examples=["ABC-123"])
    status: str = Field(examples=["active"])
    starts_at: AwareDatetime = Field(examples=["2026-03-30T14:23:00Z"])
    ends_at: AwareDatetime = Field(examples=["2026-03-30T15:23:00Z"])
    stopped_at: AwareDatetime | None = Field(default=None)
    total_amount: int = Field(description="Charged for the session so far", examples=[615])
    refunded_amount: int = Field(default=0, examples=[0])
    currency: str = Field(examples=["EUR"])


class ExpiringSoon(SessionEvent):
    """`expiring_soon`: the session ends in `minutes_left` minutes (the driver's reminder setting)."""

    minutes_left: int = Field(ge=0, examples=[10])


class TicketEvent(EventPayload):
    """`ticket_reply` (the operator answered) and `ticket_resolved`: open `/me/tickets/{ticket_id}`."""

    ticket_id: str = Field(examples=["6d1c2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"])
    number: int = Field(description="The operator's ticket number", examples=[12])
    operator: str = Field(examples=["Helsinki Parking Oy"])
    subject: str = Field(examples=["Charged although I had a pass"])
    status: str = Field(examples=["pending"])
    message: str = Field(description="The reply or the resolution, cut to 200 characters")
    outcome: str | None = Field(default=None, description="Disputes: upheld or rejected")


PAYLOADS: dict[DriverEventKind, type[EventPayload]] = {
    DriverEventKind.entry_detected: EntryDetected,
    DriverEventKind.free_period_ending: FreePeriodEnding,
    DriverEventKind.exit_charged: ExitCharged,
    DriverEventKind.payment_failed: PaymentFailed,
    DriverEventKind.stay_paid: StayPaid,
    DriverEventKind.pass_purchased: PassPurchased,
    DriverEventKind.receipt_sent: ReceiptSent,
    DriverEventKind.session_started: SessionEvent,
    DriverEventKind.session_extended: SessionEvent,
    DriverEventKind.session_stopped: SessionEvent,
    DriverEventKind.expiring_soon: ExpiringSoon,
    DriverEventKind.session_expired: SessionEvent,
    DriverEventKind.ticket_reply: TicketEvent,
    DriverEventKind.ticket_resolved: TicketEvent,
}
