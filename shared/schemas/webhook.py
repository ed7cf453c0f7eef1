"""The camera/barrier webhook, exactly as CONTRACT §4 fixes it (`POST /webhook`)."""

from enum import StrEnum

from pydantic import ConfigDict, Field

from shared.schemas.common import AwareDatetime, ContractModel


class CameraEvent(StrEnum):
    entry = "entry"
    exit = "exit"


class WebhookEvent(ContractModel):
    """One entry or exit seen by a camera or a barrier.

    Fields beyond these are ignored rather than refused: a camera system that also sends, say, a
    read confidence must not lose the event over it.
    """

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    event: CameraEvent = Field(description="`entry` or `exit`", examples=["entry"])
    plate: str = Field(
        max_length=200,
        description="As the camera read it; compared without case, spaces, '-', '.' and '·'.",
        examples=["ABC-123"],
    )
    facility_id: str = Field(
        min_length=1, max_length=64, description="The facility's slug", examples=["kamppi-p1"]
    )
    timestamp: AwareDatetime = Field(
        description="When the vehicle passed, ISO 8601 with an offset (a naive time is refused)",
        examples=["2026-03-30T14:23:00Z"],
    )
    image_url: str | None = Field(
        default=None,
        max_length=1000,
        description="The camera's picture of the plate, kept for the stay's timeline",
        examples=["https://cam.example/entry.jpg"],
    )


class WebhookAccepted(ContractModel):
    session_id: str = Field(
        description="The stay this event belongs to (the same for a repeated delivery)",
        examples=["0b7e4b8e-3c1a-4a43-9a3e-6f1f2d4c9a10"],
    )
    status: str = Field(
        description="The stay's status now: open, payment_pending, paid, unpaid or needs_review",
        examples=["open"],
    )
