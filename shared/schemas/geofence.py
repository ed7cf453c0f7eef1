"""Entry and exit reported by the driver's phone at a `geofence` facility (CONTRACT §5,
`POST /api/v1/geofence/events`)."""

from enum import StrEnum

from pydantic import Field

from shared.schemas.common import AwareDatetime, ContractModel


class GeofenceEventKind(StrEnum):
    enter = "enter"
    exit = "exit"


class GeofenceEvent(ContractModel):
    """The phone's tracker decided the car entered or left a lot; the fix it decided on comes along."""

    facility: str = Field(
        min_length=1, max_length=64, description="The facility's slug", examples=["hakaniementori"]
    )
    event: GeofenceEventKind = Field(description="`enter` or `exit`", examples=["enter"])
    license_plate: str = Field(
        min_length=1, max_length=40, description="One of your vehicles", examples=["ABC-123"]
    )
    lat: float = Field(ge=-90, le=90, allow_inf_nan=False, description="WGS84 latitude", examples=[60.17808])
    lon: float = Field(
        ge=-180, le=180, allow_inf_nan=False, description="WGS84 longitude", examples=[24.95483]
    )
    accuracy_m: float = Field(
        ge=0,
        allow_inf_nan=False,
        description="The fix's horizontal accuracy in metres (the radius the phone reports)",
        examples=[12.0],
    )
    occurred_at: AwareDatetime = Field(
        description="When the car entered or left, ISO 8601 with an offset (a naive time is refused)",
        examples=["2026-03-30T14:23:00Z"],
    )


class GeofenceAccepted(ContractModel):
    session_id: str = Field(
        description="The stay this event belongs to (as in `GET /api/v1/sessions/{session_id}`); the "
        "same for a repeated event",
        examples=["0b7e4b8e-3c1a-4a43-9a3e-6f1f2d4c9a10"],
    )
    status: str = Field(
        description="The stay's status now: open, payment_pending, paid, unpaid or needs_review",
        examples=["open"],
    )
