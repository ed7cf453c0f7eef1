from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import UniqueConstraint

class Migration(migrations.Migration):
    dependencies = [('models', '0002_operator_flows')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Quote',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('models.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='quotes', on_delete=OnDelete.CASCADE)),
                ('facility', fields.ForeignKeyField('models.Facility', source_field='facility_id', db_constraint=True, to_field='id', related_name='quotes', on_delete=OnDelete.CASCADE)),
                ('driver', fields.ForeignKeyField('models.Driver', source_field='driver_id', db_constraint=True, to_field='id', related_name='quotes', on_delete=OnDelete.CASCADE)),
                ('session', fields.ForeignKeyField('models.ParkingSession', source_field='session_id', null=True, db_constraint=True, to_field='id', related_name='quotes', on_delete=OnDelete.SET_NULL)),
                ('purpose', fields.CharField(default='session', description='session or extension', max_length=10)),
                ('plate', fields.CharField(max_length=40)),
                ('plate_normalized', fields.CharField(max_length=20)),
                ('duration_minutes', fields.IntField()),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('currency', fields.CharField(max_length=3)),
                ('parking_amount', fields.IntField()),
                ('service_fee_amount', fields.IntField()),
                ('total_amount', fields.IntField()),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('idempotency_key', fields.CharField(null=True, max_length=100)),
                ('status', fields.CharField(default='open', description='open, pending, applied, failed', max_length=10)),
                ('failure_code', fields.CharField(null=True, max_length=40)),
                ('failure_reason', fields.CharField(null=True, max_length=300)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'quote', 'app': 'models', 'unique_together': (('driver', 'idempotency_key'),), 'indexes': [Index(fields=['session_id']), Index(fields=['created_at'])], 'pk_attr': 'id', 'table_description': 'A price offered to a driver for a prepaid session or for extending one, valid briefly.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='ParkingSession',
            name='busy_until',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='ParkingSession',
            name='failure_code',
            field=fields.CharField(null=True, max_length=40),
        ),
        ops.AddField(
            model_name='ParkingSession',
            name='failure_reason',
            field=fields.CharField(null=True, max_length=300),
        ),
        ops.AddField(
            model_name='ParkingSession',
            name='idempotency_key',
            field=fields.CharField(null=True, max_length=100),
        ),
        ops.AddField(
            model_name='ParkingSession',
            name='live_slot',
            field=fields.CharField(null=True, max_length=4),
        ),
        ops.AddField(
            model_name='ParkingSession',
            name='provider_checked_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='ParkingSession',
            name='provider_status',
            field=fields.CharField(null=True, max_length=20),
        ),
        ops.AddField(
            model_name='ParkingSession',
            name='refunded_amount',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='ParkingSession',
            name='request_hash',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddIndex(
            model_name='ParkingSession',
            index=Index(fields=['status', 'ends_at']),
        ),
        ops.AddConstraint(
            model_name='ParkingSession',
            constraint=UniqueConstraint(fields=('driver', 'idempotency_key'), name=None),
        ),
        ops.AddConstraint(
            model_name='ParkingSession',
            constraint=UniqueConstraint(fields=('facility', 'plate_normalized', 'live_slot'), name=None),
        ),
    ]
