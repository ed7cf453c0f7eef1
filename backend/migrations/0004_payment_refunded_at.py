from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0003_sessions')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Payment',
            name='refunded_at',
            field=fields.DatetimeField(null=True, description='When money was last given back', auto_now=False, auto_now_add=False),
        ),
    ]
