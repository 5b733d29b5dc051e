"""Moving a model to another app without moving its data.

A model changes app with `migrations.SeparateDatabaseAndState`: the new app creates it in the
migration state only, keeping the table (`Meta.db_table` is the old name, so the row-level
security policies and grants that name it stay valid), and the old app deletes it from the
state only. Two things in the database still carry the app's label and move here:

- `django_content_type` rows (admin log entries, permissions and anything else pointing at a
  content type keep pointing at the same row, now labelled with the new app);
- the names of the model's pgtrigger triggers, which hash the app label: the new app's
  migration adds them under their new names (`pgtrigger.migrations.AddTrigger`) and the old
  app's removes the old ones (`RemoveTrigger`) before deleting the model from its state.
"""

from django.db import migrations


def content_types_move(old_app: str, new_app: str, models: tuple[str, ...]) -> migrations.RunPython:
    """A migration operation relabelling the content types of `models` (lower-case model
    names) from `old_app` to `new_app`, and back when reversed. A content type already present
    under the target label (created by a `migrate` that ran in between) is left alone."""

    def relabel(apps, schema_editor, source: str, target: str) -> None:
        content_type = apps.get_model("contenttypes", "ContentType")
        db = schema_editor.connection.alias
        for model in models:
            if content_type.objects.using(db).filter(app_label=target, model=model).exists():
                continue
            content_type.objects.using(db).filter(app_label=source, model=model).update(
                app_label=target
            )

    return migrations.RunPython(
        lambda apps, schema_editor: relabel(apps, schema_editor, old_app, new_app),
        lambda apps, schema_editor: relabel(apps, schema_editor, new_app, old_app),
    )
