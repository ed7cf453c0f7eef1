"""What drivers see of facilities: zone lookup, discovery and the facility page (CONTRACT §5)."""

from decimal import Decimal

from pydantic import Field

from shared.schemas.common import ContractModel
from shared.schemas.geometry import GeoJSONGeometry
from shared.schemas.tariff import Tariff


class Position(ContractModel):
    lat: float = Field(examples=[60.1688])
    lon: float = Field(examples=[24.9313])


class FacilitySummary(ContractModel):
    slug: str = Field(examples=["kamppi-p1"])
    name: str = Field(examples=["Kamppi P1"])
    zone_number: str = Field(examples=["1234"])
    operator: str = Field(description="The operator's name", examples=["Helsinki Parking Oy"])
    operator_slug: str = Field(examples=["helsinki-parking"])
    currency: str = Field(examples=["EUR"])
    detection: str = Field(description="anpr | geofence | none", examples=["anpr"])
    capacity: int = Field(examples=[120])
    center: Position | None = Field(description="A point inside the lot, for map pins")
    distance_m: float | None = Field(
        default=None, description="Metres from the given position to the lot (0 inside it)", examples=[42.5]
    )
    tariff_text: str = Field(examples=["First 15 min free, then 0.75 per 15 min, max 24.00 a day"])


class ServiceFeeOut(ContractModel):
    percent: Decimal = Field(examples=["2.5"])
    fixed_amount: int = Field(examples=[0])


class PassProductOut(ContractModel):
    slug: str = Field(examples=["monthly"])
    name: str = Field(examples=["Monthly pass"])
    amount: int = Field(examples=[9900])
    days: int = Field(examples=[30])


class FacilityDetail(FacilitySummary):
    timezone: str = Field(examples=["Europe/Helsinki"])
    address: str | None = None
    tariff: Tariff
    service_fee: ServiceFeeOut = Field(description="Added to every payment as a separate line")
    grace_minutes: int = Field(examples=[15])
    early_stop: str = Field(description="refund_unused | no_refund", examples=["refund_unused"])
    geometry: GeoJSONGeometry | None = None
    pass_products: list[PassProductOut] = Field(default_factory=list)


class FacilityList(ContractModel):
    items: list[FacilitySummary]
    count: int = Field(examples=[1])
