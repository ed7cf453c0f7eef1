from tortoise import migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    """The dashboard's revenue and collection figures read from covering indexes (issue 7): each
    replaces the narrower index it starts with, so writes keep the same number of indexes."""

    dependencies = [("models", "0005_admin_view")]

    initial = False

    operations = [
        ops.RemoveIndex(model_name="Payment", fields=["tenant_id", "created_at"]),
        ops.AddIndex(
            model_name="Payment",
            index=Index(fields=["tenant_id", "created_at", "status", "currency", "amount", "refunded_amount"]),
        ),
        ops.RemoveIndex(model_name="Stay", fields=["facility_id", "exited_at"]),
        ops.AddIndex(
            model_name="Stay",
            index=Index(fields=["facility_id", "exited_at", "status", "currency", "total_amount", "paid_amount"]),
        ),
    ]
