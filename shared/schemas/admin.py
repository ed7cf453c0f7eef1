"""Operator admin API (`/api/v1/admin`): operators (tenants), users, enforcement keys, webhook tokens.

Facilities and pass products are in `shared.schemas.admin_facilities`.
"""

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field

from shared.schemas.common import ContractModel, Currency, EmailAddress, Slug
from shared.schemas.onboarding import Role, TimeZoneName
from shared.schemas.tariff import ServiceFee

_SLUG_EXAMPLE = "helsinki-parking"
_CREATED_EXAMPLE = "2026-03-30T14:23:00Z"


DEFAULT_PRIMARY_COLOR = "#1F5FAD"
DEFAULT_ACCENT_COLOR = "#F2A900"

HexColor = Annotated[
    str,
    Field(pattern=r"^#[0-9A-Fa-f]{6}$", description="#RRGGBB", examples=["#0B5FFF"]),
    AfterValidator(str.upper),
]


class Branding(ContractModel):
    """How an operator's portal looks: its name as shown, two colours and the text of its logo badge.

    Unset fields take the defaults (the operator's name, Parkflow's blue and amber, no logo text).
    """

    display_name: str | None = Field(
        default=None,
        min_length=1,
        max_length=60,
        description="Default: the operator's name",
        examples=["HelPark"],
    )
    primary_color: HexColor = Field(default=DEFAULT_PRIMARY_COLOR, examples=["#0B5FFF"])
    accent_color: HexColor = Field(default=DEFAULT_ACCENT_COLOR, examples=["#FFB300"])
    logo_text: str | None = Field(
        default=None,
        min_length=1,
        max_length=12,
        description="Short text for the logo badge",
        examples=["HP"],
    )


class TenantCreate(ContractModel):
    slug: Slug = Field(examples=[_SLUG_EXAMPLE])
    name: str = Field(min_length=1, max_length=200, examples=["Helsinki Parking Oy"])
    currency: Currency
    timezone: TimeZoneName
    service_fee: ServiceFee = Field(default_factory=ServiceFee)


class TenantUpdate(ContractModel):
    """Only the fields sent are changed. The currency is fixed once the operator exists."""

    name: str | None = Field(default=None, min_length=1, max_length=200, examples=["Helsinki Parking Oy"])
    timezone: TimeZoneName | None = None
    service_fee: ServiceFee | None = None
    branding: Branding | None = Field(
        default=None,
        description="Replaces the whole branding (fields left out take their defaults); null resets it",
        examples=[{"display_name": "HelPark", "primary_color": "#0B5FFF", "accent_color": "#FFB300"}],
    )


class TenantOut(ContractModel):
    slug: str = Field(examples=[_SLUG_EXAMPLE])
    name: str = Field(examples=["Helsinki Parking Oy"])
    currency: str = Field(examples=["EUR"])
    timezone: str = Field(examples=["Europe/Helsinki"])
    service_fee: ServiceFee
    branding: Branding = Field(description="With the defaults filled in: `display_name` is never null")
    created_at: datetime = Field(examples=[_CREATED_EXAMPLE])


class UserCreate(ContractModel):
    email: EmailAddress
    password: str = Field(min_length=1, max_length=200, examples=["correct horse battery"])
    name: str = Field(default="", max_length=200, examples=["Aino Virtanen"])
    role: Role = Field(
        default=Role.operator,
        description="tenant_admin, operator or enforcement (super admins are created by onboarding)",
        examples=["operator"],
    )


class UserUpdate(ContractModel):
    """Only the fields sent are changed; `is_active: false` deactivates the user."""

    name: str | None = Field(default=None, max_length=200, examples=["Aino Virtanen"])
    role: Role | None = Field(default=None, examples=["enforcement"])
    is_active: bool | None = Field(default=None, examples=[False])


class UserOut(ContractModel):
    id: str = Field(examples=["6f1c1a52-4b7e-4d8e-9a51-0c2f7d3e9b10"])
    email: str = Field(examples=["ops@example.test"])
    name: str = Field(examples=["Aino Virtanen"])
    role: Role = Field(examples=["operator"])
    is_active: bool = Field(examples=[True])
    created_at: datetime = Field(examples=[_CREATED_EXAMPLE])


class ApiKeyCreate(ContractModel):
    name: str = Field(min_length=1, max_length=100, examples=["handhelds"])
    facilities: Annotated[
        list[Slug] | None,
        Field(
            min_length=1,
            description="Slugs of the facilities the key may check; omit for every facility",
            examples=[["kamppi-p1"]],
        ),
    ] = None


class ApiKeyOut(ContractModel):
    id: str = Field(examples=["0b5f2f0e-6a43-4a4f-8f3e-2d1c9b7a6e55"])
    name: str = Field(examples=["handhelds"])
    prefix: str = Field(description="The key's first characters, to tell keys apart", examples=["ek_Xk3v9Qa"])
    facilities: list[str] | None = Field(
        description="Facility slugs the key is limited to; null means every facility",
        examples=[["kamppi-p1"]],
    )
    created_at: datetime = Field(examples=[_CREATED_EXAMPLE])
    last_used_at: datetime | None = Field(examples=[None])
    revoked_at: datetime | None = Field(examples=[None])


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(
        description="The key itself. Shown only in this response: store it now.",
        examples=["ek_Xk3v9QaZr0bW1nD4mF7tH2yL8pC5sV6e"],
    )


class WebhookTokenCreate(ContractModel):
    name: str = Field(default="webhook", min_length=1, max_length=100, examples=["entrance cameras"])


class WebhookTokenOut(ContractModel):
    id: str = Field(examples=["9e3d7c1b-2a5f-4e8d-b6c4-1f0a9d8e7c6b"])
    name: str = Field(examples=["entrance cameras"])
    prefix: str = Field(description="The token's first characters", examples=["whk_Pq8rT2"])
    created_at: datetime = Field(examples=[_CREATED_EXAMPLE])
    last_used_at: datetime | None = Field(examples=[None])
    revoked_at: datetime | None = Field(examples=[None])


class WebhookTokenCreated(WebhookTokenOut):
    token: str = Field(
        description="The bearer token for `POST /webhook`. Shown only in this response: store it now.",
        examples=["whk_Pq8rT2mZ4xY7kB1nC9vD3sF6gH0jL5wQ"],
    )
