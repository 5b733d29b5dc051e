"""The proof's foreign key now names documents.Document (moved from certification with its
table, documents/migrations/0001_initial.py): a change of the migration state only.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
        ("training", "0002_field_history"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="trainingrecord",
                    name="certificate",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="documents.document",
                        verbose_name="certificate of completion",
                    ),
                ),
                migrations.AlterField(
                    model_name="trainingrecordevent",
                    name="certificate",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="documents.document",
                        verbose_name="certificate of completion",
                    ),
                ),
            ],
        ),
    ]
