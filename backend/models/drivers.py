from tortoise import fields
from tortoise.models import Model


class Driver(Model):
    """A driver account. Drivers belong to the platform, not to one operator."""

    id = fields.UUIDField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    name = fields.CharField(max_length=200, default="")
    password_hash = fields.CharField(max_length=255)
    auto_pay = fields.BooleanField(default=True)
    reminder_minutes = fields.IntField(default=10)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "driver"


class RefreshToken(Model):
    """One refresh token per login chain link. Rotated on use, so a stolen old one is refused."""

    jti = fields.CharField(max_length=64, primary_key=True)
    driver = fields.ForeignKeyField("models.Driver", related_name="refresh_tokens", on_delete=fields.CASCADE)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "refresh_token"


class Vehicle(Model):
    id = fields.UUIDField(primary_key=True)
    driver = fields.ForeignKeyField("models.Driver", related_name="vehicles", on_delete=fields.CASCADE)
    plate = fields.CharField(max_length=40, description="As the driver first wrote it")
    plate_normalized = fields.CharField(max_length=20, db_index=True)
    is_default = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "vehicle"
        unique_together = (("driver", "plate_normalized"),)


class PaymentMethod(Model):
    """A processor token and display details only. Card numbers never reach us."""

    id = fields.UUIDField(primary_key=True)
    driver = fields.ForeignKeyField("models.Driver", related_name="payment_methods", on_delete=fields.CASCADE)
    gateway = fields.CharField(max_length=20)
    processor_token = fields.CharField(max_length=255)
    brand = fields.CharField(max_length=20)
    last4 = fields.CharField(max_length=4)
    exp_month = fields.IntField(null=True)
    exp_year = fields.IntField(null=True)
    is_default = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "payment_method"
