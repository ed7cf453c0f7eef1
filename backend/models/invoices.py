from tortoise import fields
from tortoise.models import Model


class Invoice(Model):
    """A bill for an unpaid stay, numbered per tenant (`INV-000042`)."""

    # Status: `issued`, `paid`, `void`. `live_slot` is "live" while issued or paid and NULL once void:
    # unique with the stay, so a stay has at most one invoice that counts (a void one may be reissued).

    id = fields.UUIDField(primary_key=True)
    tenant = fields.ForeignKeyField("models.Tenant", related_name="invoices", on_delete=fields.CASCADE)
    stay = fields.ForeignKeyField("models.Stay", related_name="invoices", on_delete=fields.RESTRICT)
    driver = fields.ForeignKeyField(
        "models.Driver", related_name="invoices", null=True, on_delete=fields.SET_NULL
    )
    number = fields.IntField()
    plate = fields.CharField(max_length=40)
    bill_to = fields.CharField(max_length=300, default="")
    currency = fields.CharField(max_length=3)
    amount = fields.IntField()
    status = fields.CharField(max_length=10, default="issued")
    live_slot = fields.CharField(max_length=4, null=True, default="live")
    issued_at = fields.DatetimeField()
    due_at = fields.DatetimeField()
    paid_at = fields.DatetimeField(null=True)
    paid_reference = fields.CharField(max_length=200, null=True)
    voided_at = fields.DatetimeField(null=True)
    void_reason = fields.CharField(max_length=300, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "invoice"
        unique_together = (("tenant", "number"), ("stay", "live_slot"))
        indexes = (("tenant_id", "status", "issued_at"),)
