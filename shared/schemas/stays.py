"""What a driver sees of their parking: camera-detected stays and prepaid sessions (CONTRACT §5,
`GET /api/v1/sessions`, `GET /api/v1/sessions/{id}`, `POST /api/v1/sessions/{id}/pay`)."""

from enum import StrEnum

from pydantic import Field

from shared.schemas.common import AwareDatetime, ContractModel


class ParkingKind(StrEnum):
    stay = "stay"
    session = "session"


class FacilityRef(ContractModel):
    slug: str = Field(examples=["kamppi-p1"])
    name: str = Field(examples=["Kamppi P1"])
    timezone: str | None = Field(
        default=None,
        description="The facility's IANA timezone: show times in it",
        examples=["Europe/Helsinki"],
    )


class ParkingItem(ContractModel):
    """One stay (entry/exit seen by cameras, paid after) or one prepaid session, as the driver sees it.

    Stay statuses: `open` (inside), `payment_pending` (left, the card is being charged), `paid`,
    `unpaid` (owed: see `failure_reason`; pay it with `POST /sessions/{id}/pay`), `needs_review`
    (events that did not pair up; the operator looks at it). Session statuses: `pending`, `active`,
    `stopped`, `expired`, `failed`.
    """

    id: str = Field(examples=["0b7e4b8e-3c1a-4a43-9a3e-6f1f2d4c9a10"])
    kind: ParkingKind = Field(examples=["stay"])
    status: str = Field(examples=["open"])
    facility: FacilityRef
    license_plate: str = Field(
        description="As the camera read it (stays) or as entered", examples=["ABC-123"]
    )
    starts_at: AwareDatetime | None = Field(
        description="Entry (stays) or start (sessions); null for an exit without a recorded entry",
        examples=["2026-03-30T14:23:00Z"],
    )
    ends_at: AwareDatetime | None = Field(
        description="Exit (stays; null while inside) or end (sessions)", examples=["2026-03-30T16:05:00Z"]
    )
    free_until: AwareDatetime | None = Field(
        description="End of the free period (null: none)", examples=["2026-03-30T14:38:00Z"]
    )
    paid_until: AwareDatetime | None = Field(
        description="Paid up to this moment (stays paid in the app while inside; a session's end)",
        examples=["2026-03-30T15:23:00Z"],
    )
    running_amount: int | None = Field(
        description="An open stay: what it would cost (parking + service fee) if it left now",
        examples=[300],
    )
    total_amount: int | None = Field(
        description="The whole stay's or session's price once known (null while a stay is open)",
        examples=[615],
    )
    paid_amount: int = Field(description="Paid so far (in the app or charged at the exit)", examples=[0])
    amount_due: int = Field(
        description="What is owed now: for an open stay, up to now; otherwise of the total", examples=[300]
    )
    currency: str = Field(examples=["EUR"])
    entry_image_url: str | None = Field(default=None, examples=["https://cam.example/entry.jpg"])
    exit_image_url: str | None = Field(default=None, examples=["https://cam.example/exit.jpg"])
    failure_reason: str | None = Field(
        default=None, description="Why an ended stay is unpaid", examples=["Auto-pay is off"]
    )


class ParkingList(ContractModel):
    items: list[ParkingItem] = Field(description="Newest first")
    count: int = Field(examples=[1])


class ListFilter(StrEnum):
    active = "active"
    all = "all"


class StayPayment(ContractModel):
    payment_method_id: str | None = Field(
        default=None,
        description="One of your saved cards; your default card when omitted",
        examples=["5f0c2a9e-8d2b-4b7e-9a51-0c3d7b1e2f44"],
    )
