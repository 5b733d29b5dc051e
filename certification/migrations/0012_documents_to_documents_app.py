"""Uploaded documents and their view log move to the `documents` app
(documents/migrations/0001_initial.py): here they leave the migration state only, after their
triggers under the old names are dropped (the documents app has installed them under their new
names). The tables and their rows stay."""

import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0011_history_row_level_security"),
        ("continuing_ed", "0003_document_in_documents"),
        ("documents", "0001_initial"),
        ("training", "0003_certificate_in_documents"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(model_name="document", name="insert_insert"),
        pgtrigger.migrations.RemoveTrigger(model_name="document", name="update_update"),
        pgtrigger.migrations.RemoveTrigger(model_name="documentevent", name="append_only"),
        pgtrigger.migrations.RemoveTrigger(
            model_name="documentview", name="document_view_append_only"
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="DocumentView"),
                migrations.DeleteModel(name="DocumentEvent"),
                migrations.DeleteModel(name="Document"),
            ],
        ),
    ]
