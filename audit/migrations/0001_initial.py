"""The audit trail moves here from `counties`, keeping its table `counties_auditevent` and its
rows (core/model_moves.py): the model in the migration state only, its append-only trigger
under the name pgtrigger gives it in this app, its content type relabelled."""

import django.db.models.deletion
import django.utils.timezone
import pgtrigger.compiler
import pgtrigger.migrations

from core.model_moves import content_types_move
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("counties", "0004_field_history"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEvent",
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
                        ("verb", models.CharField(max_length=60)),
                        ("object_type", models.CharField(max_length=60)),
                        ("object_id", models.BigIntegerField()),
                        ("from_state", models.CharField(blank=True, max_length=30)),
                        ("to_state", models.CharField(blank=True, max_length=30)),
                        ("reason", models.TextField(blank=True)),
                        ("data", models.JSONField(blank=True, default=dict)),
                        (
                            "created_at",
                            models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                        ),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "county",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="audit_events",
                                to="counties.county",
                            ),
                        ),
                        (
                            "subject",
                            models.ForeignKey(
                                blank=True,
                                help_text="The person the record is about (applicant or peer), when there is one.",
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "counties_auditevent",
                        "ordering": ["created_at", "id"],
                        "indexes": [
                            models.Index(
                                fields=["object_type", "object_id"], name="audit_object_idx"
                            ),
                            models.Index(
                                fields=["county", "created_at"], name="audit_county_time_idx"
                            ),
                        ],
                    },
                ),
            ],
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="auditevent",
            trigger=pgtrigger.compiler.Trigger(
                name="audit_append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION '% is append-only: % is refused (rows are never changed or deleted).', TG_TABLE_NAME, TG_OP;",
                    hash="4ad6f16363aae4ee4f6c0db7f0be2d71add42181",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_audit_append_only_f6eda",
                    table="counties_auditevent",
                    when="BEFORE",
                ),
            ),
        ),
        content_types_move("counties", "audit", ("auditevent",)),
    ]
