"""The proof's foreign key now names documents.Document (moved from certification with its
table, documents/migrations/0001_initial.py): a change of the migration state only.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("continuing_ed", "0002_field_history"),
        ("documents", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="cecredit",
                    name="document",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="documents.document",
                        verbose_name="proof of completion",
                    ),
                ),
                migrations.AlterField(
                    model_name="cecreditevent",
                    name="document",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="documents.document",
                        verbose_name="proof of completion",
                    ),
                ),
            ],
        ),
    ]
