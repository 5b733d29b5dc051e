"""CE audits move to the `ce_audits` app (ce_audits/migrations/0001_initial.py): here the
model leaves the migration state only. The table and its rows stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("ce_audits", "0001_initial"),
        ("certification", "0012_documents_to_documents_app"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="CeAudit")],
        ),
    ]
