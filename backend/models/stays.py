from tortoise import fields
from tortoise.models import Model


class Stay(Model):
    """A vehicle's visit to a facility, from an entry event to an exit event (ANPR or geofence)."""

    # Status: `open` (inside), `payment_pending` (exited, charge in progress), `paid`, `unpaid` (no
    # driver, auto-pay off, or the card failed: see `failure_reason`), `needs_review` (events that do not
    # pair up).

    id = fields.UUIDField(primary_key=True)
    tenant = fields.ForeignKeyField("models.Tenant", related_name="stays", on_delete=fields.CASCADE)
    facility = fields.ForeignKeyField("models.Facility", related_name="stays", on_delete=fields.RESTRICT)
    driver = fields.ForeignKeyField(
        "models.Driver", related_name="stays", null=True, on_delete=fields.SET_NULL
    )
    plate = fields.CharField(max_length=40, description="As the camera read it")
    plate_normalized = fields.CharField(max_length=20)
    source = fields.CharField(max_length=10, default="anpr", description="anpr or geofence")
    status = fields.CharField(max_length=20, default="open")
    entered_at = fields.DatetimeField(null=True)
    exited_at = fields.DatetimeField(null=True)
    free_until = fields.DatetimeField(null=True)
    # Paid in the app while still inside: the stay is paid up to this moment.
    paid_until = fields.DatetimeField(null=True)
    currency = fields.CharField(max_length=3)
    parking_amount = fields.IntField(default=0)
    service_fee_amount = fields.IntField(default=0)
    total_amount = fields.IntField(default=0)
    paid_amount = fields.IntField(default=0)
    failure_reason = fields.CharField(max_length=300, null=True)
    review_reason = fields.CharField(max_length=300, null=True)
    entry_image_url = fields.CharField(max_length=1000, null=True)
    exit_image_url = fields.CharField(max_length=1000, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "stay"
        indexes = (
            ("facility_id", "plate_normalized", "status"),
            ("plate_normalized", "facility_id", "entered_at"),
            ("tenant_id", "entered_at"),
            ("facility_id", "entered_at"),
            ("tenant_id", "plate_normalized"),
            ("driver_id", "entered_at"),
            # Enforcement's paid-plates list: the open stays (exited_at IS NULL) and the just-left ones;
            # covering for the dashboard's collection rate (stays exited since, by status).
            ("facility_id", "exited_at", "status", "currency", "total_amount", "paid_amount"),
        )


class StayEvent(Model):
    """One camera or geofence event as delivered."""

    # Unique per (facility, plate, event, timestamp), so a repeated delivery finds the first one and
    # changes nothing.

    id = fields.UUIDField(primary_key=True)
    tenant = fields.ForeignKeyField("models.Tenant", related_name="stay_events", on_delete=fields.CASCADE)
    facility = fields.ForeignKeyField(
        "models.Facility", related_name="stay_events", on_delete=fields.RESTRICT
    )
    stay = fields.ForeignKeyField("models.Stay", related_name="events", null=True, on_delete=fields.SET_NULL)
    event = fields.CharField(max_length=10, description="entry or exit")
    plate = fields.CharField(max_length=40)
    plate_normalized = fields.CharField(max_length=20)
    occurred_at = fields.DatetimeField()
    image_url = fields.CharField(max_length=1000, null=True)
    source = fields.CharField(max_length=10, default="anpr")
    outcome = fields.CharField(max_length=30, default="accepted")
    received_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "stay_event"
        unique_together = (("facility", "plate_normalized", "event", "occurred_at"),)
