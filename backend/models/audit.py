from tortoise import fields
from tortoise.models import Model


class AuditEntry(Model):
    """Who did what to which object of a tenant, and when (plate corrections, invoices, credentials)."""

    # `action` is dotted, e.g. `stay.plate_corrected`; `details` holds the before/after values. Rows are
    # never updated or deleted by the application.

    id = fields.BigIntField(primary_key=True)
    tenant = fields.ForeignKeyField("models.Tenant", related_name="audit_entries", on_delete=fields.CASCADE)
    actor = fields.ForeignKeyField(
        "models.OperatorUser", related_name="audit_entries", null=True, on_delete=fields.SET_NULL
    )
    actor_label = fields.CharField(max_length=254, description="The actor's email, or 'system'")
    action = fields.CharField(max_length=60)
    object_type = fields.CharField(max_length=30)
    object_id = fields.CharField(max_length=64)
    details = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "audit_entry"
        indexes = (("tenant_id", "object_type", "object_id"), ("tenant_id", "created_at"))
