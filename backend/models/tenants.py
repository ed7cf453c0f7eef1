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


class TenantCounter(Model):
    """The last number handed out per tenant for a numbered kind (`invoice`, `ticket`)."""

    id = fields.IntField(primary_key=True)
    tenant = fields.ForeignKeyField("models.Tenant", related_name="counters", on_delete=fields.CASCADE)
    name = fields.CharField(max_length=20)
    value = fields.IntField(default=0)

    class Meta:
        table = "tenant_counter"
        unique_together = (("tenant", "name"),)
