"""The email log moves here from `jobs`, keeping its table jobs_emaillog and rows
(core/model_moves.py): the model in the migration state only, its content type relabelled.
The email task moves with it (notifications.tasks.email_send): queued and failed jobs naming
it by its old name are renamed, so the relay and the retry of failed jobs find it.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from core.model_moves import content_types_move

OLD_TASK = "accounts.tasks.email_send"
NEW_TASK = "notifications.tasks.email_send"


def rename_task(apps, schema_editor, old: str, new: str) -> None:
    """Queued (outbox) and failed jobs name their task: they follow it to its new module."""
    db = schema_editor.connection.alias
    for model in ("OutboxMessage", "FailedJob"):
        apps.get_model("jobs", model).objects.using(db).filter(task_name=old).update(task_name=new)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("jobs", "0003_outbox_finished"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="EmailLog",
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
                        ("idempotency_key", models.CharField(max_length=255, unique=True)),
                        ("to", models.EmailField(blank=True, max_length=254, verbose_name="to")),
                        ("kind", models.CharField(max_length=80, verbose_name="kind")),
                        (
                            "subject",
                            models.CharField(blank=True, max_length=255, verbose_name="subject"),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("sent", "Sent"),
                                    ("retrying", "Failed, will retry"),
                                    ("failed", "Failed"),
                                    ("skipped", "Not sent: the account is closed"),
                                ],
                                max_length=10,
                            ),
                        ),
                        ("attempts", models.PositiveIntegerField(default=0)),
                        ("error", models.TextField(blank=True)),
                        (
                            "created_at",
                            models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                        ),
                        ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "user",
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
                        "verbose_name": "email log entry",
                        "verbose_name_plural": "email log",
                        "db_table": "jobs_emaillog",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [
                            models.Index(fields=["user", "created_at"], name="emaillog_user_idx")
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("status__in", ["sent", "retrying", "failed", "skipped"])
                                ),
                                name="emaillog_status_valid",
                            )
                        ],
                    },
                ),
            ],
        ),
        content_types_move("jobs", "notifications", ("emaillog",)),
        migrations.RunPython(
            lambda apps, schema_editor: rename_task(apps, schema_editor, OLD_TASK, NEW_TASK),
            lambda apps, schema_editor: rename_task(apps, schema_editor, NEW_TASK, OLD_TASK),
        ),
    ]
