from tortoise import fields
from tortoise.models import Model


class Job(Model):
    """A unit of background work (charge an exit, send a receipt)."""

    # Stored so it survives restarts and runs after the transaction that created it commits.
    # Status: pending, running, done, failed.

    id = fields.BigIntField(primary_key=True)
    kind = fields.CharField(max_length=40)
    payload = fields.JSONField(default=dict)
    status = fields.CharField(max_length=10, default="pending")
    run_at = fields.DatetimeField()
    attempts = fields.IntField(default=0)
    max_attempts = fields.IntField(default=8)
    locked_until = fields.DatetimeField(null=True)
    last_error = fields.TextField(null=True)
    dedupe_key = fields.CharField(max_length=200, null=True, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "job"
        indexes = (("status", "run_at"),)


class DriverEvent(Model):
    """What the driver's app is told (server-sent events)."""

    # Kept so a reconnecting app can replay what it missed (`Last-Event-ID`).

    id = fields.BigIntField(primary_key=True)
    driver = fields.ForeignKeyField("models.Driver", related_name="events", on_delete=fields.CASCADE)
    kind = fields.CharField(max_length=40)
    payload = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "driver_event"
        indexes = (("driver_id", "id"),)


class OutboundEmail(Model):
    """A receipt or notice to send."""

    # Delivered by a job, retried with backoff, never blocking a request.

    id = fields.UUIDField(primary_key=True)
    to_address = fields.CharField(max_length=254)
    subject = fields.CharField(max_length=300)
    body_text = fields.TextField()
    body_html = fields.TextField(null=True)
    kind = fields.CharField(max_length=40, default="receipt")
    status = fields.CharField(max_length=10, default="pending", description="pending, sent, failed")
    attempts = fields.IntField(default=0)
    last_error = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "outbound_email"
