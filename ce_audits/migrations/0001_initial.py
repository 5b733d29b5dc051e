"""CE audits move here from `certification`, keeping their table certification_ceaudit and rows
(core/model_moves.py): the model in the migration state only, its content type relabelled.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from core.model_moves import content_types_move


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("certification", "0012_documents_to_documents_app"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("counties", "0005_auditevent_to_audit"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CeAudit",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("cycle_end", models.DateField(verbose_name="end of the audited cycle")),
                        ("drawn_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("requested_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "outcome",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending"),
                                    ("passed", "Passed"),
                                    ("failed", "Failed"),
                                ],
                                default="pending",
                                max_length=10,
                                verbose_name="outcome",
                            ),
                        ),
                        ("outcome_note", models.TextField(blank=True, verbose_name="note")),
                        ("decided_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "certification",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="ce_audits",
                                to="certification.certification",
                            ),
                        ),
                        (
                            "county",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="ce_audits",
                                to="counties.county",
                            ),
                        ),
                        (
                            "decided_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "drawn_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "certification_ceaudit",
                        "ordering": ["-drawn_at", "-id"],
                        "indexes": [
                            models.Index(
                                fields=["county", "outcome", "drawn_at"], name="ce_audit_county_idx"
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("outcome", "pending")),
                                fields=("certification",),
                                name="ce_audit_one_open_per_certification",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("outcome__in", ["pending", "passed", "failed"])
                                ),
                                name="ce_audit_outcome_valid",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("decided_at__isnull", True), ("outcome", "pending")),
                                    models.Q(
                                        models.Q(("outcome", "pending"), _negated=True),
                                        ("decided_at__isnull", False),
                                    ),
                                    _connector="OR",
                                ),
                                name="ce_audit_decided_when_closed",
                            ),
                        ],
                    },
                ),
            ],
        ),
        content_types_move("certification", "ce_audits", ("ceaudit",)),
    ]
