"""One open application per person, statewide (docs/domain.md#application; issue 13, item 2),
and the reviewer's view of the person's earlier applications in other counties.

1. A person who holds open applications in several counties keeps the most advanced one
   (approved, then changes requested, in review, submitted, draft; the newest on a tie); the
   others are withdrawn by the system, with an audit event saying why.
2. The unique constraint moves from (applicant, county) to the applicant.
3. Row-level security (certification.0010/0011): staff of a county also read the other
   non-draft applications of a person who applied there or holds a certification it issued,
   as they already read that person's documents and training records
   (`certification.selectors.applications_for`). A policy on the applications table cannot
   query that table itself (PostgreSQL refuses the recursion), so the check is a SECURITY
   DEFINER function, `app_person_reviewable(person)`, run as the tables' owner; it reads only
   the acting user's own counties from the settings.
"""

import importlib

from django.conf import settings
from django.db import migrations, models

rls = importlib.import_module("certification.migrations.0010_row_level_security")

OPEN = ("draft", "submitted", "in_review", "changes_requested", "approved")
RANK = {"approved": 5, "changes_requested": 4, "in_review": 3, "submitted": 2, "draft": 1}
REASON = (
    "Withdrawn by the system: a person holds one open application at a time, statewide, "
    "and this person had another."
)


def withdraw_extra_open_applications(apps, schema_editor):
    Application = apps.get_model("certification", "Application")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    by_person: dict[int, list] = {}
    for application in Application.objects.filter(status__in=OPEN).order_by("pk"):
        by_person.setdefault(application.applicant_id, []).append(application)
    for applications in by_person.values():
        if len(applications) < 2:
            continue
        applications.sort(key=lambda a: (RANK[a.status], a.created_at, a.pk), reverse=True)
        for application in applications[1:]:
            from_state = application.status
            application.status = "withdrawn"
            application.version += 1
            application.save(update_fields=["status", "version", "updated_at"])
            AuditEvent.objects.create(
                actor=None,
                verb="application_withdraw",
                object_type="certification.application",
                object_id=application.pk,
                county_id=application.county_id,
                subject_id=application.applicant_id,
                from_state=from_state,
                to_state="withdrawn",
                reason=REASON,
                data={},
            )


UID, COUNTIES, STATE = rls.UID, rls.COUNTIES, rls.STATE

FUNCTION = """
CREATE OR REPLACE FUNCTION app_person_reviewable(person bigint) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT cardinality(app_county_ids()) > 0 AND (
        EXISTS (SELECT 1 FROM certification_application a
                WHERE a.applicant_id = person AND a.status <> 'draft'
                  AND a.county_id = ANY (app_county_ids()))
        OR EXISTS (SELECT 1 FROM certification_certification c
                   WHERE c.holder_id = person AND c.issuing_county_id = ANY (app_county_ids())))
    $$;
"""
DROP_FUNCTION = "DROP FUNCTION IF EXISTS app_person_reviewable(bigint);"


def _select(shared: bool) -> str:
    extra = f" OR (cardinality({COUNTIES}) > 0 AND app_person_reviewable(applicant_id))"
    return rls.readable(
        f"applicant_id = {UID} OR (status <> 'draft' "
        f"AND ({STATE} OR county_id = ANY ({COUNTIES}){extra if shared else ''}))"
    )


def _policies_sql(shared: bool) -> str:
    return "\n".join(
        f"DROP POLICY rls_select ON {table}; "
        f"CREATE POLICY rls_select ON {table} FOR SELECT USING ({_select(shared)});"
        for table in ("certification_application", "certification_applicationevent")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("certification", "0014_certification_cycle_started_on"),
        ("counties", "0006_program_policy_exam_grace_late_fee"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(withdraw_extra_open_applications, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="application",
            name="application_one_open_per_county",
        ),
        migrations.AddConstraint(
            model_name="application",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", OPEN)),
                fields=("applicant",),
                name="application_one_open_per_person",
            ),
        ),
        migrations.RunSQL(FUNCTION, DROP_FUNCTION),
        migrations.RunSQL(_policies_sql(True), _policies_sql(False)),
    ]
