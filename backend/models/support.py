from tortoise import fields
from tortoise.models import Model


class Ticket(Model):
    """A driver's support request or dispute, numbered per tenant."""

    # Kind: `question` or `dispute` (of a stay, a session or a fine). Status: `open` (waiting for the
    # operator), `pending` (waiting for the driver), `resolved`, `closed`. A dispute is resolved with an
    # `outcome` (`upheld` or `rejected`). `first_response_at` and `resolved_at` feed the SLA figures.

    id = fields.UUIDField(primary_key=True)
    tenant = fields.ForeignKeyField("models.Tenant", related_name="tickets", on_delete=fields.CASCADE)
    number = fields.IntField()
    driver = fields.ForeignKeyField(
        "models.Driver", related_name="tickets", null=True, on_delete=fields.SET_NULL
    )
    kind = fields.CharField(max_length=10, default="question")
    subject = fields.CharField(max_length=200)
    status = fields.CharField(max_length=10, default="open")
    stay = fields.ForeignKeyField("models.Stay", related_name="tickets", null=True, on_delete=fields.SET_NULL)
    session = fields.ForeignKeyField(
        "models.ParkingSession", related_name="tickets", null=True, on_delete=fields.SET_NULL
    )
    plate = fields.CharField(max_length=40, null=True)
    assignee = fields.ForeignKeyField(
        "models.OperatorUser", related_name="tickets", null=True, on_delete=fields.SET_NULL
    )
    outcome = fields.CharField(max_length=10, null=True)
    resolution = fields.TextField(null=True)
    first_response_at = fields.DatetimeField(null=True)
    resolved_at = fields.DatetimeField(null=True)
    last_message_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "ticket"
        unique_together = (("tenant", "number"),)
        indexes = (("tenant_id", "status", "created_at"), ("driver_id", "created_at"))


class TicketMessage(Model):
    """One message in a ticket's chat, from the driver, an operator user, or the system."""

    id = fields.BigIntField(primary_key=True)
    ticket = fields.ForeignKeyField("models.Ticket", related_name="messages", on_delete=fields.CASCADE)
    author_kind = fields.CharField(max_length=10, description="driver, operator or system")
    author_user = fields.ForeignKeyField(
        "models.OperatorUser", related_name="ticket_messages", null=True, on_delete=fields.SET_NULL
    )
    author_name = fields.CharField(max_length=200, default="")
    body = fields.TextField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "ticket_message"
        indexes = (("ticket_id", "id"),)
