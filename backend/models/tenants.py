from tortoise import fields
from tortoise.models import Model


class Tenant(Model):
    """An operator company. Every operator-side object belongs to exactly one."""

    id = fields.UUIDField(primary_key=True)
    slug = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=200)
    currency = fields.CharField(max_length=3)
    timezone = fields.CharField(max_length=64)
    service_fee_percent = fields.DecimalField(max_digits=5, decimal_places=2, default=2.5)
    service_fee_fixed_amount = fields.IntField(default=0)
    branding = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "tenant"
