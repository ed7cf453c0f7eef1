"""Users, enforcement API keys and webhook tokens of one operator.

Secrets are generated here, returned once, and stored only as SHA-256 hashes: a lost key is
revoked and replaced, never shown again. Several keys may be active at once, so rotation is
"create the new one, deploy it, revoke the old one" without a gap.
"""

from datetime import UTC, datetime
from uuid import UUID

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from backend.auth.dependencies import OperatorContext
from backend.auth.passwords import check_password_strength
from backend.facilities.repository import FacilityRepository
from backend.identities.repository import (
    ApiKeyRepository,
    UserRepository,
    WebhookTokenRepository,
    email_in_use,
)
from backend.kit.errors import ConflictError, ForbiddenError
from backend.kit.secrets import display_prefix, generate_secret, hash_secret
from backend.kit.services import AppServices
from backend.models import ApiKey, OperatorUser, WebhookToken
from shared.errors import ErrorCode, ParkflowError
from shared.schemas.admin import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyOut,
    UserCreate,
    UserOut,
    UserUpdate,
    WebhookTokenCreate,
    WebhookTokenCreated,
    WebhookTokenOut,
)
from shared.schemas.onboarding import Role

_EMAIL_TAKEN = "A user with this e-mail already exists; use another address."
_NO_SUPER_ADMINS = "Super admins are created by onboarding, not through the operator admin API."


def user_out(user: OperatorUser) -> UserOut:
    return UserOut(
        id=str(user.id),
        email=user.email,
        name=user.name,
        role=Role(user.role),
        is_active=user.is_active,
        created_at=user.created_at,
    )


async def list_users(ctx: OperatorContext) -> list[UserOut]:
    users = await UserRepository(ctx.tenant_id).query().order_by("email")
    return [user_out(u) for u in users]


async def create_user(services: AppServices, ctx: OperatorContext, body: UserCreate) -> UserOut:
    tenant_id = ctx.tenant_id
    if body.role is Role.super_admin:
        raise ForbiddenError(_NO_SUPER_ADMINS)
    email = body.email.lower()
    check_password_strength(body.password, email)
    if await email_in_use(email):
        raise ConflictError(_EMAIL_TAKEN, ErrorCode.email_taken)
    password_hash = await services.passwords.hash(body.password)
    try:
        async with in_transaction():
            user = await OperatorUser.create(
                tenant_id=tenant_id,
                email=email,
                name=body.name,
                password_hash=password_hash,
                role=body.role.value,
            )
    except IntegrityError:  # the same e-mail was added concurrently
        raise ConflictError(_EMAIL_TAKEN, ErrorCode.email_taken) from None
    return user_out(user)


async def update_user(ctx: OperatorContext, user_id: str, body: UserUpdate) -> UserOut:
    user = await UserRepository(ctx.tenant_id).get(user_id)
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    if changes.get("role") is Role.super_admin:
        raise ForbiddenError(_NO_SUPER_ADMINS)
    if user.id == ctx.user.id:
        # An admin locking themselves out would leave nobody to undo it.
        if changes.get("is_active") is False:
            raise ForbiddenError("You cannot deactivate your own account; ask another tenant admin.")
        if "role" in changes and changes["role"].value != user.role:
            raise ForbiddenError("You cannot change your own role; ask another tenant admin.")
    if "role" in changes:
        changes["role"] = changes["role"].value
    if changes:
        await user.update_from_dict(changes).save(update_fields=list(changes))
    return user_out(user)


async def deactivate_user(ctx: OperatorContext, user_id: str) -> None:
    await update_user(ctx, user_id, UserUpdate(is_active=False))


async def _facility_ids(ctx: OperatorContext, slugs: list[str] | None) -> list[str] | None:
    if slugs is None:
        return None
    found = await FacilityRepository(ctx.tenant_id).ids_by_slug(slugs)
    # Another operator's facility is reported exactly like a missing one.
    missing = [s for s in dict.fromkeys(slugs) if s.lower() not in found]
    if missing:
        names = ", ".join(f"'{s}'" for s in missing)
        raise ParkflowError(
            f"'facilities': no facility {names} at this operator; check the slugs.",
            ErrorCode.validation_error,
        )
    return [str(i) for i in dict.fromkeys(found.values())]


async def _api_key_out(ctx: OperatorContext, keys: list[ApiKey]) -> list[ApiKeyOut]:
    ids = {i for k in keys for i in (k.facility_ids or [])}
    slugs = await FacilityRepository(ctx.tenant_id).slugs_by_id(ids)
    return [
        ApiKeyOut(
            id=str(k.id),
            name=k.name,
            prefix=k.prefix,
            facilities=None
            if k.facility_ids is None
            else sorted(slugs[i] for i in k.facility_ids if i in slugs),
            created_at=k.created_at,
            last_used_at=k.last_used_at,
            revoked_at=k.revoked_at,
        )
        for k in keys
    ]


async def list_api_keys(ctx: OperatorContext) -> list[ApiKeyOut]:
    keys = await ApiKeyRepository(ctx.tenant_id).query().order_by("-created_at", "name")
    return await _api_key_out(ctx, keys)


async def create_api_key(ctx: OperatorContext, body: ApiKeyCreate) -> ApiKeyCreated:
    tenant_id = ctx.tenant_id
    facility_ids = await _facility_ids(ctx, body.facilities)
    secret = generate_secret("ek_")
    key = await ApiKey.create(
        tenant_id=tenant_id,
        name=body.name,
        prefix=display_prefix(secret),
        secret_hash=hash_secret(secret),
        facility_ids=facility_ids,
    )
    (out,) = await _api_key_out(ctx, [key])
    return ApiKeyCreated(**out.model_dump(), key=secret)


async def revoke_api_key(ctx: OperatorContext, key_id: str) -> ApiKeyOut:
    """Revoking twice keeps the first revocation time."""
    key = await ApiKeyRepository(ctx.tenant_id).get(key_id)
    if key.revoked_at is None:
        key.revoked_at = datetime.now(UTC)
        await key.save(update_fields=["revoked_at"])
    (out,) = await _api_key_out(ctx, [key])
    return out


def _token_out(token: WebhookToken) -> WebhookTokenOut:
    return WebhookTokenOut(
        id=str(token.id),
        name=token.name,
        prefix=token.prefix,
        created_at=token.created_at,
        last_used_at=token.last_used_at,
        revoked_at=token.revoked_at,
    )


async def list_webhook_tokens(ctx: OperatorContext) -> list[WebhookTokenOut]:
    tokens = await WebhookTokenRepository(ctx.tenant_id).query().order_by("-created_at", "name")
    return [_token_out(t) for t in tokens]


async def create_webhook_token(ctx: OperatorContext, body: WebhookTokenCreate) -> WebhookTokenCreated:
    tenant_id = ctx.tenant_id
    secret = generate_secret("whk_")
    token = await WebhookToken.create(
        tenant_id=tenant_id, name=body.name, prefix=display_prefix(secret), secret_hash=hash_secret(secret)
    )
    return WebhookTokenCreated(**_token_out(token).model_dump(), token=secret)


async def revoke_webhook_token(ctx: OperatorContext, token_id: str | UUID) -> WebhookTokenOut:
    token = await WebhookTokenRepository(ctx.tenant_id).get(token_id)
    if token.revoked_at is None:
        token.revoked_at = datetime.now(UTC)
        await token.save(update_fields=["revoked_at"])
    return _token_out(token)
