"""Certification numbers come from this sequence: unique under concurrency, never reused
(a rolled-back transaction burns its number rather than handing it out twice)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("certification", "0002_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE IF NOT EXISTS certification_number_seq START 1000",
            "DROP SEQUENCE IF EXISTS certification_number_seq",
        ),
    ]
