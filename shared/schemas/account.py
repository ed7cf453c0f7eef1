"""The signed-in driver's account (CONTRACT §5, `/api/v1/me`): profile and settings, the data
export (`GET /me/export`) and erasure (`DELETE /me`)."""

from typing import Any

from pydantic import Field, ValidationInfo, field_validator

from shared.schemas.common import AwareDatetime, ContractModel
from shared.schemas.drivers import VehicleOut
from shared.schemas.passes import PassOut
from shared.schemas.receipts import ReceiptOut
from shared.schemas.stays import ParkingItem

MAX_REMINDER_MINUTES = 120


class DriverProfile(ContractModel):
    id: str = Field(examples=["0b7e4b8e-3c1a-4a43-9a3e-6f1f2d4c9a10"])
    email: str = Field(examples=["aino@example.test"])
    name: str = Field(examples=["Aino Virtanen"])
    auto_pay: bool = Field(
        description="On: a stay is charged to your default card when a camera sees you leave. Off: it "
        "is left unpaid for you to pay in the app",
        examples=[True],
    )
    reminder_minutes: int = Field(
        description="How many minutes before a prepaid session ends you are reminded; 0: no reminders "
        "(nor free-period reminders)",
        examples=[10],
    )
    created_at: AwareDatetime = Field(examples=["2026-03-30T14:23:00Z"])


class ProfileUpdate(ContractModel):
    """Only the fields sent change; leave a field out to keep it."""

    name: str | None = Field(default=None, max_length=200, examples=["Aino Virtanen"])
    auto_pay: bool | None = Field(default=None, examples=[False])
    reminder_minutes: int | None = Field(
        default=None,
        description=f"0 (no reminders) to {MAX_REMINDER_MINUTES}",
        json_schema_extra={"minimum": 0, "maximum": MAX_REMINDER_MINUTES},
        examples=[15],
    )

    @field_validator("name", "auto_pay", "reminder_minutes", mode="before")
    @classmethod
    def _check(cls, value: Any, info: ValidationInfo) -> Any:
        # Before pydantic's own coercion: `true` is not 1 minute and "yes" is not true.
        if value is None:
            raise ValueError("must not be null; leave the field out to keep its current value")
        if info.field_name == "auto_pay" and not isinstance(value, bool):
            raise ValueError("must be true or false")
        if info.field_name == "reminder_minutes" and (
            isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_REMINDER_MINUTES
        ):
            raise ValueError(
                f"must be a whole number of minutes from 0 (no reminders) to {MAX_REMINDER_MINUTES}; "
                f"got {value!r}"
            )
        return value


class AccountDeletion(ContractModel):
    password: str = Field(
        min_length=1,
        max_length=200,
        description="Your current password, to confirm it is you",
        examples=["correct horse battery"],
    )


class ExportedPaymentMethod(ContractModel):
    """A saved card as far as we know it: never the processor's token, never a number."""

    id: str = Field(examples=["5f0c2a9e-8d2b-4b7e-9a51-0c3d7b1e2f44"])
    brand: str = Field(examples=["Visa"])
    last4: str = Field(examples=["4242"])
    is_default: bool = Field(examples=[True])
    created_at: AwareDatetime = Field(examples=["2026-03-30T14:23:00Z"])


class ExportedEvent(ContractModel):
    id: int = Field(examples=[1042])
    kind: str = Field(examples=["exit_charged"])
    payload: dict[str, Any]
    created_at: AwareDatetime = Field(examples=["2026-03-30T14:23:00Z"])


class DriverExport(ContractModel):
    """Everything the platform holds about a driver, as one JSON document."""

    format: str = Field(default="parkflow-driver-export/1", examples=["parkflow-driver-export/1"])
    exported_at: AwareDatetime = Field(examples=["2026-03-30T14:23:00Z"])
    profile: DriverProfile
    vehicles: list[VehicleOut] = Field(description="Oldest first")
    payment_methods: list[ExportedPaymentMethod] = Field(description="Oldest first")
    parking: list[ParkingItem] = Field(
        description="Your prepaid sessions and the stays of your plates (since you registered them), "
        "newest first"
    )
    passes: list[PassOut] = Field(description="Newest first")
    receipts: list[ReceiptOut] = Field(description="Newest first")
    events: list[ExportedEvent] = Field(description="The notifications sent to your app, oldest first")
    truncated: list[str] = Field(
        default_factory=list,
        description="Sections cut at the export's size limit (empty: everything is here)",
        examples=[[]],
    )
