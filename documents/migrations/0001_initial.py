"""Uploaded documents and their view log move here from `certification`, keeping their tables
(certification_document, certification_documentevent, certification_documentview) and rows
(core/model_moves.py): the models in the migration state only, their triggers (history and
append-only) under the names pgtrigger gives them in this app, their content types relabelled.
"""

import django.db.models.deletion
import django.utils.timezone
import documents.models
import pghistory.utils
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models

from core.model_moves import content_types_move


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("certification", "0011_history_row_level_security"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("counties", "0005_auditevent_to_audit"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Document",
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
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("photo_id", "Government photo ID"),
                                    ("diploma", "Diploma or equivalent"),
                                    ("training_certificate", "Training certificate"),
                                    ("ce_certificate", "CE certificate"),
                                    ("recommendation_letter", "Letter of recommendation"),
                                    ("other", "Other"),
                                ],
                                max_length=30,
                                verbose_name="kind",
                            ),
                        ),
                        (
                            "file",
                            models.FileField(
                                max_length=255, upload_to=documents.models.document_upload_to
                            ),
                        ),
                        ("original_name", models.CharField(max_length=255)),
                        ("content_type", models.CharField(max_length=50)),
                        ("size", models.PositiveIntegerField()),
                        ("sha256", models.CharField(max_length=64)),
                        (
                            "review_status",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending"),
                                    ("verified", "Verified"),
                                    ("rejected", "Rejected"),
                                ],
                                default="pending",
                                max_length=10,
                            ),
                        ),
                        ("review_reason", models.TextField(blank=True)),
                        ("reviewed_at", models.DateTimeField(blank=True, null=True)),
                        ("removed_at", models.DateTimeField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "application",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="documents",
                                to="certification.application",
                            ),
                        ),
                        (
                            "owner",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="documents",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "reviewed_by",
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
                        "db_table": "certification_document",
                        "ordering": ["-created_at", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="DocumentEvent",
                    fields=[
                        ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                        ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                        ("pgh_label", models.TextField(help_text="The event label.")),
                        ("pgh_context", pghistory.utils.JSONField(null=True)),
                        ("pgh_context_id", models.UUIDField(null=True)),
                        ("id", models.BigIntegerField()),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("photo_id", "Government photo ID"),
                                    ("diploma", "Diploma or equivalent"),
                                    ("training_certificate", "Training certificate"),
                                    ("ce_certificate", "CE certificate"),
                                    ("recommendation_letter", "Letter of recommendation"),
                                    ("other", "Other"),
                                ],
                                max_length=30,
                                verbose_name="kind",
                            ),
                        ),
                        (
                            "file",
                            models.FileField(
                                max_length=255, upload_to=documents.models.document_upload_to
                            ),
                        ),
                        ("original_name", models.CharField(max_length=255)),
                        ("content_type", models.CharField(max_length=50)),
                        ("size", models.PositiveIntegerField()),
                        ("sha256", models.CharField(max_length=64)),
                        (
                            "review_status",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending"),
                                    ("verified", "Verified"),
                                    ("rejected", "Rejected"),
                                ],
                                default="pending",
                                max_length=10,
                            ),
                        ),
                        ("review_reason", models.TextField(blank=True)),
                        ("reviewed_at", models.DateTimeField(blank=True, null=True)),
                        ("removed_at", models.DateTimeField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "application",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                related_query_name="+",
                                to="certification.application",
                            ),
                        ),
                        (
                            "owner",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                related_query_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "pgh_obj",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="events",
                                to="documents.document",
                            ),
                        ),
                        (
                            "reviewed_by",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                related_query_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "certification_documentevent",
                        "abstract": False,
                    },
                ),
                migrations.CreateModel(
                    name="DocumentView",
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
                        (
                            "via",
                            models.CharField(
                                choices=[
                                    ("portal", "Applicant portal"),
                                    ("workspace", "County workspace"),
                                    ("admin", "Administration"),
                                ],
                                max_length=10,
                            ),
                        ),
                        ("viewed_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "county",
                            models.ForeignKey(
                                blank=True,
                                help_text="The county workspace the document was opened in, if any.",
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="counties.county",
                            ),
                        ),
                        (
                            "document",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="views",
                                to="documents.document",
                            ),
                        ),
                        (
                            "viewer",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "certification_documentview",
                        "ordering": ["-viewed_at", "-id"],
                    },
                ),
                migrations.AddConstraint(
                    model_name="document",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("size__gt", 0)), name="document_not_empty"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="document",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            (
                                "kind__in",
                                [
                                    "photo_id",
                                    "diploma",
                                    "training_certificate",
                                    "ce_certificate",
                                    "recommendation_letter",
                                    "other",
                                ],
                            )
                        ),
                        name="document_kind_valid",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="document",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("review_status__in", ["pending", "verified", "rejected"])
                        ),
                        name="document_review_status_valid",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="document",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("content_type__in", ["application/pdf", "image/jpeg", "image/png"])
                        ),
                        name="document_content_type_allowed",
                    ),
                ),
                migrations.AddIndex(
                    model_name="documentview",
                    index=models.Index(
                        fields=["county", "viewed_at"], name="document_view_county_idx"
                    ),
                ),
                migrations.AddIndex(
                    model_name="documentview",
                    index=models.Index(
                        fields=["document", "viewed_at"], name="document_view_document_idx"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="documentview",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("via__in", ["portal", "workspace", "admin"])),
                        name="document_view_via_valid",
                    ),
                ),
            ],
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="document",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "certification_documentevent" ("application_id", "content_type", "created_at", "file", "id", "kind", "original_name", "owner_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "removed_at", "review_reason", "review_status", "reviewed_at", "reviewed_by_id", "sha256", "size") SELECT new_values."application_id", new_values."content_type", new_values."created_at", new_values."file", new_values."id", new_values."kind", new_values."original_name", new_values."owner_id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'insert\', new_values."id", new_values."removed_at", new_values."review_reason", new_values."review_status", new_values."reviewed_at", new_values."reviewed_by_id", new_values."sha256", new_values."size" FROM ( SELECT new_values.* FROM new_values  ) AS new_values, _pgh_attached_context; RETURN NULL;',
                    hash="139b7e8b74b0503b347baab721e4e72576c7dac0",
                    level="STATEMENT",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_be524",
                    referencing="REFERENCING NEW TABLE AS new_values ",
                    table="certification_document",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="document",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "certification_documentevent" ("application_id", "content_type", "created_at", "file", "id", "kind", "original_name", "owner_id", "pgh_context", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "removed_at", "review_reason", "review_status", "reviewed_at", "reviewed_by_id", "sha256", "size") SELECT new_values."application_id", new_values."content_type", new_values."created_at", new_values."file", new_values."id", new_values."kind", new_values."original_name", new_values."owner_id", COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_metadata\', TRUE), \'\'), NULL)::JSONB, COALESCE(NULLIF(CURRENT_SETTING(\'pghistory.context_id\', TRUE), \'\'), NULL)::UUID, NOW(), \'update\', new_values."id", new_values."removed_at", new_values."review_reason", new_values."review_status", new_values."reviewed_at", new_values."reviewed_by_id", new_values."sha256", new_values."size" FROM ( SELECT new_values.* FROM old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values.* IS DISTINCT FROM new_values.*) ) AS new_values, _pgh_attached_context; RETURN NULL;',
                    hash="791d16743ce99f95fff1f18adf5e383d49d87c75",
                    level="STATEMENT",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_a3ed6",
                    referencing="REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ",
                    table="certification_document",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="documentevent",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="e8f143c96def93851f8f32bd3038b9edfae3d7bd",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_9e7ed",
                    table="certification_documentevent",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="documentview",
            trigger=pgtrigger.compiler.Trigger(
                name="document_view_append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION '% is append-only: % is refused (rows are never changed or deleted).', TG_TABLE_NAME, TG_OP;",
                    hash="a9a2cc28d7493d17f45601933fde5d2318b0f7ee",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_document_view_append_only_85f21",
                    table="certification_documentview",
                    when="BEFORE",
                ),
            ),
        ),
        content_types_move(
            "certification", "documents", ("document", "documentevent", "documentview")
        ),
    ]
