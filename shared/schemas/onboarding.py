"""The onboarding file of CONTRACT §3 (`parkflow load`)."""

from enum import StrEnum
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field, HttpUrl

from shared.schemas.common import Amount, ContractModel, Currency, EmailAddress, Slug
from shared.schemas.geometry import GeoJSONGeometry
from shared.schemas.tariff import ServiceFee, Tariff


def _check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"'{value}' is not an IANA time zone (e.g. Europe/Helsinki)") from None
    return value


TimeZoneName = Annotated[str, AfterValidator(_check_timezone), Field(examples=["Europe/Helsinki"])]


class Role(StrEnum):
    super_admin = "super_admin"
    tenant_admin = "tenant_admin"
    operator = "operator"
    enforcement = "enforcement"


class Detection(StrEnum):
    anpr = "anpr"
    geofence = "geofence"
    none = "none"


class EarlyStop(StrEnum):
    refund_unused = "refund_unused"
    no_refund = "no_refund"


class ProviderKind(StrEnum):
    passport = "passport"
    paybyphone = "paybyphone"
    easypark = "easypark"
    native = "native"


class ProviderAuth(StrEnum):
    oauth2 = "oauth2"
    bearer = "bearer"
    x_api_key = "x-api-key"


Notice = Annotated[str, Field(min_length=1, max_length=120, examples=["Height limit 2.1 m"])]
Notices = Annotated[
    list[Notice],
    Field(
        max_length=10,
        description="Short notices drivers see before they pay (at most 10, 120 characters each)",
        examples=[["Height limit 2.1 m", "Closed 1-5 am"]],
    ),
]
Rules = Annotated[
    str,
    Field(
        max_length=4000,
        description="The lot's rules in plain text, shown to drivers (at most 4000 characters)",
        examples=["Park within the marked bays. Vehicles over 3.5 t are not allowed."],
    ),
]
GraceMinutes = Annotated[
    int,
    Field(
        ge=0,
        le=120,
        description="Minutes after paid time ends before a car counts as unpaid (0-120)",
        examples=[15],
    ),
]


class UserEntry(ContractModel):
    email: EmailAddress
    password: str | None = Field(default=None, min_length=8)
    role: Role = Role.operator
    name: str | None = None


class SuperAdminEntry(ContractModel):
    email: EmailAddress
    password: str | None = Field(default=None, min_length=8)
    name: str | None = None


class ApiKeyEntry(ContractModel):
    name: str = Field(min_length=1, max_length=100)
    key: str | None = Field(default=None, min_length=16)
    facilities: list[Slug] | None = None


class ProviderConnectionEntry(ContractModel):
    slug: Slug
    kind: ProviderKind
    auth: ProviderAuth | None = None
    base_url: HttpUrl | None = None
    token_url: HttpUrl | None = None
    client_id: str | None = None
    client_secret: str | None = None
    api_key: str | None = None


class FacilityProviderRef(ContractModel):
    connection: str
    zone_id: str | None = None


class PassProductEntry(ContractModel):
    slug: Slug
    name: str = Field(min_length=1, max_length=100)
    amount: Amount
    days: int = Field(ge=1, le=366)


class FacilityEntry(ContractModel):
    slug: Slug
    name: str = Field(min_length=1, max_length=200)
    zone_number: str = Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9-]+$")
    timezone: TimeZoneName | None = None
    capacity: int = Field(default=0, ge=0)
    detection: Detection = Detection.none
    geometry: GeoJSONGeometry | None = None
    tariff: Tariff
    grace_minutes: GraceMinutes = 15
    early_stop: EarlyStop = EarlyStop.refund_unused
    provider: Literal["native"] | FacilityProviderRef = "native"
    pass_products: list[PassProductEntry] = Field(default_factory=list)
    address: str | None = None
    notices: Notices = Field(default_factory=list)
    rules: Rules = ""


class TenantEntry(ContractModel):
    slug: Slug
    name: str = Field(min_length=1, max_length=200)
    currency: Currency
    timezone: TimeZoneName
    service_fee: ServiceFee = Field(default_factory=ServiceFee)
    webhook_tokens: list[Annotated[str, Field(min_length=16)]] | None = None
    api_keys: list[ApiKeyEntry] = Field(default_factory=list)
    users: list[UserEntry] = Field(default_factory=list)
    providers: list[ProviderConnectionEntry] = Field(default_factory=list)
    facilities: list[FacilityEntry] = Field(default_factory=list)


class OnboardingFile(ContractModel):
    super_admins: list[SuperAdminEntry] = Field(default_factory=list)
    tenants: list[TenantEntry] = Field(default_factory=list)
