from tortoise import fields
from tortoise.models import Model


class Quote(Model):
    """A price offered to a driver for a prepaid session or for extending one, valid briefly."""

    # purpose `session`: made by POST /quotes; POST /sessions claims it by setting `session`
    # (a conditional update, so one quote starts at most one session; released again when that
    # session fails). purpose `extension`: made by POST /sessions/{id}/extend as the request's
    # record: `idempotency_key` (unique per driver) makes a repeated extend find it, `status` says
    # how it ended (`pending`, `applied`, `failed` with `failure_code`/`failure_reason`).

    id = fields.UUIDField(primary_key=True)
    tenant = fields.ForeignKeyField("models.Tenant", related_name="quotes", on_delete=fields.CASCADE)
    facility = fields.ForeignKeyField("models.Facility", related_name="quotes", on_delete=fields.CASCADE)
    driver = fields.ForeignKeyField("models.Driver", related_name="quotes", on_delete=fields.CASCADE)
    session = fields.ForeignKeyField(
        "models.ParkingSession", related_name="quotes", null=True, on_delete=fields.SET_NULL
    )
    purpose = fields.CharField(max_length=10, default="session", description="session or extension")
    plate = fields.CharField(max_length=40)
    plate_normalized = fields.CharField(max_length=20)
    duration_minutes = fields.IntField()
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    currency = fields.CharField(max_length=3)
    parking_amount = fields.IntField()
    service_fee_amount = fields.IntField()
    total_amount = fields.IntField()
    expires_at = fields.DatetimeField()
    idempotency_key = fields.CharField(max_length=100, null=True)
    status = fields.CharField(max_length=10, default="open", description="open, pending, applied, failed")
    failure_code = fields.CharField(max_length=40, null=True)
    failure_reason = fields.CharField(max_length=300, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "quote"
        unique_together = (("driver", "idempotency_key"),)
        indexes = (("session_id",), ("created_at",))
