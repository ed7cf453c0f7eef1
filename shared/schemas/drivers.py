"""A driver's own profile: vehicles and payment methods (CONTRACT §5, `/api/v1/me/...`)."""

import re

from pydantic import Field, field_validator

from shared.schemas.common import AwareDatetime, ContractModel

_CARD_NUMBER = re.compile(r"\d{13,19}")
_CARD_SEPARATORS = str.maketrans("", "", " -.")


class VehicleCreate(ContractModel):
    # Only a sanity limit here: the plate rules (CONTRACT §1) answer with the `invalid_plate` code.
    license_plate: str = Field(
        max_length=200,
        description="As written on the car; compared without case, spaces, '-', '.' and '·'.",
        examples=["ABC-123"],
    )


class VehicleOut(ContractModel):
    id: str = Field(examples=["0b7e4b8e-3c1a-4a43-9a3e-6f1f2d4c9a10"])
    license_plate: str = Field(description="As the driver first registered it", examples=["ABC-123"])
    plate_normalized: str = Field(description="The form plates are compared by", examples=["ABC123"])
    is_default: bool = Field(description="Used when a payment does not name a vehicle", examples=[True])
    created_at: AwareDatetime = Field(examples=["2026-03-30T14:23:00Z"])


class VehicleList(ContractModel):
    items: list[VehicleOut] = Field(description="Oldest first")
    count: int = Field(examples=[1])


class PaymentMethodCreate(ContractModel):
    token: str = Field(
        min_length=1,
        max_length=255,
        description=(
            "A token from the payment processor's card form (sandbox: tok_visa, tok_mastercard, "
            "tok_chargeDeclined, tok_insufficientFunds). Never a card number."
        ),
        examples=["tok_visa"],
    )

    @field_validator("token")
    @classmethod
    def _not_a_card_number(cls, value: str) -> str:
        if _CARD_NUMBER.fullmatch(value.translate(_CARD_SEPARATORS)):
            # The number itself is never echoed back (nor logged).
            raise ValueError(
                "this looks like a card number; card numbers must never be sent here. Enter the card "
                "in the payment processor's form and send the token it returns (e.g. tok_visa)."
            )
        return value


class PaymentMethodOut(ContractModel):
    id: str = Field(examples=["5f0c2a9e-8d2b-4b7e-9a51-0c3d7b1e2f44"])
    brand: str = Field(examples=["Visa"])
    last4: str = Field(examples=["4242"])
    exp_month: int | None = Field(examples=[12])
    exp_year: int | None = Field(examples=[2034])
    is_default: bool = Field(description="Charged for automatic payments (ANPR exits)", examples=[True])
    created_at: AwareDatetime = Field(examples=["2026-03-30T14:23:00Z"])


class PaymentMethodList(ContractModel):
    items: list[PaymentMethodOut] = Field(description="Oldest first")
    count: int = Field(examples=[1])
