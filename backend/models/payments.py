from tortoise import fields
from tortoise.models import Model


class SandboxCharge(Model):
    """The sandbox processor's own ledger (a real processor keeps this on its side)."""

    id = fields.CharField(max_length=40, primary_key=True)
    processor_token = fields.CharField(max_length=255)
    currency = fields.CharField(max_length=3)
    authorized_amount = fields.IntField()
    captured_amount = fields.IntField(default=0)
    refunded_amount = fields.IntField(default=0)
    status = fields.CharField(max_length=20)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "sandbox_charge"
