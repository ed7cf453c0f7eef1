"""Prepaid sessions (CONTRACT §5): `POST /quotes`, `POST /sessions`, `POST /sessions/{id}/extend`,
`POST /sessions/{id}/stop`. Listing and reading sessions is `shared.schemas.stays` (one list of the
driver's parking)."""

from pydantic import Field

from shared.schemas.common import AwareDatetime, ContractModel

# A prepaid duration longer than a month is a typo, whatever the facility allows.
MAX_DURATION_MINUTES = 31 * 24 * 60


class QuoteRequest(ContractModel):
    facility: str = Field(min_length=1, max_length=64, description="Facility slug", examples=["kamppi-p1"])
    license_plate: str = Field(min_length=1, max_length=40, examples=["ABC-123"])
    duration_minutes: int = Field(ge=1, le=MAX_DURATION_MINUTES, examples=[60])
    starts_at: AwareDatetime | None = Field(
        default=None,
        description="When the session would start (default now). Sessions start when paid, so a quote "
        "for a later start is a price preview: starting a session needs a quote for now.",
        examples=["2026-03-30T14:23:00Z"],
    )


class QuoteOut(ContractModel):
    """A price for `duration_minutes` of parking; `POST /sessions` with its id pays exactly this."""

    id: str = Field(examples=["3d5f7a9b-1c2e-4f60-8a7b-9c0d1e2f3a4b"])
    facility: str = Field(description="Facility slug", examples=["kamppi-p1"])
    facility_name: str = Field(examples=["Kamppi P1"])
    facility_timezone: str | None = Field(
        default=None,
        description="The facility's IANA timezone: show times in it",
        examples=["Europe/Helsinki"],
    )
    tariff_text: str = Field(
        description="The facility's tariff in words",
        examples=["First 15 min free, then 0.75 per 15 min; at most 24.00 per day; stay at most 24 h"],
    )
    license_plate: str = Field(examples=["ABC-123"])
    duration_minutes: int = Field(examples=[60])
    parking_amount: int = Field(description="The tariff's price, minor units", examples=[225])
    service_fee_amount: int = Field(description="The operator's service fee, a separate line", examples=[6])
    total_amount: int = Field(description="parking_amount + service_fee_amount", examples=[231])
    currency: str = Field(examples=["EUR"])
    starts_at: AwareDatetime = Field(examples=["2026-03-30T14:23:00Z"])
    ends_at: AwareDatetime = Field(examples=["2026-03-30T15:23:00Z"])
    expires_at: AwareDatetime = Field(
        description="Start a session with this quote before then", examples=["2026-03-30T14:28:00Z"]
    )


class SessionStart(ContractModel):
    quote_id: str = Field(examples=["3d5f7a9b-1c2e-4f60-8a7b-9c0d1e2f3a4b"])
    payment_method_id: str = Field(
        description="One of your saved payment methods", examples=["5f0c2a9e-8d2b-4b7e-9a51-0c3d7b1e2f44"]
    )


class SessionExtend(ContractModel):
    duration_minutes: int = Field(ge=1, le=MAX_DURATION_MINUTES, description="Minutes to add", examples=[30])
    payment_method_id: str | None = Field(
        default=None,
        description="Pay with this saved method; default: the one that paid the session, else your default",
        examples=[None],
    )


class SessionOut(ContractModel):
    """A prepaid session. Statuses: `pending` (being paid and started), `active`, `stopped` (ended
    early by the driver), `expired` (ran to its end), `failed` (never started; nothing charged)."""

    id: str = Field(examples=["7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"])
    status: str = Field(examples=["active"])
    facility: str = Field(description="Facility slug", examples=["kamppi-p1"])
    facility_name: str = Field(examples=["Kamppi P1"])
    facility_timezone: str | None = Field(
        default=None,
        description="The facility's IANA timezone: show times in it",
        examples=["Europe/Helsinki"],
    )
    license_plate: str = Field(examples=["ABC-123"])
    starts_at: AwareDatetime = Field(examples=["2026-03-30T14:23:00Z"])
    ends_at: AwareDatetime = Field(
        description="The paid end (moves on an extension)", examples=["2026-03-30T15:23:00Z"]
    )
    stopped_at: AwareDatetime | None = Field(
        default=None, description="When it was stopped early", examples=[None]
    )
    parking_amount: int = Field(description="Parking charged, extensions included", examples=[225])
    service_fee_amount: int = Field(examples=[6])
    total_amount: int = Field(description="Everything charged for the session", examples=[231])
    refunded_amount: int = Field(description="Given back on an early stop", examples=[0])
    currency: str = Field(examples=["EUR"])
    provider: str = Field(
        description="Who runs the session: `native` (this platform) or the provider's kind",
        examples=["passport"],
    )
    provider_session_id: str | None = Field(examples=["pp_4f1c2d3e"])
    failure_code: str | None = Field(default=None, examples=[None])
    failure_reason: str | None = Field(default=None, examples=[None])
