from typing import Any

from tortoise import fields
from tortoise.models import Model

from backend.models.stays import Stay


class Payment(Model):
    """Money moved (or attempted) for a driver: one row per charge, whatever it paid for."""

    # `idempotency_key` is unique: the same purchase retried finds this row instead of charging twice.
    # Status: `pending`, `authorized`, `captured`, `failed`, `voided`, `refunded`, `partially_refunded`.

    id = fields.UUIDField(primary_key=True)
    tenant = fields.ForeignKeyField("models.Tenant", related_name="payments", on_delete=fields.RESTRICT)
    driver = fields.ForeignKeyField(
        "models.Driver", related_name="payments", null=True, on_delete=fields.SET_NULL
    )
    payment_method = fields.ForeignKeyField(
        "models.PaymentMethod", related_name="payments", null=True, on_delete=fields.SET_NULL
    )
    purpose = fields.CharField(max_length=20, description="stay, stay_prepay, session, extension, pass")
    stay = fields.ForeignKeyField(
        "models.Stay", related_name="payments", null=True, on_delete=fields.SET_NULL
    )
    session = fields.ForeignKeyField(
        "models.ParkingSession", related_name="payments", null=True, on_delete=fields.SET_NULL
    )
    parking_pass = fields.ForeignKeyField(
        "models.ParkingPass", related_name="payments", null=True, on_delete=fields.SET_NULL
    )
    facility = fields.ForeignKeyField(
        "models.Facility",
        related_name="payments",
        null=True,
        on_delete=fields.RESTRICT,
        description="Of the stay, session or pass paid for (set on creation): per-facility revenue",
    )
    idempotency_key = fields.CharField(max_length=200, unique=True)
    gateway = fields.CharField(max_length=20)
    charge_id = fields.CharField(max_length=64, null=True)
    currency = fields.CharField(max_length=3)
    parking_amount = fields.IntField(default=0)
    service_fee_amount = fields.IntField(default=0)
    amount = fields.IntField(description="The total charged: parking + service fee")
    refunded_amount = fields.IntField(default=0)
    refunded_at = fields.DatetimeField(null=True, description="When money was last given back")
    status = fields.CharField(max_length=20, default="pending")
    failure_code = fields.CharField(max_length=40, null=True)
    failure_reason = fields.CharField(max_length=300, null=True)
    covers_from = fields.DatetimeField(null=True)
    covers_until = fields.DatetimeField(null=True)
    receipt_sent_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "payment"
        # The foreign keys are indexed for enforcement's recent payments of a plate (joined from its
        # stays, sessions and passes) and for finding what a stay, session or pass was paid with.
        indexes = (
            # Covering for the dashboard's revenue per quarter hour: answered from the index alone.
            ("tenant_id", "created_at", "status", "currency", "amount", "refunded_amount"),
            ("facility_id", "created_at", "status", "currency", "amount", "refunded_amount"),
            ("driver_id", "created_at"),
            ("stay_id",),
            ("session_id",),
            ("parking_pass_id",),
        )

    async def save(self, *args: Any, **kwargs: Any) -> None:
        """A new payment takes the facility of what it pays for (bulk inserts must give it)."""
        if not self._saved_in_db and self.facility_id is None:  # type: ignore[attr-defined]
            self.facility_id = await _facility_paid_for(self)
        await super().save(*args, **kwargs)


async def _facility_paid_for(payment: Payment) -> Any:
    for model, key in (
        (Stay, payment.stay_id),  # type: ignore[attr-defined]
        (ParkingSession, payment.session_id),  # type: ignore[attr-defined]
        (ParkingPass, payment.parking_pass_id),  # type: ignore[attr-defined]
    ):
        if key is not None:
            found = await model.filter(id=key).values_list("facility_id", flat=True)
            return found[0] if found else None
    return None


class ParkingSession(Model):
    """A prepaid session (zone + duration paid up front), here or at a parking provider."""

    # Status: `pending` (paying / starting at the provider), `active`, `stopped`, `expired`, `failed`.
    # `idempotency_key` is unique per driver: a repeated POST /sessions finds the first session
    # (`request_hash` tells a different body apart). `live_slot` is "live" while pending or active
    # and NULL otherwise: unique with facility + plate, so one plate never has two live sessions at
    # a facility (NULLs never collide, on SQLite and PostgreSQL alike). `busy_until` is a short lease
    # held while a request or job changes the session at its provider (extend, stop, reconcile).

    id = fields.UUIDField(primary_key=True)
    tenant = fields.ForeignKeyField("models.Tenant", related_name="sessions", on_delete=fields.RESTRICT)
    facility = fields.ForeignKeyField("models.Facility", related_name="sessions", on_delete=fields.RESTRICT)
    driver = fields.ForeignKeyField(
        "models.Driver", related_name="sessions", null=True, on_delete=fields.SET_NULL
    )
    plate = fields.CharField(max_length=40)
    plate_normalized = fields.CharField(max_length=20)
    status = fields.CharField(max_length=20, default="pending")
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    stopped_at = fields.DatetimeField(null=True)
    currency = fields.CharField(max_length=3)
    parking_amount = fields.IntField(default=0)
    service_fee_amount = fields.IntField(default=0)
    total_amount = fields.IntField(default=0)
    provider_session_id = fields.CharField(max_length=100, null=True)
    refunded_amount = fields.IntField(default=0, db_default=0)
    idempotency_key = fields.CharField(max_length=100, null=True)
    request_hash = fields.CharField(max_length=64, null=True)
    live_slot = fields.CharField(max_length=4, null=True)
    busy_until = fields.DatetimeField(null=True)
    failure_code = fields.CharField(max_length=40, null=True)
    failure_reason = fields.CharField(max_length=300, null=True)
    provider_status = fields.CharField(max_length=20, null=True)
    provider_checked_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "parking_session"
        unique_together = (("driver", "idempotency_key"), ("facility", "plate_normalized", "live_slot"))
        indexes = (
            ("plate_normalized", "facility_id", "ends_at"),
            ("facility_id", "ends_at"),
            ("driver_id", "starts_at"),
            ("status", "ends_at"),
            ("tenant_id", "starts_at"),
            ("facility_id", "starts_at"),
        )


class ParkingPass(Model):
    """A pass bought for a plate at a facility, valid from `valid_from` to `valid_until`."""

    id = fields.UUIDField(primary_key=True)
    tenant = fields.ForeignKeyField("models.Tenant", related_name="passes", on_delete=fields.RESTRICT)
    facility = fields.ForeignKeyField("models.Facility", related_name="passes", on_delete=fields.RESTRICT)
    product = fields.ForeignKeyField("models.PassProduct", related_name="passes", on_delete=fields.RESTRICT)
    driver = fields.ForeignKeyField(
        "models.Driver", related_name="passes", null=True, on_delete=fields.SET_NULL
    )
    plate = fields.CharField(max_length=40)
    plate_normalized = fields.CharField(max_length=20)
    valid_from = fields.DatetimeField()
    valid_until = fields.DatetimeField()
    status = fields.CharField(max_length=20, default="active", description="pending, active, cancelled")
    amount = fields.IntField()
    currency = fields.CharField(max_length=3)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "parking_pass"
        indexes = (("plate_normalized", "facility_id", "valid_until"), ("facility_id", "valid_until"))


class EnforcementCheck(Model):
    """Every plate check, for disputes: who asked, when, about what, and the answer."""

    id = fields.BigIntField(primary_key=True)
    tenant = fields.ForeignKeyField(
        "models.Tenant", related_name="enforcement_checks", on_delete=fields.CASCADE
    )
    api_key = fields.ForeignKeyField(
        "models.ApiKey", related_name="checks", null=True, on_delete=fields.SET_NULL
    )
    facility = fields.ForeignKeyField(
        "models.Facility", related_name="checks", null=True, on_delete=fields.SET_NULL
    )
    plate = fields.CharField(max_length=40)
    plate_normalized = fields.CharField(max_length=20)
    at = fields.DatetimeField()
    status = fields.CharField(max_length=20)
    should_fine = fields.BooleanField()
    checked_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "enforcement_check"
        indexes = (("tenant_id", "checked_at"), ("plate_normalized", "checked_at"))
