"""Enforcement API keys and webhook tokens of one operator: created, rotated, revoked; all audited.

Secrets are generated here, returned once, and stored only as SHA-256 hashes: a lost key is
revoked and replaced, never shown again. Two ways to replace one:

* rotate: a new secret with the same name (and facilities) at once, the old one refused from that
  moment — for a leaked secret, or devices that are updated in one go;
* create a second one, switch the devices over, then revoke the old one — without a gap.

Audit entries name the credential by id, name and display prefix, never the secret.
"""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from tortoise.transactions import in_transaction

from backend.audit.service import record
from backend.auth.dependencies import OperatorContext
from backend.facilities.repository import FacilityRepository
from backend.identities.repository import ApiKeyRepository, WebhookTokenRepository
from backend.kit.errors import ConflictError
from backend.kit.secrets import display_prefix, generate_secret, hash_secret
from backend.models import ApiKey, WebhookToken
from shared.errors import ErrorCode, ParkflowError
from shared.schemas.admin import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyOut,
    WebhookTokenCreate,
    WebhookTokenCreated,
    WebhookTokenOut,
)

_API_KEY_PREFIX = "ek_"
_WEBHOOK_PREFIX = "whk_"


def _revoked_already(what: str) -> ConflictError:
    return ConflictError(f"This {what} is revoked, so it cannot be rotated; create a new one instead.")


async def _revoke(model: type[ApiKey] | type[WebhookToken], row_id: UUID, at: datetime) -> bool:
    """Revoke if still active; False when it already was (a conditional update: two rotations of one
    credential cannot both win)."""
    return bool(await model.filter(id=row_id, revoked_at=None).update(revoked_at=at))


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


def _key_details(key: ApiKey, **more: Any) -> dict[str, Any]:
    return {"name": key.name, "prefix": key.prefix, **more}


async def list_api_keys(ctx: OperatorContext) -> list[ApiKeyOut]:
    keys = await ApiKeyRepository(ctx.tenant_id).query().order_by("-created_at", "name")
    return await _api_key_out(ctx, keys)


async def _new_api_key(tenant_id: UUID, name: str, facility_ids: list[str] | None) -> tuple[ApiKey, str]:
    secret = generate_secret(_API_KEY_PREFIX)
    key = await ApiKey.create(
        tenant_id=tenant_id,
        name=name,
        prefix=display_prefix(secret),
        secret_hash=hash_secret(secret),
        facility_ids=facility_ids,
    )
    return key, secret


async def create_api_key(ctx: OperatorContext, body: ApiKeyCreate) -> ApiKeyCreated:
    tenant_id = ctx.tenant_id
    facility_ids = await _facility_ids(ctx, body.facilities)
    async with in_transaction():
        key, secret = await _new_api_key(tenant_id, body.name, facility_ids)
        (out,) = await _api_key_out(ctx, [key])
        details = _key_details(key, facilities=out.facilities)
        await record(ctx, tenant_id, "api_key.created", "api_key", key.id, details)
    return ApiKeyCreated(**out.model_dump(), key=secret)


async def rotate_api_key(ctx: OperatorContext, key_id: str) -> ApiKeyCreated:
    """A new key with the old one's name and facilities; the old one stops working at once."""
    tenant_id = ctx.tenant_id
    old = await ApiKeyRepository(tenant_id).get(key_id)
    if old.revoked_at is not None:
        raise _revoked_already("API key")
    now = datetime.now(UTC)
    async with in_transaction():
        if not await _revoke(ApiKey, old.id, now):
            raise _revoked_already("API key")
        key, secret = await _new_api_key(tenant_id, old.name, old.facility_ids)
        details = _key_details(old, new_key_id=str(key.id), new_prefix=key.prefix)
        await record(ctx, tenant_id, "api_key.rotated", "api_key", old.id, details)
    (out,) = await _api_key_out(ctx, [key])
    return ApiKeyCreated(**out.model_dump(), key=secret)


async def revoke_api_key(ctx: OperatorContext, key_id: str, *, action: str = "api_key.revoked") -> ApiKeyOut:
    """Revoking twice keeps the first revocation time (and makes one audit entry)."""
    key = await ApiKeyRepository(ctx.tenant_id).get(key_id)
    async with in_transaction():
        now = datetime.now(UTC)
        if await _revoke(ApiKey, key.id, now):
            await record(ctx, ctx.tenant_id, action, "api_key", key.id, _key_details(key))
    await key.refresh_from_db(fields=["revoked_at"])
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


async def _new_webhook_token(tenant_id: UUID, name: str) -> tuple[WebhookToken, str]:
    secret = generate_secret(_WEBHOOK_PREFIX)
    token = await WebhookToken.create(
        tenant_id=tenant_id, name=name, prefix=display_prefix(secret), secret_hash=hash_secret(secret)
    )
    return token, secret


async def create_webhook_token(ctx: OperatorContext, body: WebhookTokenCreate) -> WebhookTokenCreated:
    tenant_id = ctx.tenant_id
    async with in_transaction():
        token, secret = await _new_webhook_token(tenant_id, body.name)
        details = {"name": token.name, "prefix": token.prefix}
        await record(ctx, tenant_id, "webhook_token.created", "webhook_token", token.id, details)
    return WebhookTokenCreated(**_token_out(token).model_dump(), token=secret)


async def rotate_webhook_token(ctx: OperatorContext, token_id: str) -> WebhookTokenCreated:
    """A new token with the old one's name; the old one is refused (401) from now on."""
    tenant_id = ctx.tenant_id
    old = await WebhookTokenRepository(tenant_id).get(token_id)
    if old.revoked_at is not None:
        raise _revoked_already("webhook token")
    now = datetime.now(UTC)
    async with in_transaction():
        if not await _revoke(WebhookToken, old.id, now):
            raise _revoked_already("webhook token")
        token, secret = await _new_webhook_token(tenant_id, old.name)
        details = {
            "name": old.name,
            "prefix": old.prefix,
            "new_token_id": str(token.id),
            "new_prefix": token.prefix,
        }
        await record(ctx, tenant_id, "webhook_token.rotated", "webhook_token", old.id, details)
    return WebhookTokenCreated(**_token_out(token).model_dump(), token=secret)


async def revoke_webhook_token(
    ctx: OperatorContext, token_id: str | UUID, *, action: str = "webhook_token.revoked"
) -> WebhookTokenOut:
    token = await WebhookTokenRepository(ctx.tenant_id).get(token_id)
    async with in_transaction():
        now = datetime.now(UTC)
        if await _revoke(WebhookToken, token.id, now):
            details = {"name": token.name, "prefix": token.prefix}
            await record(ctx, ctx.tenant_id, action, "webhook_token", token.id, details)
    await token.refresh_from_db(fields=["revoked_at"])
    return _token_out(token)
