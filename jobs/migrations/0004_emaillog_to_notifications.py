"""The email log moves to the `notifications` app (notifications/migrations/0001_initial.py):
here it leaves the migration state only. The table and its rows stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0003_outbox_finished"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="EmailLog")],
        ),
    ]
