from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0004_payment_refunded_at')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('models.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='audit_entries', on_delete=OnDelete.CASCADE)),
                ('actor', fields.ForeignKeyField('models.OperatorUser', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='audit_entries', on_delete=OnDelete.SET_NULL)),
                ('actor_label', fields.CharField(description="The actor's email, or 'system'", max_length=254)),
                ('action', fields.CharField(max_length=60)),
                ('object_type', fields.CharField(max_length=30)),
                ('object_id', fields.CharField(max_length=64)),
                ('details', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'audit_entry', 'app': 'models', 'indexes': [Index(fields=['tenant_id', 'object_type', 'object_id']), Index(fields=['tenant_id', 'created_at'])], 'pk_attr': 'id', 'table_description': 'Who did what to which object of a tenant, and when (plate corrections, invoices, credentials).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Invoice',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('models.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='invoices', on_delete=OnDelete.CASCADE)),
                ('stay', fields.ForeignKeyField('models.Stay', source_field='stay_id', db_constraint=True, to_field='id', related_name='invoices', on_delete=OnDelete.RESTRICT)),
                ('driver', fields.ForeignKeyField('models.Driver', source_field='driver_id', null=True, db_constraint=True, to_field='id', related_name='invoices', on_delete=OnDelete.SET_NULL)),
                ('number', fields.IntField()),
                ('plate', fields.CharField(max_length=40)),
                ('bill_to', fields.CharField(default='', max_length=300)),
                ('currency', fields.CharField(max_length=3)),
                ('amount', fields.IntField()),
                ('status', fields.CharField(default='issued', max_length=10)),
                ('live_slot', fields.CharField(null=True, default='live', max_length=4)),
                ('issued_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('paid_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('paid_reference', fields.CharField(null=True, max_length=200)),
                ('voided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('void_reason', fields.CharField(null=True, max_length=300)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'invoice', 'app': 'models', 'unique_together': (('tenant', 'number'), ('stay', 'live_slot')), 'indexes': [Index(fields=['tenant_id', 'status', 'issued_at'])], 'pk_attr': 'id', 'table_description': 'A bill for an unpaid stay, numbered per tenant (`INV-000042`).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TenantCounter',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('models.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='counters', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=20)),
                ('value', fields.IntField(default=0)),
            ],
            options={'table': 'tenant_counter', 'app': 'models', 'unique_together': (('tenant', 'name'),), 'pk_attr': 'id', 'table_description': 'The last number handed out per tenant for a numbered kind (`invoice`, `ticket`).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Ticket',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('models.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='tickets', on_delete=OnDelete.CASCADE)),
                ('number', fields.IntField()),
                ('driver', fields.ForeignKeyField('models.Driver', source_field='driver_id', null=True, db_constraint=True, to_field='id', related_name='tickets', on_delete=OnDelete.SET_NULL)),
                ('kind', fields.CharField(default='question', max_length=10)),
                ('subject', fields.CharField(max_length=200)),
                ('status', fields.CharField(default='open', max_length=10)),
                ('stay', fields.ForeignKeyField('models.Stay', source_field='stay_id', null=True, db_constraint=True, to_field='id', related_name='tickets', on_delete=OnDelete.SET_NULL)),
                ('session', fields.ForeignKeyField('models.ParkingSession', source_field='session_id', null=True, db_constraint=True, to_field='id', related_name='tickets', on_delete=OnDelete.SET_NULL)),
                ('plate', fields.CharField(null=True, max_length=40)),
                ('assignee', fields.ForeignKeyField('models.OperatorUser', source_field='assignee_id', null=True, db_constraint=True, to_field='id', related_name='tickets', on_delete=OnDelete.SET_NULL)),
                ('outcome', fields.CharField(null=True, max_length=10)),
                ('resolution', fields.TextField(null=True, unique=False)),
                ('first_response_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('resolved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_message_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'ticket', 'app': 'models', 'unique_together': (('tenant', 'number'),), 'indexes': [Index(fields=['tenant_id', 'status', 'created_at']), Index(fields=['driver_id', 'created_at'])], 'pk_attr': 'id', 'table_description': "A driver's support request or dispute, numbered per tenant."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TicketMessage',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ticket', fields.ForeignKeyField('models.Ticket', source_field='ticket_id', db_constraint=True, to_field='id', related_name='messages', on_delete=OnDelete.CASCADE)),
                ('author_kind', fields.CharField(description='driver, operator or system', max_length=10)),
                ('author_user', fields.ForeignKeyField('models.OperatorUser', source_field='author_user_id', null=True, db_constraint=True, to_field='id', related_name='ticket_messages', on_delete=OnDelete.SET_NULL)),
                ('author_name', fields.CharField(default='', max_length=200)),
                ('body', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'ticket_message', 'app': 'models', 'indexes': [Index(fields=['ticket_id', 'id'])], 'pk_attr': 'id', 'table_description': "One message in a ticket's chat, from the driver, an operator user, or the system."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Facility',
            name='notices',
            field=fields.JSONField(default=list, db_default='[]', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Facility',
            name='rules',
            field=fields.TextField(default='', db_default='', unique=False),
        ),
        ops.AddIndex(
            model_name='ParkingSession',
            index=Index(fields=['tenant_id', 'starts_at']),
        ),
        ops.AddIndex(
            model_name='ParkingSession',
            index=Index(fields=['facility_id', 'starts_at']),
        ),
        ops.AddIndex(
            model_name='Stay',
            index=Index(fields=['facility_id', 'entered_at']),
        ),
        ops.AddIndex(
            model_name='Stay',
            index=Index(fields=['tenant_id', 'plate_normalized']),
        ),
    ]
