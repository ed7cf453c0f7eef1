"""Who is calling: `CurrentDriver`, `CurrentOperator`, `TenantAdmin`, `EnforcementKey`, `WebhookCaller`."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Header, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer, OAuth2PasswordBearer

from backend.kit.errors import AuthenticationError, ForbiddenError, NotFoundError
from backend.kit.secrets import hash_secret
from backend.kit.services import Services
from backend.models import ApiKey, Driver, OperatorUser, Tenant, WebhookToken
from shared.errors import ErrorCode
from shared.schemas.onboarding import Role

_driver_bearer = OAuth2PasswordBearer(
    tokenUrl="/api/v1/auth/token", scheme_name="DriverToken", auto_error=False
)
_operator_bearer = OAuth2PasswordBearer(
    tokenUrl="/api/v1/admin/auth/token", scheme_name="OperatorToken", auto_error=False
)
_api_key = APIKeyHeader(name="x-api-key", scheme_name="EnforcementKey", auto_error=False)
_LAST_USED_RESOLUTION = timedelta(minutes=1)
_webhook_bearer = HTTPBearer(scheme_name="WebhookToken", auto_error=False)


def _missing(what: str) -> AuthenticationError:
    return AuthenticationError(
        f"{what} is missing; send it in the Authorization header.", ErrorCode.not_authenticated
    )


async def _current_driver(
    services: Services, token: Annotated[str | None, Depends(_driver_bearer)]
) -> Driver:
    if not token:
        raise _missing("The driver's access token")
    claims = services.tokens.verify(token, "driver")
    driver = await Driver.get_or_none(id=claims.subject)
    if driver is None:
        raise AuthenticationError("This account no longer exists; log in again.", ErrorCode.invalid_token)
    return driver


CurrentDriver = Annotated[Driver, Depends(_current_driver)]


@dataclass(frozen=True)
class OperatorContext:
    """An operator user and the tenant they act for (a super admin chooses it with `X-Tenant`).

    `preview` is a super admin looking at a tenant's portal as its admin would (`X-Preview: true`):
    every change is refused while it is on.
    """

    user: OperatorUser
    tenant: Tenant | None
    preview: bool = False

    @property
    def role(self) -> Role:
        return Role(self.user.role)

    @property
    def is_super_admin(self) -> bool:
        return self.role is Role.super_admin

    @property
    def tenant_id(self) -> UUID:
        if self.tenant is None:
            raise ForbiddenError(
                "Choose the operator to act for: send its slug in the X-Tenant header.", ErrorCode.forbidden
            )
        return self.tenant.id


_READS = frozenset({"GET", "HEAD", "OPTIONS"})
READ_ONLY = {"x-read-only": True}
"""`openapi_extra` of a POST that changes nothing (a price preview): allowed in a read-only preview."""


def _changes_nothing(request: Request) -> bool:
    if request.method in _READS:
        return True
    extra = getattr(request.scope.get("route"), "openapi_extra", None) or {}
    return bool(extra.get("x-read-only"))


async def _current_operator(
    request: Request,
    services: Services,
    token: Annotated[str | None, Depends(_operator_bearer)],
    x_tenant: Annotated[
        str | None, Header(description="Super admins: slug of the operator to act for.")
    ] = None,
    x_preview: Annotated[
        bool,
        Header(description="Super admins: `true` to see X-Tenant's portal read-only, as its admin would."),
    ] = False,
) -> OperatorContext:
    if not token:
        raise _missing("The operator's access token")
    claims = services.tokens.verify(token, "operator")
    user = await OperatorUser.get_or_none(id=claims.subject, is_active=True).prefetch_related("tenant")
    if user is None:
        raise AuthenticationError("This user is no longer active; log in again.", ErrorCode.invalid_token)
    if user.role == Role.super_admin:
        tenant = None
        if x_tenant:
            tenant = await Tenant.get_or_none(slug=x_tenant.strip().lower())
            if tenant is None:
                raise NotFoundError(f"No operator with slug '{x_tenant}'.")
        if x_preview:
            if tenant is None:
                raise ForbiddenError("A preview needs the operator to preview: send its slug in X-Tenant.")
            if not _changes_nothing(request):
                raise ForbiddenError(
                    "This is a read-only preview of the operator's portal; leave the preview to change "
                    "anything.",
                    ErrorCode.read_only_preview,
                )
        return OperatorContext(user, tenant, preview=bool(x_preview and tenant))
    return OperatorContext(user, user.tenant)


CurrentOperator = Annotated[OperatorContext, Depends(_current_operator)]


def _require(*roles: Role):
    allowed = {Role.super_admin, *roles}

    async def check(ctx: CurrentOperator) -> OperatorContext:
        if ctx.role not in allowed:
            names = ", ".join(sorted(r.value for r in allowed))
            raise ForbiddenError(f"This needs one of the roles: {names}.")
        return ctx

    return check


TenantStaff = Annotated[
    OperatorContext, Depends(_require(Role.tenant_admin, Role.operator, Role.enforcement))
]
"""Any operator user (read access)."""
TenantOperator = Annotated[OperatorContext, Depends(_require(Role.tenant_admin, Role.operator))]
"""Day-to-day operations."""
TenantAdmin = Annotated[OperatorContext, Depends(_require(Role.tenant_admin))]
"""Configuration: facilities, users, keys."""
SuperAdmin = Annotated[OperatorContext, Depends(_require())]


@dataclass(frozen=True)
class EnforcementKeyContext:
    key_id: UUID
    tenant_id: UUID
    facility_ids: frozenset[UUID] | None  # None: every facility of the tenant

    def allows(self, facility_id: UUID) -> bool:
        return self.facility_ids is None or facility_id in self.facility_ids


async def _enforcement_key(key: Annotated[str | None, Depends(_api_key)]) -> EnforcementKeyContext:
    if not key:
        raise AuthenticationError("The enforcement API key is missing; send it as the x-api-key header.")
    found = await ApiKey.get_or_none(secret_hash=hash_secret(key.strip()), revoked_at=None)
    if found is None:
        raise AuthenticationError(
            "This API key is not valid (unknown or revoked).", ErrorCode.invalid_credentials
        )
    now = datetime.now(UTC)
    if found.last_used_at is None or now - found.last_used_at > _LAST_USED_RESOLUTION:
        # At most one write a minute per key: the check endpoint is a hot read path.
        await ApiKey.filter(id=found.id).update(last_used_at=now)
    ids = None if found.facility_ids is None else frozenset(UUID(i) for i in found.facility_ids)
    return EnforcementKeyContext(found.id, found.tenant_id, ids)  # type: ignore[attr-defined]


EnforcementKey = Annotated[EnforcementKeyContext, Depends(_enforcement_key)]


async def _webhook_caller(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_webhook_bearer)],
) -> UUID:
    if credentials is None or not credentials.credentials:
        raise _missing("The webhook bearer token")
    found = await WebhookToken.get_or_none(
        secret_hash=hash_secret(credentials.credentials.strip()), revoked_at=None
    )
    if found is None:
        raise AuthenticationError(
            "This webhook token is not valid (unknown or revoked).", ErrorCode.invalid_credentials
        )
    now = datetime.now(UTC)
    if found.last_used_at is None or now - found.last_used_at > _LAST_USED_RESOLUTION:
        # At most one write a minute per token: cameras send hundreds of events a second.
        await WebhookToken.filter(id=found.id).update(last_used_at=now)
    return found.tenant_id  # type: ignore[attr-defined]


WebhookCaller = Annotated[UUID, Depends(_webhook_caller)]
"""The tenant whose camera system is calling."""
