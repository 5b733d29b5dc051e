"""The audit trail moves to the `audit` app (audit/migrations/0001_initial.py): here it leaves
the state only, after its append-only trigger under the old name is dropped (the audit app
has installed it under its new name). The table and its rows stay."""

from django.db import migrations
import pgtrigger.migrations


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("counties", "0004_field_history"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="auditevent",
            name="audit_append_only",
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AuditEvent")],
        ),
    ]
