"""The background step of the exam results import moved from the county workspace's package
to this app (`exams.tasks.exam_import_commit`): queued and failed jobs naming it by its old
name are renamed, so the outbox relay and the retry of failed jobs find it. No schema change."""

from django.db import migrations

OLD_TASK = "certification.workspace.tasks.exam_import_commit"
NEW_TASK = "exams.tasks.exam_import_commit"


def rename_task(apps, schema_editor, old: str, new: str) -> None:
    db = schema_editor.connection.alias
    for model in ("OutboxMessage", "FailedJob"):
        apps.get_model("jobs", model).objects.using(db).filter(task_name=old).update(task_name=new)


class Migration(migrations.Migration):
    dependencies = [
        ("exams", "0002_field_history"),
        ("jobs", "0004_emaillog_to_notifications"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: rename_task(apps, schema_editor, OLD_TASK, NEW_TASK),
            lambda apps, schema_editor: rename_task(apps, schema_editor, NEW_TASK, OLD_TASK),
        ),
    ]
