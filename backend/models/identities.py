from tortoise import fields
from tortoise.models import Model


class OperatorUser(Model):
    """A person at an operator (or a platform super admin, who has no tenant)."""

    id = fields.UUIDField(primary_key=True)
    tenant = fields.ForeignKeyField(
        "models.Tenant", related_name="users", null=True, on_delete=fields.CASCADE
    )
    email = fields.CharField(max_length=254, unique=True)
    name = fields.CharField(max_length=200, default="")
    password_hash = fields.CharField(max_length=255)
    role = fields.CharField(max_length=20)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "operator_user"


class ApiKey(Model):
    """An enforcement key (`x-api-key`). Only its SHA-256 is stored. Several may be active at once."""

    id = fields.UUIDField(primary_key=True)
    tenant = fields.ForeignKeyField("models.Tenant", related_name="api_keys", on_delete=fields.CASCADE)
    name = fields.CharField(max_length=100)
    prefix = fields.CharField(max_length=12)
    secret_hash = fields.CharField(max_length=64, unique=True)
    # Facility ids the key is limited to; null means every facility of the tenant.
    facility_ids = fields.JSONField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)
    last_used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_key"


class WebhookToken(Model):
    """A camera/barrier webhook bearer token. Only its SHA-256 is stored."""

    id = fields.UUIDField(primary_key=True)
    tenant = fields.ForeignKeyField("models.Tenant", related_name="webhook_tokens", on_delete=fields.CASCADE)
    name = fields.CharField(max_length=100, default="webhook")
    prefix = fields.CharField(max_length=12)
    secret_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)
    last_used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "webhook_token"
