"""Recording exam attempts, by hand or from the vendor's results import (`exams.imports`).

The attempt limit (`policy.MAX_EXAM_ATTEMPTS` per approved application) holds under
concurrency because attempts are counted while the application row is locked: two recordings
for one application run one after the other.

The application (or, for a reinstatement sitting, the certification) is passed in by the
caller: both belong to the `certification` app above this one, which this app names only
through `ExamAttempt.application` and `ExamAttempt.certification`, never by a run-time import
(the import below is for the type checker: docs/architecture.md, Layers).
"""

import datetime
from typing import TYPE_CHECKING, cast

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from core.errors import DomainError, refuse_problems
from counties.models import ProgramPolicy
from counties.selectors import ADMIN_ROLES, require_staff
from exams import rules as exam_rules
from exams.authorization import exam_authorization_problems
from exams.models import ExamAttempt, ExamResult, ExamSource
from fees.models import FeeKind
from fees.services import fee_due_record
from notifications.services import notify

if TYPE_CHECKING:
    from certification.models import Application, Certification


def _duplicate_reference(vendor_reference: str) -> DomainError:
    return DomainError(
        _("The vendor result %(reference)s is already recorded.") % {"reference": vendor_reference},
        code="conflict",
        field="vendor_reference",
    )


def _reference_recorded_in_county(source: str, vendor_reference: str, county_id: int) -> bool:
    """Whether `vendor_reference` is already recorded for `source` in the county (call inside
    the transaction). Vendor references are unique per county, not across counties: a check
    across counties would tell one county's staff which references another county holds
    (issue 18, item 8). A transaction-level advisory lock on the reference makes two
    recordings of it at once wait for each other, so the check cannot be raced; the lock
    reveals nothing (a wait, never a row)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext('exam_vendor_reference'), hashtext(%s))",
            [f"{source}:{vendor_reference}"],
        )
    return (
        ExamAttempt.objects.filter(source=source, vendor_reference=vendor_reference)
        .filter(Q(application__county_id=county_id) | Q(certification__issuing_county_id=county_id))
        .exists()
    )


def _lock_application(application: "Application") -> "Application":
    """Re-read `application` under a row lock (inside a transaction), with its county and
    applicant, through the attempt's foreign key (the model lives in the certification app).
    Only the application row is locked."""
    model = ExamAttempt._meta.get_field("application").related_model
    return cast(
        "Application",
        model._default_manager.select_for_update(of=("self",))
        .select_related("county", "applicant")
        .get(pk=application.pk),
    )


def _lock_certification(certification: "Certification") -> "Certification":
    """Re-read `certification` under a row lock (inside a transaction), with its issuing
    county and holder, through the attempt's foreign key (as `_lock_application`)."""
    model = ExamAttempt._meta.get_field("certification").related_model
    return cast(
        "Certification",
        model._default_manager.select_for_update(of=("self",))
        .select_related("issuing_county", "holder")
        .get(pk=certification.pk),
    )


def _refuse_bad_input(
    *, result: str, source: str, scaled_score: int | None, taken_on: datetime.date, today
) -> None:
    if result not in ExamResult.values:
        raise DomainError(_("Choose the result."), field="result")
    if source not in ExamSource.values:
        raise DomainError(_("Choose where the result comes from."), field="source")
    if scaled_score is not None and scaled_score < 0:
        raise DomainError(_("A scaled score cannot be negative."), field="scaled_score")
    if taken_on > today:
        raise DomainError(_("The exam date cannot be in the future."), field="taken_on")


def exam_attempt_record(
    *,
    actor: User,
    application: "Application",
    taken_on: datetime.date,
    result: str,
    scaled_score: int | None = None,
    source: str = ExamSource.MANUAL,
    vendor_reference: str = "",
    today: datetime.date | None = None,
) -> ExamAttempt:
    """Record one exam attempt for an approved application, by a reviewer or admin of its
    county. Refused when the applicant is not eligible on `taken_on` (not approved, window
    ended, no attempts left, already passed), when on the standard pathway their core training
    was not verified (`exams.authorization`), for a future date, when `today` (the day it is
    recorded) is past the result grace period after the window (`exams.rules.result_grace_end`,
    `ProgramPolicy.exam_result_grace_days`), or when the vendor reference is already recorded
    for this source. The sitting's exam fee falls due (`fees`); the applicant is told the
    result."""
    require_staff(actor, application.county)
    today = today or timezone.localdate()
    _refuse_bad_input(
        result=result, source=source, scaled_score=scaled_score, taken_on=taken_on, today=today
    )
    vendor_reference = (vendor_reference or "").strip()
    with transaction.atomic():
        application = _lock_application(application)
        if vendor_reference and _reference_recorded_in_county(
            source, vendor_reference, application.county_id
        ):
            raise _duplicate_reference(vendor_reference)
        attempts = list(ExamAttempt.objects.filter(application=application))
        if application.approved_on is not None and taken_on < application.approved_on:
            raise DomainError(
                _("The exam date is before the application was approved (%(date)s).")
                % {"date": application.approved_on.isoformat()},
                field="taken_on",
            )
        program_policy = ProgramPolicy.current()
        refuse_problems(
            exam_rules.exam_eligibility_problems(
                application_status=application.status,
                window_ends_on=application.window_ends_on,
                attempts=attempts,
                on=taken_on,
                min_wait_days=program_policy.exam_min_wait_days,
                recorded_on=today,
                grace_days=program_policy.exam_result_grace_days,
            )
        )
        refuse_problems(exam_authorization_problems([(application, taken_on)])[0])
        window_ends_on = application.window_ends_on
        # Eligible means approved, and an approved application has its window (a constraint).
        assert window_ends_on is not None
        try:
            # A savepoint: the same vendor reference recorded twice at once for one
            # application loses on the unique constraint, cleanly (for two applications of
            # one county, the reference's lock above serializes them).
            with transaction.atomic():
                attempt = ExamAttempt.objects.create(
                    application=application,
                    taken_on=taken_on,
                    result=result,
                    scaled_score=scaled_score,
                    source=source,
                    vendor_reference=vendor_reference,
                    recorded_by=actor,
                )
        except IntegrityError:
            raise _duplicate_reference(vendor_reference) from None
        fee_due_record(
            actor=actor,
            county=application.county,
            person=application.applicant,
            kind=FeeKind.EXAM,
            application=application,
            exam_attempt=attempt,
        )
        attempts.append(attempt)
        attempts_left = exam_rules.attempts_left(attempts)
        audit_record(
            actor=actor,
            verb="exam_attempt_record",
            obj=attempt,
            county=application.county,
            subject=application.applicant,
            to_state=result,
            data={
                "application_id": application.pk,
                "attempt_number": len(attempts),
                "source": source,
                "vendor_reference": vendor_reference,
            },
        )
        notify(
            user=application.applicant,
            kind="exam_recorded",
            context={
                "application_id": application.pk,
                "exam_attempt_id": attempt.pk,
                "county_name": application.county.name,
                "taken_on": taken_on.isoformat(),
                "result": result,
                "scaled_score": scaled_score,
                "attempts_left": attempts_left,
                "window_ends_on": window_ends_on.isoformat(),
            },
        )
    return attempt


def exam_attempt_record_reinstatement(
    *,
    actor: User,
    certification: "Certification",
    taken_on: datetime.date,
    result: str,
    scaled_score: int | None = None,
    vendor_reference: str = "",
    today: datetime.date | None = None,
) -> ExamAttempt:
    """Record one exam sitting of the holder of an expired certification, toward its
    reinstatement (docs/domain.md#late-renewal-and-reinstatement: a passed exam taken after
    the expiry date stands in for the 80-hour refresher course). By an administrator of the
    issuing county, who also decides the reinstatement; reviewers and state staff are refused
    (403). Refused for a future date, a date on or before the expiry date or on or after the
    vacate date, a certification that is not expired (`exams.authorization`, answered by
    `certification.rules.reinstatement_exam_problems`), after a passed sitting or before the
    wait between sittings (`exams.rules.reinstatement_sitting_problems`), or for a vendor
    reference already recorded in the county. The sitting's exam fee falls due to the issuing
    county, as an applicant's does (`fees`); the holder is told the result and what is next."""
    today = today or timezone.localdate()
    vendor_reference = (vendor_reference or "").strip()
    with transaction.atomic():
        certification = _lock_certification(certification)
        county = certification.issuing_county
        require_staff(actor, county, ADMIN_ROLES)
        _refuse_bad_input(
            result=result,
            source=ExamSource.MANUAL,
            scaled_score=scaled_score,
            taken_on=taken_on,
            today=today,
        )
        if vendor_reference and _reference_recorded_in_county(
            ExamSource.MANUAL, vendor_reference, county.pk
        ):
            raise _duplicate_reference(vendor_reference)
        attempts = list(ExamAttempt.objects.filter(certification=certification))
        refuse_problems(exam_authorization_problems([(certification, taken_on)])[0])
        refuse_problems(
            exam_rules.reinstatement_sitting_problems(
                attempts=attempts,
                on=taken_on,
                min_wait_days=ProgramPolicy.current().exam_min_wait_days,
            )
        )
        try:
            with transaction.atomic():
                attempt = ExamAttempt.objects.create(
                    certification=certification,
                    taken_on=taken_on,
                    result=result,
                    scaled_score=scaled_score,
                    source=ExamSource.MANUAL,
                    vendor_reference=vendor_reference,
                    recorded_by=actor,
                )
        except IntegrityError:
            raise _duplicate_reference(vendor_reference) from None
        fee_due_record(
            actor=actor,
            county=county,
            person=certification.holder,
            kind=FeeKind.EXAM,
            exam_attempt=attempt,
        )
        audit_record(
            actor=actor,
            verb="exam_attempt_record_reinstatement",
            obj=attempt,
            county=county,
            subject=certification.holder,
            to_state=result,
            data={
                "certification_id": certification.pk,
                "attempt_number": len(attempts) + 1,
                "vendor_reference": vendor_reference,
            },
        )
        notify(
            user=certification.holder,
            kind="reinstatement_exam_recorded",
            context={
                "certification_id": certification.pk,
                "exam_attempt_id": attempt.pk,
                "number": certification.number,
                "county_name": county.name,
                "taken_on": taken_on.isoformat(),
                "result": result,
                "scaled_score": scaled_score,
                "expired_on": certification.expires_on.isoformat(),
            },
        )
    return attempt
