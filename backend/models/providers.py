from tortoise import fields
from tortoise.models import Model


class ProviderConnection(Model):
    """How a tenant reaches a parking provider's session API. Secrets stored encrypted."""

    id = fields.UUIDField(primary_key=True)
    tenant = fields.ForeignKeyField("models.Tenant", related_name="providers", on_delete=fields.CASCADE)
    slug = fields.CharField(max_length=64)
    kind = fields.CharField(max_length=20)
    auth = fields.CharField(max_length=20, null=True)
    base_url = fields.CharField(max_length=500, null=True)
    token_url = fields.CharField(max_length=500, null=True)
    client_id = fields.CharField(max_length=200, null=True)
    client_secret_encrypted = fields.TextField(null=True)
    api_key_encrypted = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "provider_connection"
        unique_together = (("tenant", "slug"),)
