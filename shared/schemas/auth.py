"""Accounts and tokens (CONTRACT §5)."""

from pydantic import Field

from shared.schemas.admin import Branding
from shared.schemas.common import ContractModel, EmailAddress


class RegisterRequest(ContractModel):
    email: EmailAddress
    password: str = Field(min_length=1, max_length=200, examples=["correct horse battery"])
    name: str = Field(default="", max_length=200, examples=["Aino Virtanen"])


class DriverOut(ContractModel):
    id: str
    email: str
    name: str


class TokenResponse(ContractModel):
    access_token: str
    refresh_token: str | None = None
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int = Field(description="Seconds until the access token expires")


class RefreshRequest(ContractModel):
    refresh_token: str = Field(min_length=1, examples=["rt_Jx0mQ2n6k9YbX1..."])


class OperatorMe(ContractModel):
    id: str
    email: str
    name: str
    role: str
    tenant: str | None = Field(description="Slug of the user's operator; null for super admins")
    acting_tenant: str | None = Field(description="The operator this request acted for")
    acting_tenant_name: str | None = Field(
        default=None,
        description="That operator's name; null when acting for none",
        examples=["Helsinki Parking Oy"],
    )
    branding: Branding = Field(
        default_factory=Branding,
        description="The acting operator's branding with defaults filled in; Parkflow's own for none",
    )
    preview: bool = Field(
        default=False,
        description="A super admin's read-only preview (X-Preview): show it as such",
        examples=[False],
    )
