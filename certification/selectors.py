"""Reads of applications, certifications and a person's private records (documents, training
records), scoped to who asks (the access layer, docs/architecture.md#tenancy). Views and APIs read
these models only through this module.

- The person sees their own rows, drafts included.
- County staff (any role) see their counties' rows: applications filed with one of their
  counties, certifications issued by one of them; and, as a person's record shared by
  applying (below), the person's other submitted applications, wherever filed, so that a
  reviewer sees the applicant's history.
- State staff see every county's rows, read-only.
- Anyone else (anonymous, inactive users, other applicants) sees nothing.

Drafts are private: an application in `draft` is visible to its applicant only, not to the
county it names nor to the state, because nothing has been submitted to a program yet.

A person's own records (documents, training records) are shared by applying: who sees them
(`person_records_visible`) is

- the person themself, always;
- staff of a county whose program the person applied to (an application that is no longer a
  draft) or that issued their certification;
- state staff, for every person who has submitted an application anywhere or holds a
  certification. A draft is private until it is submitted: someone who has only started an
  application has not yet shared anything with a program, so not even the state sees it;
- nobody else (anonymous, inactive users, other applicants, other counties' staff).

That rule is made of applications and certifications, so these reads live here, above the
`documents` and `training` apps that hold the rows.

A staff member's counties are read once per user object (`counties.selectors.staff_county_ids`,
one query, cached on it like `accounts.roles.is_county_staff`); everyone else is filtered on
their own rows alone, which an index answers.

Issued certifications are public facts (the registry): `certification_by_number_public` answers
for anyone; what the registry shows of the person is for its callers to limit.
"""

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from accounts.selectors import can_read
from audit.models import AuditEvent
from certification.models import (
    OPEN_APPLICATION_STATUSES,
    ApplicantProfile,
    Application,
    ApplicationStatus,
    Certification,
    CertificationStatus,
    CodeOfEthicsVersion,
    OutOfStateCeRecord,
)
from certification.numbers import number_candidates
from certification.rules import expiring_soon_window
from counties.selectors import opted_in_counties, staff_county_ids
from documents.models import Document
from exams.models import ExamAttempt
from exams.selectors import exam_attempts_for
from training.models import TrainingRecord


def _shared_with_counties(person_field: str, county_ids: list[int]) -> Q:
    """Rows of a person who applied (not a draft) to one of `county_ids` or holds a
    certification issued by one: the person's records those counties' staff may read."""
    submitted = Application.objects.filter(
        applicant=OuterRef(person_field), county_id__in=county_ids
    ).exclude(status=ApplicationStatus.DRAFT)
    certified = Certification.objects.filter(
        holder=OuterRef(person_field), issuing_county_id__in=county_ids
    )
    return Q(Exists(submitted)) | Q(Exists(certified))


def applications_for(user: User | AnonymousUser | None) -> QuerySet[Application]:
    """The applications `user` may see, newest first, with applicant and county loaded: their
    own, drafts included; staff their counties' submitted ones and, for the person's history,
    the other submitted applications of a person who applied to (or was certified by) one of
    their counties, wherever filed; state staff every submitted one. Pages about one county
    filter on the county."""
    if not can_read(user):
        return Application.objects.none()
    visible = Q(applicant=user)
    if user.is_state_staff:
        visible |= ~Q(status=ApplicationStatus.DRAFT)
    elif county_ids := staff_county_ids(user):
        visible |= ~Q(status=ApplicationStatus.DRAFT) & (
            Q(county_id__in=county_ids) | _shared_with_counties("applicant", county_ids)
        )
    return Application.objects.filter(visible).select_related("applicant", "county")


def stranded_applications_for(
    user: User | AnonymousUser | None, *, on: datetime.date | None = None
) -> QuerySet[Application]:
    """The stranded applications, statewide, for state staff (no one else: an empty set): open
    and past their draft, filed with a county that does not take part in peer support
    certification on `on` (default today), so that it can neither approve nor certify them
    until the applicant or state staff transfers each to a participating county's program
    (docs/domain.md#transfers). By county name, then oldest submission first; the applicant's
    profile loaded for the name."""
    if not can_read(user) or not user.is_state_staff:
        return Application.objects.none()
    return (
        applications_for(user)
        .filter(status__in=OPEN_APPLICATION_STATUSES)
        .exclude(status=ApplicationStatus.DRAFT)
        .exclude(county__in=opted_in_counties(on=on))
        .select_related("applicant__applicant_profile")
        .order_by("county__name", "submitted_at", "pk")
    )


def application_get(user: User | AnonymousUser | None, pk: int | str) -> Application:
    """One application `user` may see, or Http404 (also for a malformed `pk`)."""
    try:
        return applications_for(user).get(pk=pk)
    except (Application.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such application.") from exc


def person_records_visible(user: User, person_field: str) -> Q:
    """A filter for rows whose `person_field` (e.g. "person", "owner") is a person whose
    records `user` may read (the module docstring: a person's own; shared with a program by
    applying or being certified). `user` must pass `can_read`.

    Built from `Exists` subqueries, so it never multiplies rows. Someone who is neither state
    nor county staff gets a plain filter on their own rows, which an index answers."""
    own = Q(**{person_field: user})
    if user.is_state_staff:
        submitted = Application.objects.filter(applicant=OuterRef(person_field)).exclude(
            status=ApplicationStatus.DRAFT
        )
        certified = Certification.objects.filter(holder=OuterRef(person_field))
        return own | Q(Exists(submitted)) | Q(Exists(certified))
    if county_ids := staff_county_ids(user):
        return own | _shared_with_counties(person_field, county_ids)
    return own


def documents_for(
    user: User | AnonymousUser | None, *, include_removed: bool = False
) -> QuerySet[Document]:
    """The documents `user` may see, newest first. Removed documents (`removed_at` set) are
    left out unless `include_removed` (for history and audit views)."""
    if not can_read(user):
        return Document.objects.none()
    documents = Document.objects.filter(person_records_visible(user, "owner"))
    if not include_removed:
        documents = documents.filter(removed_at__isnull=True)
    return documents.select_related("owner")


def document_get(
    user: User | AnonymousUser | None, pk: int | str, *, include_removed: bool = False
) -> Document:
    """One document `user` may see, or Http404 (also for a malformed `pk`, and for a removed
    document unless `include_removed`)."""
    try:
        return documents_for(user, include_removed=include_removed).get(pk=pk)
    except (Document.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such document.") from exc


def training_records_for(user: User | AnonymousUser | None) -> QuerySet[TrainingRecord]:
    """The training records `user` may see, newest completion first, with person and provider
    loaded."""
    if not can_read(user):
        return TrainingRecord.objects.none()
    return (
        TrainingRecord.objects.filter(person_records_visible(user, "person"))
        .select_related("person", "provider")
        .prefetch_related("provider__course_approvals")
    )


def training_record_get(user: User | AnonymousUser | None, pk: int | str) -> TrainingRecord:
    """One training record `user` may see, or Http404 (also for a malformed `pk`)."""
    try:
        return training_records_for(user).get(pk=pk)
    except (TrainingRecord.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such training record.") from exc


def out_of_state_ce_records_for(
    user: User | AnonymousUser | None,
) -> QuerySet[OutOfStateCeRecord]:
    """The out-of-state CE records `user` may see, with their proof document loaded: through
    the application, like its exam attempts (the applicant's own, drafts included; county staff
    their counties' and state staff all, drafts excepted). Mirrored by the table's row-level
    security (`certification.0024_row_level_security_out_of_state_ce`)."""
    if not can_read(user):
        return OutOfStateCeRecord.objects.none()
    visible = Q(application__applicant=user)
    if user.is_state_staff:
        visible |= ~Q(application__status="draft")
    elif county_ids := staff_county_ids(user):
        visible |= ~Q(application__status="draft") & Q(application__county_id__in=county_ids)
    return OutOfStateCeRecord.objects.filter(visible).select_related("document")


def profile_of(user: User) -> ApplicantProfile | None:
    """`user`'s own applicant profile, with the county of residence, or None."""
    return ApplicantProfile.objects.filter(user=user).select_related("county_of_residence").first()


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
    "application_reopen_on_appeal",
    "application_withdraw",
    "application_expire",
    "application_transfer",
    "exam_attempt_record",
    "certification_issue",
)


def application_timeline(user: User, application: Application) -> QuerySet[AuditEvent]:
    """The events a person sees about their own `application`, oldest first: its transitions,
    its exam results and the certification issued from it (recorded on the application too).
    Empty unless `user` is the applicant (the caller obtained `application` through
    `application_get`); only events whose subject is that same person."""
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


def certifications_for(user: User | AnonymousUser | None) -> QuerySet[Certification]:
    """The certifications `user` may see in full (own; staff: issued by their counties; state:
    all), by number, with holder, issuing county and specializations loaded."""
    if not can_read(user):
        return Certification.objects.none()
    certifications = Certification.objects.select_related(
        "holder", "issuing_county"
    ).prefetch_related("specializations")
    if user.is_state_staff:
        return certifications
    if county_ids := staff_county_ids(user):
        return certifications.filter(Q(holder=user) | Q(issuing_county_id__in=county_ids))
    return certifications.filter(holder=user)


def certification_get(user: User | AnonymousUser | None, pk: int | str) -> Certification:
    """One certification `user` may see, or Http404 (also for a malformed `pk`)."""
    try:
        return certifications_for(user).get(pk=pk)
    except (Certification.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such certification.") from exc


def reinstatement_exam_attempts_for(
    user: User | AnonymousUser | None, certification: Certification
) -> QuerySet[ExamAttempt]:
    """The exam sittings `user` may see that count toward reinstating `certification`
    (`rules.refresher_or_exam_problems` reads the dates): those recorded for this
    certification's reinstatement and those of any application of its holder, taken after the
    expiry date; oldest first."""
    return (
        exam_attempts_for(user)
        .filter(
            Q(certification=certification) | Q(application__applicant_id=certification.holder_id),
            taken_on__gt=certification.expires_on,
        )
        .order_by("taken_on", "pk")
    )


@dataclass(frozen=True)
class DisciplineEntry:
    """One discipline fact of a certification: suspended, suspension lifted, or revoked."""

    number: str
    county: str
    action: str
    on: datetime.date


DISCIPLINE_STATUSES = (CertificationStatus.SUSPENDED, CertificationStatus.REVOKED)


def discipline_history(person: User) -> list[DisciplineEntry]:
    """Every suspension, lifted suspension and revocation of `person`'s certifications, in
    any county, oldest first, from the certifications' field history. Public facts of the
    registry (action and date, docs/domain.md#complaints-and-discipline): the reasons are
    left out. `action` is "suspended", "revoked" or "lifted"."""
    events = (
        apps.get_model("certification", "CertificationEvent")
        .objects.filter(holder_id=person.pk)
        .select_related("issuing_county")
        .order_by("pgh_obj_id", "pgh_id")
    )
    entries: list[DisciplineEntry] = []
    previous: dict[int, str] = {}
    for event in events:
        before = previous.get(event.pgh_obj_id)
        previous[event.pgh_obj_id] = event.status
        if event.status == before:
            continue
        if event.status in DISCIPLINE_STATUSES:
            action = event.status
        elif before == CertificationStatus.SUSPENDED and event.status == CertificationStatus.ACTIVE:
            action = "lifted"
        else:
            continue
        entries.append(
            DisciplineEntry(
                number=event.number,
                county=event.issuing_county.name,
                action=action,
                on=timezone.localdate(event.updated_at),
            )
        )
    return sorted(entries, key=lambda entry: entry.on)


def certification_by_number_public(number: str) -> Certification | None:
    """The certification with this number, in any status, or None. Public: no user needed.
    Forgiving (`certification.numbers.number_candidates`): case, spaces and hyphens do not
    matter ("pss 0001000" and "PSS0001000" find "PSS-0001000")."""
    candidates = number_candidates(number)
    if not candidates:
        return None
    found = {
        certification.number: certification
        for certification in Certification.objects.select_related("issuing_county")
        .prefetch_related("specializations")
        .filter(number__in=candidates)
    }
    return next((found[c] for c in candidates if c in found), None)


def expiring_soon_q(*, on: datetime.date) -> Q:
    """`certification.rules.is_expiring_soon` as a filter PostgreSQL evaluates on every row:
    active, expiring within `expiring_soon_window(on)`. The roster (workspace and API), the
    county dashboard and the CSV exports use it; one certification in hand uses the rule."""
    return Q(status=CertificationStatus.ACTIVE, expires_on__range=expiring_soon_window(on))


def expiring_soon_flag(*, on: datetime.date) -> ExpressionWrapper:
    """`expiring_soon_q` as a true/false column, for `annotate(expiring_soon=...)`."""
    return ExpressionWrapper(expiring_soon_q(on=on), output_field=BooleanField())


def ethics_version_current(today: datetime.date) -> CodeOfEthicsVersion | None:
    """The Code of Ethics in effect on `today`: the latest whose effective date has come."""
    return (
        CodeOfEthicsVersion.objects.filter(effective_on__lte=today)
        .order_by("-effective_on", "-id")
        .first()
    )
