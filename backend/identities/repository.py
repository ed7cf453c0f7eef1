"""Operator users, enforcement keys and webhook tokens, scoped to one tenant."""

from backend.kit.repository import TenantRepository
from backend.models import ApiKey, OperatorUser, WebhookToken


class UserRepository(TenantRepository[OperatorUser]):
    model = OperatorUser
    label = "user"


class ApiKeyRepository(TenantRepository[ApiKey]):
    model = ApiKey
    label = "API key"


class WebhookTokenRepository(TenantRepository[WebhookToken]):
    model = WebhookToken
    label = "webhook token"


async def email_in_use(email: str) -> bool:
    """Operator e-mails are unique on the platform: one login form serves every operator."""
    return await OperatorUser.exists(email=email)
