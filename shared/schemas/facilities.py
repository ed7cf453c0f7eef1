"""What drivers see of facilities: zone lookup, discovery and the facility page (CONTRACT §5)."""

from decimal import Decimal
from typing import Literal

from pydantic import Field

from shared.schemas.common import AwareDatetime, ContractModel
from shared.schemas.geometry import GeoJSONGeometry
from shared.schemas.tariff import Tariff


class Position(ContractModel):
    lat: float = Field(examples=[60.1688])
    lon: float = Field(examples=[24.9313])


class Occupancy(ContractModel):
    capacity: int = Field(examples=[240])
    available: int = Field(description="Free spaces at `updated_at`", examples=[37])
    updated_at: AwareDatetime = Field(examples=["2026-03-30T14:20:00Z"])


class LotRate(ContractModel):
    description: str = Field(examples=["Per hour"])
    amount: int = Field(description="Minor units (300 = 3.00)", examples=[300])
    currency: str = Field(examples=["USD"])
    duration_minutes: int = Field(examples=[60])


class FacilitySummary(ContractModel):
    """A place to park. `source` says whose: `parkflow` facilities can be paid for here; `parking_data`
    lots come from a parking data service (rates and occupancy to compare, no slug, not bookable)."""

    slug: str | None = Field(description="None for `parking_data` lots", examples=["kamppi-p1"])
    name: str = Field(examples=["Kamppi P1"])
    zone_number: str | None = Field(description="None for `parking_data` lots", examples=["1234"])
    operator: str = Field(description="The operator's name", examples=["Helsinki Parking Oy"])
    operator_slug: str | None = Field(
        description="None for `parking_data` lots", examples=["helsinki-parking"]
    )
    currency: str | None = Field(description="None for a `parking_data` lot without rates", examples=["EUR"])
    detection: str = Field(description="anpr | geofence | none", examples=["anpr"])
    capacity: int = Field(examples=[120])
    center: Position | None = Field(description="A point inside the lot, for map pins")
    distance_m: float | None = Field(
        default=None, description="Metres from the given position to the lot (0 inside it)", examples=[42.5]
    )
    tariff_text: str = Field(examples=["First 15 min free, then 0.75 per 15 min, max 24.00 a day"])
    address: str | None = Field(default=None, examples=["Kampinkuja 2, Helsinki"])
    source: Literal["parkflow", "parking_data"] = Field(default="parkflow", examples=["parkflow"])
    external_id: str | None = Field(
        default=None, description="The parking data service's id of a `parking_data` lot", examples=[None]
    )
    occupancy: Occupancy | None = Field(
        default=None, description="Live-ish free spaces, when a parking data service knows the lot"
    )
    rates: list[LotRate] | None = Field(
        default=None, description="A `parking_data` lot's published rates (ours are in `tariff_text`)"
    )


class ServiceFeeOut(ContractModel):
    percent: Decimal = Field(examples=["2.5"])
    fixed_amount: int = Field(examples=[0])


class PassProductOut(ContractModel):
    slug: str = Field(examples=["monthly"])
    name: str = Field(examples=["Monthly pass"])
    amount: int = Field(examples=[9900])
    days: int = Field(examples=[30])


class FacilityDetail(FacilitySummary):
    # Only Parkflow's own facilities have a page: these are always set here.
    slug: str = Field(examples=["kamppi-p1"])
    zone_number: str = Field(examples=["1234"])
    operator_slug: str = Field(examples=["helsinki-parking"])
    currency: str = Field(examples=["EUR"])
    timezone: str = Field(examples=["Europe/Helsinki"])
    tariff: Tariff
    service_fee: ServiceFeeOut = Field(description="Added to every payment as a separate line")
    grace_minutes: int = Field(examples=[15])
    early_stop: str = Field(description="refund_unused | no_refund", examples=["refund_unused"])
    geometry: GeoJSONGeometry | None = None
    pass_products: list[PassProductOut] = Field(default_factory=list)
    notices: list[str] = Field(
        default_factory=list,
        description="Short notices from the operator, to show before paying",
        examples=[["Height limit 2.1 m"]],
    )
    rules: str = Field(
        default="", description="The lot's rules in plain text", examples=["No overnight parking."]
    )


class FacilityList(ContractModel):
    items: list[FacilitySummary]
    count: int = Field(examples=[1])
