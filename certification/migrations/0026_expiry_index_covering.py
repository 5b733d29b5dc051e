"""The expiry index covers what the daily expiry scan reads on a normal day: the
certifications within the renewal reminders' horizon (status, expiry date) and their ids, from
the index alone (certification/expiry.py). At a million certifications the scan read each of
the ~50,000 certifications within 90 days of expiry from the table, every day. Built
CONCURRENTLY before the index it replaces is dropped; the roster's expiry filters use it as
before."""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("certification", "0025_specialization_code_is_data"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="certification",
            index=models.Index(
                fields=["status", "expires_on"],
                include=("id",),
                name="certification_expiry_cover_idx",
            ),
        ),
        RemoveIndexConcurrently(model_name="certification", name="certification_expiry_idx"),
    ]
