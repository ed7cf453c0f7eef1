from tortoise import fields
from tortoise.models import Model


class Facility(Model):
    """A car park or street zone. Its slug is unique on the platform (drivers look it up by slug)."""

    id = fields.UUIDField(primary_key=True)
    tenant = fields.ForeignKeyField("models.Tenant", related_name="facilities", on_delete=fields.CASCADE)
    slug = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=200)
    name_lower = fields.CharField(max_length=200, db_index=True)
    zone_number = fields.CharField(max_length=20, db_index=True)
    timezone = fields.CharField(max_length=64)
    capacity = fields.IntField(default=0)
    detection = fields.CharField(max_length=10)
    geometry = fields.JSONField(null=True)
    center_lon = fields.FloatField(null=True)
    center_lat = fields.FloatField(null=True)
    tariff = fields.JSONField()
    grace_minutes = fields.IntField(default=15)
    early_stop = fields.CharField(max_length=20, default="refund_unused")
    provider_connection = fields.ForeignKeyField(
        "models.ProviderConnection", related_name="facilities", null=True, on_delete=fields.SET_NULL
    )
    provider_zone_id = fields.CharField(max_length=64, null=True)
    address = fields.CharField(max_length=300, null=True)
    # Shown to drivers before they pay: short notices ("Height limit 2.1 m") and the lot's rules.
    notices = fields.JSONField(default=list, db_default="[]")
    rules = fields.TextField(default="", db_default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "facility"
        unique_together = (("tenant", "zone_number"),)


class PassProduct(Model):
    id = fields.UUIDField(primary_key=True)
    facility = fields.ForeignKeyField(
        "models.Facility", related_name="pass_products", on_delete=fields.CASCADE
    )
    slug = fields.CharField(max_length=64)
    name = fields.CharField(max_length=100)
    amount = fields.IntField()
    days = fields.IntField()
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "pass_product"
        unique_together = (("facility", "slug"),)
