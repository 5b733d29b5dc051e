"""Reads the portal needs that the apps' access layers do not offer: public reference data
(counties taking applications, the Code of Ethics in effect, approved training providers) and
the timeline of one person's own application.

Private rows are read only for the requesting person's own objects: `application_timeline`
takes an application the caller already obtained through `certification.selectors` and keeps
only events whose subject is that same person.
"""

import datetime

from django.db.models import Case, Prefetch, Q, QuerySet, When

from accounts.models import User
from audit.models import AuditEvent
from certification.models import ApplicantProfile, Application, CodeOfEthicsVersion
from counties.models import County, DeliverySystem, OptInPeriod
from counties.selectors import opted_in_counties

# The audit verbs an applicant sees on their timeline, in words (templates/portal/status.html).
TIMELINE_VERBS = (
    "application_create",
    "application_sign_ethics",
    "application_submit",
    "application_start_review",
    "application_request_changes",
    "application_resubmit",
    "application_approve",
    "application_deny",
    "application_withdraw",
    "application_expire",
    "exam_attempt_record",
    "certification_issue",
)


def counties_taking_applications() -> QuerySet[County]:
    """Counties opted in for at least one delivery system today, by name, each with
    `open_opt_ins`: its open opted-in periods (which delivery systems, in the order of
    `DeliverySystem`). Two queries."""
    declared_order = Case(
        *(When(delivery_system=code, then=index) for index, code in enumerate(DeliverySystem)),
        default=len(DeliverySystem),
    )
    open_opt_ins = OptInPeriod.objects.filter(effective_to__isnull=True, opted_in=True).order_by(
        declared_order
    )
    return (
        opted_in_counties()
        .order_by("name")
        .prefetch_related(Prefetch("opt_in_periods", queryset=open_opt_ins, to_attr="open_opt_ins"))
    )


def ethics_version_current(today: datetime.date) -> CodeOfEthicsVersion | None:
    """The Code of Ethics in effect on `today`: the latest whose effective date has come."""
    return (
        CodeOfEthicsVersion.objects.filter(effective_on__lte=today)
        .order_by("-effective_on", "-id")
        .first()
    )


def application_timeline(user: User, application: Application) -> QuerySet[AuditEvent]:
    """The events a person sees about their own `application`, oldest first: its transitions,
    its exam results and the certification issued from it (recorded on the application too).
    Empty unless `user` is the
    applicant."""
    if application.applicant_id != user.pk:
        return AuditEvent.objects.none()
    about_application = Q(object_type="certification.application", object_id=application.pk)
    about_attempts = Q(
        object_type="exams.examattempt",
        object_id__in=application.exam_attempts.values("pk"),
    )
    return AuditEvent.objects.filter(
        about_application | about_attempts,
        subject=user,
        verb__in=TIMELINE_VERBS,
    ).order_by("created_at", "id")


def profile_of(user: User) -> ApplicantProfile | None:
    """`user`'s own applicant profile, with the county of residence, or None."""
    return ApplicantProfile.objects.filter(user=user).select_related("county_of_residence").first()
