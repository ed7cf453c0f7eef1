"""Operator admin API for facilities and their pass products (`/api/v1/admin/facilities`).

A facility is created with the same shape as in the onboarding file (CONTRACT §3), so what an
operator writes in one place works in the other.
"""

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from shared.schemas.common import Amount, AwareDatetime, ContractModel, Slug
from shared.schemas.facilities import Position
from shared.schemas.geometry import GeoJSONGeometry
from shared.schemas.onboarding import (
    Detection,
    EarlyStop,
    FacilityProviderRef,
    GraceMinutes,
    Notices,
    Rules,
    TimeZoneName,
)
from shared.schemas.tariff import Tariff

_ZONE = Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9-]+$", examples=["1234"])
_TARIFF_EXAMPLE = {
    "increment_minutes": 15,
    "segments": [{"from_minute": 0, "amount": 0}, {"from_minute": 15, "amount": 75}],
    "daily_max_amount": 2400,
    "max_stay_minutes": 1440,
}
ProviderRef = Literal["native"] | FacilityProviderRef


class FacilityDefinition(ContractModel):
    """Everything about a facility but its slug (which never changes: signs and QR codes carry it)."""

    name: str = Field(min_length=1, max_length=200, examples=["Kamppi P1"])
    zone_number: str = _ZONE
    timezone: TimeZoneName | None = Field(default=None, description="Defaults to the operator's time zone")
    capacity: int = Field(default=0, ge=0, examples=[120])
    detection: Detection = Field(default=Detection.none, examples=["anpr"])
    geometry: GeoJSONGeometry | None = None
    tariff: Tariff = Field(examples=[_TARIFF_EXAMPLE])
    grace_minutes: GraceMinutes = 15
    early_stop: EarlyStop = Field(default=EarlyStop.refund_unused, examples=["refund_unused"])
    provider: ProviderRef = Field(
        default="native",
        description='"native", or a provider connection of the operator (by slug) and its zone id',
        examples=["native", {"connection": "passport", "zone_id": "1234"}],
    )
    address: str | None = Field(default=None, max_length=300, examples=["Urho Kekkosen katu 1, Helsinki"])
    notices: Notices = Field(default_factory=list)
    rules: Rules = ""


class PassProductCreate(ContractModel):
    slug: Slug = Field(description="Unique within the facility", examples=["monthly"])
    name: str = Field(min_length=1, max_length=100, examples=["Monthly pass"])
    amount: Amount = Field(examples=[9900])
    days: int = Field(ge=1, le=366, examples=[30])


class FacilityCreate(FacilityDefinition):
    slug: Slug = Field(
        description="Unique on the platform; drivers look facilities up by it", examples=["kamppi-p1"]
    )
    pass_products: list[PassProductCreate] = Field(default_factory=list)


class FacilityPatch(ContractModel):
    """Only the fields sent are changed; `geometry: null` removes the outline."""

    name: str | None = Field(default=None, min_length=1, max_length=200, examples=["Kamppi P1"])
    zone_number: str | None = Field(default=None, min_length=1, max_length=20, pattern=r"^[A-Za-z0-9-]+$")
    timezone: TimeZoneName | None = None
    capacity: int | None = Field(default=None, ge=0, examples=[150])
    detection: Detection | None = None
    geometry: GeoJSONGeometry | None = None
    tariff: Tariff | None = Field(default=None, examples=[_TARIFF_EXAMPLE])
    grace_minutes: int | None = Field(
        default=None, ge=0, le=120, description="0-120 minutes after paid time ends", examples=[10]
    )
    early_stop: EarlyStop | None = None
    address: str | None = Field(default=None, max_length=300)
    notices: Notices | None = Field(
        default=None,
        description="Replaces all notices (at most 10, 120 characters each); [] removes them",
        examples=[["Height limit 2.1 m"]],
    )
    rules: Rules | None = Field(
        default=None, description='Replaces the rules; "" removes them', examples=["No overnight parking."]
    )


class AdminFacilitySummary(ContractModel):
    id: str = Field(examples=["3c9a4f7e-1b2d-4c6e-8f0a-5d7b9e1c3a2f"])
    slug: str = Field(examples=["kamppi-p1"])
    name: str = Field(examples=["Kamppi P1"])
    zone_number: str = Field(examples=["1234"])
    timezone: str = Field(examples=["Europe/Helsinki"])
    capacity: int = Field(examples=[120])
    detection: Detection
    provider: ProviderRef
    center: Position | None = Field(description="A point inside the outline; null without geometry")
    has_outline: bool = Field(description="Whether the facility has an outline (`geometry`)", examples=[True])
    grace_minutes: int = Field(
        description="Minutes after paid time ends before a car counts as unpaid", examples=[15]
    )
    currency: str = Field(
        description="The operator's currency; amounts are in its minor units", examples=["EUR"]
    )
    tariff_text: str = Field(
        description="The tariff in one sentence, amounts without the currency",
        examples=["First 15 min free, then 0.75 per 15 min, max 24.00 a day"],
    )
    hour_amount: int = Field(
        description="Parking for one hour starting now (this minute), before the service fee, in minor "
        "units; daily caps counted in the facility's time zone",
        examples=[225],
    )
    updated_at: datetime = Field(examples=["2026-03-30T14:23:00Z"])


class AdminFacility(AdminFacilitySummary):
    geometry: dict[str, Any] | None = Field(description="GeoJSON Polygon or MultiPolygon, WGS84 [lon, lat]")
    tariff: Tariff
    early_stop: EarlyStop
    address: str | None
    notices: list[str] = Field(examples=[["Height limit 2.1 m"]])
    rules: str = Field(examples=["Park within the marked bays."])
    created_at: datetime = Field(examples=["2026-03-01T09:00:00Z"])


class AdminFacilityPage(ContractModel):
    items: list[AdminFacilitySummary]
    total: int = Field(examples=[1], description="Matching facilities in all pages")
    limit: int = Field(examples=[50])
    offset: int = Field(examples=[0])


class PassProductPatch(ContractModel):
    """Only the fields sent are changed; `is_active: false` takes the product off sale."""

    name: str | None = Field(default=None, min_length=1, max_length=100, examples=["Monthly pass"])
    amount: Amount | None = Field(default=None, examples=[9900])
    days: int | None = Field(default=None, ge=1, le=366, examples=[30])
    is_active: bool | None = Field(default=None, examples=[True])


class AdminPassProduct(ContractModel):
    slug: str = Field(examples=["monthly"])
    name: str = Field(examples=["Monthly pass"])
    amount: int = Field(examples=[9900], description="Price in minor units")
    currency: str = Field(examples=["EUR"])
    days: int = Field(examples=[30])
    is_active: bool = Field(examples=[True], description="False: no longer sold (sold passes stay valid)")


class TariffPreviewRequest(ContractModel):
    """A tariff as the facility editor holds it, priced before it is saved."""

    tariff: Tariff = Field(examples=[_TARIFF_EXAMPLE])
    facility: Slug | None = Field(
        default=None,
        description="Price in this facility's time zone (daily caps follow local days); "
        "default: the operator's time zone",
        examples=["kamppi-p1"],
    )
    start_at: AwareDatetime | None = Field(
        default=None,
        description="When the stays would start (with offset, within a year of now); default: now",
        examples=["2026-03-30T14:23:00Z"],
    )


class PreviewPrice(ContractModel):
    duration_minutes: int = Field(examples=[60])
    label: str = Field(examples=["1 h"])
    parking_amount: int = Field(description="Minor units", examples=[225])
    service_fee_amount: int = Field(description="The operator's service fee on top", examples=[6])
    total_amount: int = Field(examples=[231])
    currency: str = Field(examples=["EUR"])
    exceeds_max_stay: bool = Field(
        description="Longer than `max_stay_minutes`: a prepaid session this long is refused "
        "(a camera-tracked stay is still charged this price)",
        examples=[False],
    )


class TariffPreview(ContractModel):
    tariff_text: str = Field(examples=["First 15 min free, then 0.75 per 15 min, max 24.00 a day"])
    currency: str = Field(examples=["EUR"])
    timezone: str = Field(
        description="The time zone the daily cap was counted in", examples=["Europe/Helsinki"]
    )
    start_at: datetime = Field(examples=["2026-03-30T14:23:00Z"])
    prices: list[PreviewPrice] = Field(description="For 15 min, 1 h, 3 h and 24 h")
