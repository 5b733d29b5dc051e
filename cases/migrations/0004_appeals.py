"""Appeals (docs/domain.md#appeals) and the documents filed with them, with their row-level
security mirroring `cases.selectors.appeals_for`: the appellant reads their own; the staff of
the program that took the decision and state staff (who decide appeals too) read them. The
appellant files (insert) an appeal and its documents; the deciding staff update the appeal.
Never deleted."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from core.rls_sql import (
    COUNTIES,
    STATE,
    UID,
    Policies,
    drop_policies_sql,
    policies_sql,
    readable,
    writable,
)

APPEAL_VISIBLE = f"appellant_id = {UID} OR {STATE} OR county_id = ANY ({COUNTIES})"
POLICIES = {
    "cases_appeal": Policies(
        select=readable(APPEAL_VISIBLE),
        insert=writable(f"appellant_id = {UID}"),
        update=writable(f"{STATE} OR county_id = ANY ({COUNTIES})"),
    ),
    "cases_appealdocument": Policies(
        select=readable(
            f"EXISTS (SELECT 1 FROM cases_appeal a WHERE a.id = appeal_id "
            f"AND (a.appellant_id = {UID} OR {STATE} OR a.county_id = ANY ({COUNTIES})))"
        ),
        insert=writable(
            f"EXISTS (SELECT 1 FROM cases_appeal a WHERE a.id = appeal_id "
            f"AND a.appellant_id = {UID})"
        ),
    ),
}


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_decisions"),
        ("certification", "0025_specialization_code_is_data"),
        ("counties", "0008_program_policy_late_renewal_ce_makeup"),
        ("documents", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Appeal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("denial", "Denied application"),
                            ("suspension", "Suspension"),
                            ("revocation", "Revocation"),
                            ("renewal_refusal", "Refused renewal"),
                            ("reinstatement_refusal", "Refused reinstatement"),
                            ("case_decision", "Case decision"),
                        ],
                        max_length=25,
                        verbose_name="what is appealed",
                    ),
                ),
                ("decision_ref", models.CharField(max_length=80)),
                ("decision_on", models.DateField(verbose_name="decision date")),
                (
                    "decision_summary",
                    models.TextField(blank=True, verbose_name="decision appealed"),
                ),
                ("statement", models.TextField(verbose_name="statement")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("filed", "Waiting for a decision"),
                            ("upheld", "Decision upheld"),
                            ("overturned", "Decision overturned"),
                            ("modified", "Decision modified"),
                        ],
                        default="filed",
                        max_length=15,
                        verbose_name="status",
                    ),
                ),
                ("filed_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                (
                    "outcome_reason",
                    models.TextField(blank=True, verbose_name="reasons for the outcome"),
                ),
                (
                    "appellant",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "application",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="certification.application",
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="appeals",
                        to="cases.case",
                    ),
                ),
                (
                    "certification",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="certification.certification",
                    ),
                ),
                (
                    "county",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
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
                    "decision_by",
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
                "ordering": ["-filed_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="AppealDocument",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "appeal",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="documents",
                        to="cases.appeal",
                    ),
                ),
                (
                    "document",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="documents.document",
                    ),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="appeal",
            index=models.Index(fields=["county", "status"], name="appeal_county_status_idx"),
        ),
        migrations.AddConstraint(
            model_name="appeal",
            constraint=models.UniqueConstraint(
                fields=("decision_ref",), name="appeal_one_per_decision"
            ),
        ),
        migrations.AddConstraint(
            model_name="appeal",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "kind__in",
                        [
                            "denial",
                            "suspension",
                            "revocation",
                            "renewal_refusal",
                            "reinstatement_refusal",
                            "case_decision",
                        ],
                    )
                ),
                name="appeal_kind_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="appeal",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["filed", "upheld", "overturned", "modified"])),
                name="appeal_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="appeal",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status", "filed"),
                    models.Q(
                        ("decided_at__isnull", False),
                        models.Q(("outcome_reason", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="appeal_decided_with_reasons",
            ),
        ),
        migrations.AddConstraint(
            model_name="appeal",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("decided_by__isnull", True),
                    ("decision_by__isnull", True),
                    models.Q(("decided_by", models.F("decision_by")), _negated=True),
                    _connector="OR",
                ),
                name="appeal_decided_by_another",
            ),
        ),
        migrations.AddConstraint(
            model_name="appealdocument",
            constraint=models.UniqueConstraint(
                fields=("appeal", "document"), name="appeal_document_once"
            ),
        ),
        migrations.RunSQL(policies_sql(POLICIES), drop_policies_sql(POLICIES)),
    ]
