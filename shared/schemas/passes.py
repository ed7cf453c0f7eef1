"""Passes a driver buys for a plate at a facility (CONTRACT §5, `POST /api/v1/passes`)."""

from enum import StrEnum

from pydantic import Field

from shared.schemas.common import AwareDatetime, ContractModel

_SLUG = r"^[A-Za-z0-9][A-Za-z0-9-]*$"  # compared lower-cased


class PassPurchase(ContractModel):
    facility: str = Field(
        min_length=1,
        max_length=64,
        pattern=_SLUG,
        description="The facility's slug",
        examples=["kamppi-p1"],
    )
    product: str = Field(
        min_length=1,
        max_length=64,
        pattern=_SLUG,
        description="The pass product's slug at that facility",
        examples=["monthly"],
    )
    # Only a sanity limit here: the plate rules (CONTRACT §1) answer with the `invalid_plate` code.
    license_plate: str = Field(
        max_length=200,
        description="The plate the pass is for, as written on the car (need not be one of your vehicles)",
        examples=["ABC-123"],
    )
    payment_method_id: str = Field(
        max_length=64,
        description="One of your payment methods",
        examples=["5f0c2a9e-8d2b-4b7e-9a51-0c3d7b1e2f44"],
    )
    valid_from: AwareDatetime | None = Field(
        default=None,
        description="When the pass starts (default now); may be later, e.g. tomorrow morning",
        examples=["2026-04-01T00:00:00+03:00"],
    )


class PassState(StrEnum):
    upcoming = "upcoming"
    valid = "valid"
    expired = "expired"


class PassOut(ContractModel):
    id: str = Field(examples=["7d7c3a52-1b8e-4a57-8f0e-2f1c9b7e6a11"])
    facility: str = Field(description="The facility's slug", examples=["kamppi-p1"])
    facility_name: str = Field(examples=["Kamppi P1"])
    product: str = Field(description="The pass product's slug", examples=["monthly"])
    product_name: str = Field(examples=["Monthly pass"])
    license_plate: str = Field(description="As written when buying", examples=["ABC-123"])
    valid_from: AwareDatetime = Field(examples=["2026-04-01T00:00:00Z"])
    valid_until: AwareDatetime = Field(examples=["2026-05-01T00:00:00Z"])
    state: PassState = Field(description="upcoming, valid or expired (now)", examples=["valid"])
    parking_amount: int = Field(description="The product's price, minor units", examples=[9900])
    service_fee_amount: int = Field(examples=[248])
    total_amount: int = Field(description="What was charged", examples=[10148])
    currency: str = Field(examples=["EUR"])
    payment_id: str | None = Field(examples=["0b7e4b8e-3c1a-4a43-9a3e-6f1f2d4c9a10"])
    created_at: AwareDatetime = Field(examples=["2026-03-30T14:23:00Z"])


class PassList(ContractModel):
    items: list[PassOut] = Field(description="Newest first")
    count: int = Field(examples=[1])
