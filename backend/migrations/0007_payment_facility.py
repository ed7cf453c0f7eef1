from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0006_dashboard_covering_indexes')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Payment',
            name='facility',
            field=fields.ForeignKeyField('models.Facility', source_field='facility_id', null=True, description='Of the stay, session or pass paid for (set on creation): per-facility revenue', db_constraint=True, to_field='id', related_name='payments', on_delete=OnDelete.RESTRICT),
        ),
        # Every payment so far: the facility of its stay, session or pass (portable SQL, both engines).
        ops.RunSQL(
            "UPDATE payment SET facility_id = COALESCE("
            "(SELECT s.facility_id FROM stay s WHERE s.id = payment.stay_id), "
            "(SELECT ps.facility_id FROM parking_session ps WHERE ps.id = payment.session_id), "
            "(SELECT pp.facility_id FROM parking_pass pp WHERE pp.id = payment.parking_pass_id)) "
            "WHERE facility_id IS NULL",
            reverse_sql="SELECT 1",
        ),
        ops.AddIndex(
            model_name='Payment',
            index=Index(fields=['facility_id', 'created_at', 'status', 'currency', 'amount', 'refunded_amount']),
        ),
    ]
