"""`/api/v1/admin/users`, `/api-keys`, `/webhook-tokens`: tenant admins only (super admins via X-Tenant).

Every change here is in the audit log (who, what, which object), never with a secret.
"""

from fastapi import APIRouter, Response, status

from backend.auth.dependencies import TenantAdmin
from backend.identities import credentials, users
from backend.kit.openapi import errors
from backend.kit.services import Services
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

router = APIRouter(prefix="/api/v1/admin", tags=["admin: users and keys"])


@router.get("/users", response_model=list[UserOut], responses=errors(401, 403))
async def list_users(ctx: TenantAdmin) -> list[UserOut]:
    """The operator's users, active and deactivated."""
    return await users.list_users(ctx)


@router.post(
    "/users",
    status_code=status.HTTP_201_CREATED,
    response_model=UserOut,
    responses=errors(401, 403, 409, 422),
)
async def create_user(ctx: TenantAdmin, body: UserCreate, services: Services) -> UserOut:
    """Add a user (tenant_admin, operator or enforcement). A weak password is a 422 `weak_password`;
    an e-mail already used on the platform is a 409 `email_taken`."""
    return await users.create_user(services, ctx, body)


@router.patch("/users/{user_id}", response_model=UserOut, responses=errors(401, 403, 404, 409, 422))
async def update_user(ctx: TenantAdmin, user_id: str, body: UserUpdate) -> UserOut:
    """Change a user's name, role (tenant_admin, operator, enforcement), or active flag; a new role
    applies from the user's next request. You cannot deactivate yourself or change your own role
    (403), nor demote or deactivate the operator's last active tenant admin (409)."""
    return await users.update_user(ctx, user_id, body)


@router.delete(
    "/users/{user_id}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(401, 403, 404, 409)
)
async def deactivate_user(ctx: TenantAdmin, user_id: str) -> Response:
    """Deactivate a user: they can no longer log in, and their current tokens stop working. The user
    stays listed (reactivate with PATCH `{"is_active": true}`)."""
    await users.deactivate_user(ctx, user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/api-keys", response_model=list[ApiKeyOut], responses=errors(401, 403))
async def list_api_keys(ctx: TenantAdmin) -> list[ApiKeyOut]:
    """Enforcement API keys, newest first, revoked ones included. The keys themselves are never shown."""
    return await credentials.list_api_keys(ctx)


@router.post(
    "/api-keys",
    status_code=status.HTTP_201_CREATED,
    response_model=ApiKeyCreated,
    responses=errors(401, 403, 422),
)
async def create_api_key(ctx: TenantAdmin, body: ApiKeyCreate) -> ApiKeyCreated:
    """Create an enforcement key (`x-api-key`), optionally limited to some facilities. The key is in
    this response only. To replace a key without a gap: create a new key, switch the devices over,
    revoke the old one (or rotate it, which refuses the old key at once)."""
    return await credentials.create_api_key(ctx, body)


@router.post(
    "/api-keys/{key_id}/rotate",
    status_code=status.HTTP_201_CREATED,
    response_model=ApiKeyCreated,
    responses=errors(401, 403, 404, 409),
)
async def rotate_api_key(ctx: TenantAdmin, key_id: str) -> ApiKeyCreated:
    """Replace a key: a new key (new id, same name and facilities) in this response only, and the old
    key is refused (401) from now on. A revoked key cannot be rotated (409): create a new one."""
    return await credentials.rotate_api_key(ctx, key_id)


@router.post("/api-keys/{key_id}/revoke", response_model=ApiKeyOut, responses=errors(401, 403, 404))
async def revoke_api_key(ctx: TenantAdmin, key_id: str) -> ApiKeyOut:
    """Revoke a key: it stops working at once. Revoking again changes nothing."""
    return await credentials.revoke_api_key(ctx, key_id)


@router.delete("/api-keys/{key_id}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(401, 403, 404))
async def delete_api_key(ctx: TenantAdmin, key_id: str) -> Response:
    """The same as revoking (the key stays listed, with `revoked_at`, for the audit trail)."""
    await credentials.revoke_api_key(ctx, key_id, action="api_key.deleted")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/webhook-tokens", response_model=list[WebhookTokenOut], responses=errors(401, 403))
async def list_webhook_tokens(ctx: TenantAdmin) -> list[WebhookTokenOut]:
    """Camera webhook tokens, newest first, revoked ones included. The tokens themselves are never shown."""
    return await credentials.list_webhook_tokens(ctx)


@router.post(
    "/webhook-tokens",
    status_code=status.HTTP_201_CREATED,
    response_model=WebhookTokenCreated,
    responses=errors(401, 403, 422),
)
async def create_webhook_token(ctx: TenantAdmin, body: WebhookTokenCreate) -> WebhookTokenCreated:
    """Create a bearer token for `POST /webhook`. The token is in this response only."""
    return await credentials.create_webhook_token(ctx, body)


@router.post(
    "/webhook-tokens/{token_id}/rotate",
    status_code=status.HTTP_201_CREATED,
    response_model=WebhookTokenCreated,
    responses=errors(401, 403, 404, 409),
)
async def rotate_webhook_token(ctx: TenantAdmin, token_id: str) -> WebhookTokenCreated:
    """Replace a token: a new token (new id, same name) in this response only, and webhook calls with
    the old one are refused (401) from now on. A revoked token cannot be rotated (409)."""
    return await credentials.rotate_webhook_token(ctx, token_id)


@router.post(
    "/webhook-tokens/{token_id}/revoke", response_model=WebhookTokenOut, responses=errors(401, 403, 404)
)
async def revoke_webhook_token(ctx: TenantAdmin, token_id: str) -> WebhookTokenOut:
    """Revoke a token: webhook calls with it are refused (401) from now on."""
    return await credentials.revoke_webhook_token(ctx, token_id)


@router.delete(
    "/webhook-tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(401, 403, 404)
)
async def delete_webhook_token(ctx: TenantAdmin, token_id: str) -> Response:
    """The same as revoking (the token stays listed, with `revoked_at`, for the audit trail)."""
    await credentials.revoke_webhook_token(ctx, token_id, action="webhook_token.deleted")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
