"""Certification policy: pure functions, no database (see docs/CONTRACTS.md 'Rules'). The
rules are those of docs/domain.md (#eligibility, #application, #certification, #expiring-soon,
#renewal, #late-renewal-and-reinstatement, #specializations).

Each `*_problems` function returns the reasons a step is refused, in words the person can
read (empty list = allowed). Inputs are plain values or model instances already loaded; lists
of related rows (documents, training records, attempts, CE credits) are passed in, never
fetched here. Policy numbers come from `core.policy`.

Dates (one set of conventions, stated once):
- Age and the approval window count elapsed time, like a birthday: a period of N years or
  months from a date is complete on its anniversary, and the anniversary of a day a month
  lacks (29 February in a common year, 31 August plus 6 months) is the 1st of the next month.
  So a person born 2008-11-23 is 18 on 2026-11-23 (the birthday counts); one born 2008-02-29
  turns 18 on 2026-03-01; an application approved 2025-03-15 may be used through 2026-03-14
  and one approved 2024-02-29 through 2025-02-28 (the day before the anniversary: exactly
  12 months).
- Dates printed on a certificate are calendar dates N years on (`core.units.add_years`),
  with 29 February becoming 28 February: issued 2024-03-15 expires 2026-03-15, issued
  2024-02-29 expires 2026-02-28. The certification is in force through its expiry date; it is
  vacated on `vacate_date`, 4 years after expiry, and may be reinstated until the day before.
"""

import datetime
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from certification.models import (
    OPEN_APPLICATION_STATUSES,
    Application,
    ApplicationPart,
    ApplicationStatus,
    Certification,
    CertificationStatus,
    Education,
    OutOfStateCeRecord,
    Pathway,
    RenewalKind,
)
from continuing_ed.models import CeCategory
from continuing_ed.rules import CreditLike, ce_compliance_problems
from core import policy
from core.review import ReviewStatus
from core.units import add_years, as_hours, hours_text
from documents.models import Document, DocumentKind
from exams import rules as exam_rules
from exams.models import ExamAttempt, ExamResult
from training.models import Course, TrainingRecord
from training.rules import (
    completion_date_problem,
    core_record_problem,
    counting_core_records,
    provider_problem,
    specialization_order_problem,
    training_sufficiency_problems,
)

QUALIFYING_EDUCATION = (Education.HIGH_SCHOOL_DIPLOMA, Education.EQUIVALENT, Education.HIGHER)
# The documents every application needs (docs/domain.md#eligibility): a government photo ID
# and proof of the diploma or its equivalent. An application holds one current document of each
# (a new upload replaces the last), and a reviewer verifies both before approving.
APPLICATION_DOCUMENTS = (DocumentKind.PHOTO_ID, DocumentKind.DIPLOMA)
_MISSING_DOCUMENT = {
    DocumentKind.PHOTO_ID: gettext_lazy("Upload a government photo ID."),
    DocumentKind.DIPLOMA: gettext_lazy(
        "Upload proof of your high school diploma or its equivalent."
    ),
}
# The application part a reviewer names to ask for a new document of each kind. `other`
# documents may be added whenever changes are requested; a CE certificate belongs to an
# application only as the proof of an out-of-state applicant's CE record.
PART_OF_KIND: dict[str, ApplicationPart] = {
    DocumentKind.PHOTO_ID: ApplicationPart.PHOTO_ID,
    DocumentKind.DIPLOMA: ApplicationPart.DIPLOMA,
    DocumentKind.TRAINING_CERTIFICATE: ApplicationPart.TRAINING,
    DocumentKind.RECOMMENDATION_LETTER: ApplicationPart.OUT_OF_STATE,
    # The proof of an out-of-state applicant's CE record (added with the record).
    DocumentKind.CE_CERTIFICATE: ApplicationPart.OUT_OF_STATE,
}

# What the applicant may edit in an application, by the part a reviewer can send back.
# `pathway` changes only in a draft; the Code of Ethics is signed through
# `application_sign_ethics`, the documents through `document_upload`.
EDITABLE_FIELDS_BY_PART: dict[str, tuple[str, ...]] = {
    ApplicationPart.ATTESTATIONS: ("attest_share_experience", "attest_recovery"),
    ApplicationPart.OUT_OF_STATE: (
        "other_state",
        "other_state_certification_number",
        "other_state_expires_on",
        "peer_work_hours",
        "attest_no_pending_discipline",
    ),
}
DRAFT_ONLY_FIELDS = ("pathway",)
EDITABLE_FIELDS = frozenset(
    DRAFT_ONLY_FIELDS + tuple(f for fields in EDITABLE_FIELDS_BY_PART.values() for f in fields)
)


def application_editable_fields(application: Application) -> frozenset[str]:
    """The fields of `application` the applicant may change in its current state: any in a
    draft, those of the parts the reviewer sent back while changes are requested, else none."""
    if application.status == ApplicationStatus.DRAFT:
        return EDITABLE_FIELDS
    if application.status == ApplicationStatus.CHANGES_REQUESTED:
        return frozenset(
            name
            for part in application.changes_requested_parts
            for name in EDITABLE_FIELDS_BY_PART.get(part, ())
        )
    return frozenset()


def _months_later(d: datetime.date, months: int) -> datetime.date:
    """The anniversary `months` after `d`; a day the target month lacks rolls to the 1st of
    the month after (2024-02-29 + 12 months → 2025-03-01)."""
    years, month_index = divmod(d.month - 1 + months, 12)
    year, month = d.year + years, month_index + 1
    try:
        return datetime.date(year, month, d.day)
    except ValueError:
        years, month_index = divmod(month, 12)
        return datetime.date(year + years, month_index + 1, 1)


def birthday(date_of_birth: datetime.date, age: int) -> datetime.date:
    """The day a person born on `date_of_birth` turns `age` (29 Feb → 1 March in common years)."""
    return _months_later(date_of_birth, 12 * age)


def age_on(date_of_birth: datetime.date, on: datetime.date) -> int:
    """Age in whole years on `on`; the birthday itself counts, and someone born on 29 February
    has their birthday on 1 March in a common year."""
    before_birthday = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - int(before_birthday)


def eligibility_problems(profile, *, on: datetime.date) -> list[str]:
    """Why the person (an `ApplicantProfile`) is not eligible on `on`: at least 18 years old,
    a high-school diploma, its equivalent or higher (attested), and lived experience stated."""
    problems = []
    dob = profile.date_of_birth
    if dob is None:
        problems.append(_("Enter your date of birth."))
    elif age_on(dob, on) < policy.MINIMUM_AGE_YEARS:
        problems.append(
            _("You must be at least %(age)d years old on %(on)s; you turn %(age)d on %(date)s.")
            % {
                "age": policy.MINIMUM_AGE_YEARS,
                "on": on.isoformat(),
                "date": birthday(dob, policy.MINIMUM_AGE_YEARS).isoformat(),
            }
        )
    if profile.education not in QUALIFYING_EDUCATION:
        problems.append(
            _(
                "A high school diploma or its equivalent (such as a GED) is required; work "
                "experience cannot replace it."
            )
        )
    elif not profile.education_attested:
        problems.append(_("Confirm that your education information is true."))
    if not profile.lived_experience:
        problems.append(
            _(
                "Tell us about your lived experience of recovery, as a consumer or as a "
                "parent, caregiver or family member of a consumer."
            )
        )
    return problems


def _current_documents(documents: Iterable[Document]) -> set[str]:
    """Kinds of the documents that still stand: not removed and not rejected."""
    return {
        d.kind
        for d in documents
        if d.removed_at is None and d.review_status != ReviewStatus.REJECTED
    }


@dataclass(frozen=True)
class ChecklistLine:
    """One requirement of a pathway and whether it is met: `label` names it, `on_file` says
    what the application holds for it, `why` the reasons it is not met (empty: met)."""

    label: str
    on_file: str
    why: tuple[str, ...]

    @property
    def met(self) -> bool:
        return not self.why


def submitted_on(application: Application, *, on: datetime.date) -> datetime.date:
    """The day `application` was submitted (local date), or `on` for one not submitted yet:
    the day the out-of-state CE window ends."""
    if application.submitted_at is None:
        return on
    return timezone.localdate(application.submitted_at)


def out_of_state_ce_window(
    submitted: datetime.date, *, on: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The CE that counts for an out-of-state application submitted on `submitted`, checked on
    `on`: completed in the past 2 years when it was submitted, from the same date 2 years
    earlier, through `on` (a course finished while the application waits counts too), both
    included. Submitted 2026-12-07: from 2024-12-07 (29 February → 28 February)."""
    return add_years(submitted, -policy.OUT_OF_STATE_CE_YEARS), max(on, submitted)


def _standing(status: str, removed: bool, *, verified: bool) -> bool:
    """Whether a document counts: not removed, and verified (`verified`) or not rejected."""
    if removed:
        return False
    return status == ReviewStatus.VERIFIED if verified else status != ReviewStatus.REJECTED


def _other_state_line(application: Application, *, on: datetime.date) -> ChecklistLine:
    why = []
    if not application.other_state:
        why.append(_("Enter the state that certified you."))
    if not application.other_state_certification_number:
        why.append(_("Enter your certification number in that state."))
    expires_on = application.other_state_expires_on
    if expires_on is None:
        why.append(_("Enter the expiry date of your certification in that state."))
    elif expires_on < on:
        why.append(
            _(
                "The certification from %(state)s expired on %(date)s; a current certification "
                "from another state is required (on %(on)s)."
            )
            % {
                "state": application.other_state,
                "date": expires_on.isoformat(),
                "on": on.isoformat(),
            }
        )
    on_file = " ".join(
        part
        for part in (
            application.other_state,
            application.other_state_certification_number,
            _("expires %(date)s") % {"date": expires_on.isoformat()} if expires_on else "",
        )
        if part
    )
    return ChecklistLine(str(_("A current certification from another state")), on_file, tuple(why))


def out_of_state_ce_line(
    ce_records: Iterable[OutOfStateCeRecord],
    *,
    submitted: datetime.date,
    on: datetime.date,
    verified: bool,
) -> ChecklistLine:
    """The CE line of `out_of_state_checklist`: the hours of `ce_records` completed inside
    `out_of_state_ce_window` whose proof counts (`verified`: verified; else not removed and not
    rejected), in total and in law and ethics."""
    start, end = out_of_state_ce_window(submitted, on=on)
    total = law_and_ethics = waiting = Decimal("0")
    for record in ce_records:
        document = record.document
        if not start <= record.completed_on <= end:
            continue
        hours = as_hours(record.hours)
        if _standing(document.review_status, document.removed_at is not None, verified=verified):
            total += hours
            if record.category == CeCategory.LAW_AND_ETHICS:
                law_and_ethics += hours
        elif document.removed_at is None and document.review_status == ReviewStatus.PENDING:
            waiting += hours
    values = {"start": start.isoformat(), "end": end.isoformat()}
    why = []
    if total < policy.OUT_OF_STATE_CE_HOURS:
        message = (
            _(
                "%(have)s hours of continuing education completed between %(start)s and "
                "%(end)s have verified proof; %(need)s are required."
            )
            if verified
            else _(
                "%(have)s hours of continuing education completed between %(start)s and "
                "%(end)s are entered with proof; %(need)s are required."
            )
        )
        why.append(
            message
            % {
                **values,
                "have": hours_text(total),
                "need": hours_text(policy.OUT_OF_STATE_CE_HOURS),
            }
        )
    if law_and_ethics < policy.OUT_OF_STATE_CE_LAW_AND_ETHICS_HOURS:
        why.append(
            _("%(have)s of those hours are in law and ethics; at least %(need)s are required.")
            % {
                "have": hours_text(law_and_ethics),
                "need": hours_text(policy.OUT_OF_STATE_CE_LAW_AND_ETHICS_HOURS),
            }
        )
    if why and verified and waiting:
        why.append(
            _("The proof of %(hours)s more hours waits for review.")
            % {"hours": hours_text(waiting)}
        )
    on_file = _("%(total)s hours, %(ethics)s in law and ethics (%(start)s to %(end)s)") % {
        **values,
        "total": hours_text(total),
        "ethics": hours_text(law_and_ethics),
    }
    return ChecklistLine(
        str(
            _("%(hours)s CE hours in the past %(years)d years, %(ethics)s in law and ethics")
            % {
                "hours": hours_text(policy.OUT_OF_STATE_CE_HOURS),
                "years": policy.OUT_OF_STATE_CE_YEARS,
                "ethics": hours_text(policy.OUT_OF_STATE_CE_LAW_AND_ETHICS_HOURS),
            }
        ),
        str(on_file),
        tuple(str(w) for w in why),
    )


def recommendation_letters_line(documents: Iterable[Document], *, verified: bool) -> ChecklistLine:
    """The letters line of `out_of_state_checklist`: 3 letters of recommendation among
    `documents` that count (`verified`: verified; else not removed and not rejected)."""
    need = policy.OUT_OF_STATE_RECOMMENDATION_LETTERS
    letters = [d for d in documents if d.kind == DocumentKind.RECOMMENDATION_LETTER]
    have = sum(
        _standing(d.review_status, d.removed_at is not None, verified=verified) for d in letters
    )
    why = []
    if have < need:
        message = (
            ngettext(
                "%(need)d letters of recommendation are required; %(have)d is verified.",
                "%(need)d letters of recommendation are required; %(have)d are verified.",
                have,
            )
            if verified
            else ngettext(
                "%(need)d letters of recommendation are required; %(have)d is uploaded.",
                "%(need)d letters of recommendation are required; %(have)d are uploaded.",
                have,
            )
        )
        why.append(message % {"need": need, "have": have})
    on_file = ngettext("%(count)d letter", "%(count)d letters", have) % {"count": have}
    return ChecklistLine(
        str(_("%(count)d letters of recommendation") % {"count": need}), on_file, tuple(why)
    )


def out_of_state_checklist(
    application: Application,
    documents: Iterable[Document],
    ce_records: Iterable[OutOfStateCeRecord],
    *,
    on: datetime.date,
    verified: bool,
    exam_attempts: Iterable[ExamAttempt] | None = None,
) -> list[ChecklistLine]:
    """Everything out-of-state reciprocity requires (docs/domain.md#other-pathways; DOMAIN:
    capeercertification.org), one line each: a certification from another state current on
    `on` (state, number, expiry date: in force through its expiry date), no pending discipline
    (attested), 1,550 hours of peer work, 20 CE hours (6 in law and ethics) completed in the 2
    years before the application was submitted, or since (`out_of_state_ce_window`), with
    proof, and 3 letters of recommendation (documents of their own kind). With `verified`,
    only verified proof and letters count (approval and issue); without, those not removed
    and not rejected (submission). With `exam_attempts`, a last line for the California
    exam. No 80 hours of training are asked of this pathway."""
    documents = list(documents)
    hours = application.peer_work_hours or 0
    lines = [
        _other_state_line(application, on=on),
        ChecklistLine(
            str(_("No pending discipline in any state (attested)")),
            str(_("attested")) if application.attest_no_pending_discipline else "",
            ()
            if application.attest_no_pending_discipline
            else (str(_("Confirm that you have no pending discipline in any state.")),),
        ),
        ChecklistLine(
            str(
                _("%(need)s hours of peer work")
                % {"need": f"{policy.OUT_OF_STATE_PEER_WORK_HOURS:,}"}
            ),
            str(hours),
            ()
            if hours >= policy.OUT_OF_STATE_PEER_WORK_HOURS
            else (
                str(
                    _("At least %(need)d hours of peer work are required; you entered %(have)d.")
                    % {"need": policy.OUT_OF_STATE_PEER_WORK_HOURS, "have": hours}
                ),
            ),
        ),
        out_of_state_ce_line(
            ce_records, submitted=submitted_on(application, on=on), on=on, verified=verified
        ),
        recommendation_letters_line(documents, verified=verified),
    ]
    if exam_attempts is not None:
        passed = any(a.result == ExamResult.PASSED for a in exam_attempts)
        lines.append(
            ChecklistLine(
                str(_("A passed California certification exam")),
                str(_("passed")) if passed else "",
                () if passed else (str(_("The certification exam has not been passed yet.")),),
            )
        )
    return lines


def out_of_state_problems(
    application: Application,
    documents: Iterable[Document],
    ce_records: Iterable[OutOfStateCeRecord],
    *,
    on: datetime.date,
    verified: bool,
) -> list[str]:
    """The reasons of every unmet line of `out_of_state_checklist` (the exam aside)."""
    lines = out_of_state_checklist(application, documents, ce_records, on=on, verified=verified)
    return [why for line in lines for why in line.why]


def application_submission_problems(
    application: Application,
    profile,
    documents: Iterable[Document],
    *,
    on: datetime.date,
    ce_records: Iterable[OutOfStateCeRecord] = (),
    verified: bool = False,
) -> list[str]:
    """Why `application` cannot be submitted on `on`: the eligibility of `profile`, the Code of
    Ethics signed, both attestations, a current photo ID and diploma among `documents` (not
    removed, not rejected), everything out-of-state reciprocity requires for that pathway
    (`out_of_state_problems`, with its `ce_records`; `verified` for the approval), and no
    grandparenting after it closed."""
    documents = list(documents)
    problems = eligibility_problems(profile, on=on)
    if application.ethics_version_id is None or application.ethics_signed_at is None:
        problems.append(_("Read and sign the Code of Ethics."))
    if not application.attest_share_experience:
        problems.append(_("Confirm that you are willing to share your lived experience."))
    if not application.attest_recovery:
        problems.append(_("Confirm that you are dedicated to recovery."))
    present = _current_documents(documents)
    problems.extend(
        str(_MISSING_DOCUMENT[kind]) for kind in APPLICATION_DOCUMENTS if kind not in present
    )
    if application.pathway == Pathway.OUT_OF_STATE:
        problems.extend(
            out_of_state_problems(application, documents, ce_records, on=on, verified=verified)
        )
    if application.pathway == Pathway.GRANDPARENTING and on > policy.GRANDPARENTING_CLOSED_ON:
        problems.append(
            _("The grandparenting pathway closed on %(date)s.")
            % {"date": policy.GRANDPARENTING_CLOSED_ON.isoformat()}
        )
    return problems


def approval_window_end(approved_on: datetime.date) -> datetime.date:
    """The last day an application approved on `approved_on` may be used: the day before its
    12-month anniversary (2025-03-15 → 2026-03-14; 2024-02-29 → 2025-02-28)."""
    return _months_later(approved_on, policy.APPROVAL_WINDOW_MONTHS) - datetime.timedelta(days=1)


def passed_inside_window(application: Application, exam_attempts: Iterable[ExamAttempt]) -> bool:
    """Whether one of `exam_attempts` passed on or before the last day of the application's
    12-month window (docs/domain.md#exam: the window is about taking the exam)."""
    end = application.window_ends_on
    return any(
        a.result == ExamResult.PASSED and (end is None or a.taken_on <= end) for a in exam_attempts
    )


def application_expiry_problems(
    application: Application,
    exam_attempts: Iterable[ExamAttempt],
    *,
    grace_days: int,
    on: datetime.date,
) -> list[str]:
    """Why the approved `application` does not expire on `on` (empty: it expires). The
    12-month window is about taking the exam, not the paperwork after it (docs/domain.md#exam):
    an application with a passed exam on file stays approved until it is issued; one without
    stays approved through the result grace period after its window (`grace_days`, our choice,
    `ProgramPolicy.exam_result_grace_days`), while the result of an attempt taken inside the
    window may still arrive from the vendor. It expires the day after the grace period ends.
    The expiry scan applies the same rule as SQL (`certification.expiry.EXPIRE_APPLICATIONS`)."""
    if application.status != ApplicationStatus.APPROVED:
        return [
            _("Only an approved application expires; this one is %(status)s.")
            % {"status": ApplicationStatus(application.status).label.lower()}
        ]
    end = application.window_ends_on
    if end is None:
        return [_("This application has no exam window.")]
    if on <= end:
        return [
            _("This application's exam window is open until %(date)s.") % {"date": end.isoformat()}
        ]
    if any(a.result == ExamResult.PASSED for a in exam_attempts):
        return [_("This application has a passed exam on file: it can still be issued.")]
    grace_end = exam_rules.result_grace_end(end, grace_days)
    if on <= grace_end:
        return [
            _(
                "The results of exams taken by %(end)s can still be recorded until %(date)s; "
                "the application expires after that."
            )
            % {"end": end.isoformat(), "date": grace_end.isoformat()}
        ]
    return []


def issue_problems(
    application: Application,
    training_records: Iterable[TrainingRecord],
    exam_attempts: Sequence[ExamAttempt],
    *,
    on: datetime.date,
    documents: Iterable[Document] = (),
    ce_records: Iterable[OutOfStateCeRecord] = (),
) -> list[str]:
    """Why a certification cannot be issued from `application` on `on`: it must be approved,
    `on` inside its window or an exam passed inside it (then any day after: the window is
    about taking the exam, docs/domain.md#exam), one of `exam_attempts` passed, and for the
    standard pathway the applicant's `training_records` sufficient (`training.rules`)."""
    problems = []
    if application.status != ApplicationStatus.APPROVED:
        problems.append(
            _("Only an approved application leads to a certification; this one is %(status)s.")
            % {"status": ApplicationStatus(application.status).label.lower()}
        )
    elif (
        application.window_ends_on is not None
        and on > application.window_ends_on
        and not passed_inside_window(application, exam_attempts)
    ):
        problems.append(
            _("The 12-month window of this application ended on %(date)s.")
            % {"date": application.window_ends_on.isoformat()}
        )
    if not any(a.result == ExamResult.PASSED for a in exam_attempts):
        problems.append(_("The certification exam has not been passed yet."))
    if application.pathway == Pathway.STANDARD:
        problems.extend(training_sufficiency_problems(training_records, on=on))
    if application.pathway == Pathway.OUT_OF_STATE:
        problems.extend(
            out_of_state_problems(application, documents, ce_records, on=on, verified=True)
        )
    return problems


def exam_authorization_problems(
    application: Application, training_records: Iterable[TrainingRecord], *, on: datetime.date
) -> list[str]:
    """Why the candidate of `application` was not authorized to sit the exam taken on `on`;
    empty when they were.

    As the program runs it today, the 80-hour training certificate is verified before the
    candidate is authorized to sit the exam (DOMAIN.md, Application and exam;
    docs/domain.md#exam): on the standard pathway an attempt is recorded only when one core
    course that counts (`training.rules.counting_core_records`: verified, 80 hours, approved
    provider, on or after 2022-07-01) was completed on or before the exam date. The other
    pathways need no core training (out-of-state reciprocity, grandparenting).
    """
    if application.pathway != Pathway.STANDARD:
        return []
    if counting_core_records(training_records, on=on):
        return []
    return [
        _(
            "The candidate's core training has not been verified: the %(hours)s-hour training "
            "certificate is verified before the candidate may sit the exam. Verify the "
            "training (completed on or before the exam date, %(date)s) first."
        )
        % {"hours": hours_text(policy.CORE_TRAINING_HOURS), "date": on.isoformat()}
    ]


def certification_expiry(issued_on: datetime.date) -> datetime.date:
    """The expiry date of a certification issued (or renewed from) `issued_on`: 2 years on,
    29 Feb → 28 Feb. A renewal's new expiry is `certification_expiry(previous expires_on)`."""
    return add_years(issued_on, policy.CERTIFICATION_VALIDITY_YEARS)


def renewal_window_opens(expires_on: datetime.date) -> datetime.date:
    """The first day a renewal may be filed: 90 days before `expires_on`."""
    return expires_on - datetime.timedelta(days=policy.RENEWAL_WINDOW_DAYS)


def vacate_date(expires_on: datetime.date) -> datetime.date:
    """The day an expired certification becomes vacated: 4 years after `expires_on`
    (29 Feb → 28 Feb). Reinstatement is possible until the day before."""
    return add_years(expires_on, policy.VACATE_AFTER_EXPIRY_YEARS)


def expiring_soon_window(on: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The expiry dates that count as "expiring soon" on `on`: from `on` itself through
    `EXPIRING_SOON_DAYS` days later, both ends included (docs/domain.md#expiring-soon)."""
    return on, on + datetime.timedelta(days=policy.EXPIRING_SOON_DAYS)


def is_expiring_soon(status: str, expires_on: datetime.date, *, on: datetime.date) -> bool:
    """Whether a certification in `status` expiring on `expires_on` is "expiring soon" on
    `on`: derived, not a status. Only an active certification is: a suspended, revoked or
    vacated one is not about to lapse by running out. The same rule as a query expression is
    `certification.selectors.expiring_soon_q`."""
    first, last = expiring_soon_window(on)
    return status == CertificationStatus.ACTIVE and first <= expires_on <= last


# Only a participating county certifies (docs/domain.md#counties-and-opt-in): a county offers
# Peer Support Services, and so runs or uses a certification program, only while it has opted
# in for at least one Medi-Cal delivery system (DOMAIN.md "Who and why";
# dhcs.ca.gov/services/Pages/Peer-Support-Services.aspx). Checked when an application is
# created, submitted (or resubmitted), approved and issued; an application whose county stops
# participating may be transferred to a participating county's program.
PARTICIPATION_STEPS = ("submit", "approve", "issue")


def participation_problems(county_name: str, *, participating: bool, step: str) -> list[str]:
    """Why `step` ("submit", by the applicant; "approve" or "issue", by staff) cannot happen
    for an application with county `county_name`, which `participating` or not today."""
    if step not in PARTICIPATION_STEPS:
        raise ValueError(f"Unknown step {step!r}")
    if participating:
        return []
    if step == "submit":
        return [
            _(
                "%(county)s no longer takes part in peer support certification, so it cannot "
                "receive your application. Transfer the application to a participating "
                "county’s program: everything you have entered and uploaded goes with it."
            )
            % {"county": county_name}
        ]
    if step == "approve":
        message = _(
            "%(county)s no longer takes part in peer support certification, so this "
            "application cannot be approved here. The applicant or state staff can transfer "
            "it to a participating county’s program."
        )
    else:
        message = _(
            "%(county)s no longer takes part in peer support certification, so no "
            "certification can be issued here. The applicant or state staff can transfer the "
            "application to a participating county’s program."
        )
    return [message % {"county": county_name}]


def transfer_problems(
    application: Application,
    *,
    from_participating: bool,
    to_county_name: str,
    to_participating: bool,
    same_county: bool,
) -> list[str]:
    """Why `application` cannot be transferred to the county `to_county_name`: it must be open
    (draft to approved: a final application is not moved), its own county must have stopped
    participating (a transfer rescues a stranded application; it is not a way to change
    reviewers), and the new county must participate and be another county. The application
    keeps everything, its exam window and attempts included, so one open application per
    person still holds and its 3 attempts are not multiplied."""
    problems = []
    if application.status not in OPEN_APPLICATION_STATUSES:
        problems.append(
            _("Only an open application can be transferred; this one is %(status)s.")
            % {"status": ApplicationStatus(application.status).label.lower()}
        )
    if from_participating:
        problems.append(
            _(
                "%(county)s still takes part in peer support certification: an application is "
                "transferred only when its county stops participating."
            )
            % {"county": application.county.name}
        )
    if same_county:
        problems.append(_("Choose another county’s program."))
    elif not to_participating:
        problems.append(
            _(
                "%(county)s does not take part in peer support certification at the moment. "
                "Choose a participating county’s program."
            )
            % {"county": to_county_name}
        )
    return problems


def _status_label(certification: Certification) -> str:
    return CertificationStatus(certification.status).label.lower()


def suspension_problems(certification: Certification) -> list[str]:
    """Why a suspension on record blocks any renewal or reinstatement of `certification`: a
    suspended certification still expires, but its suspension must be lifted first
    (docs/domain.md#complaints-and-discipline)."""
    if certification.suspended_on is None:
        if certification.status != CertificationStatus.SUSPENDED:
            return []
        return [
            _(
                "This certification is suspended. The issuing program must lift the suspension "
                "before it can be renewed or reinstated."
            )
        ]
    return [
        _(
            "This certification was suspended on %(date)s. The issuing program must lift the "
            "suspension before it can be renewed or reinstated."
        )
        % {"date": certification.suspended_on.isoformat()}
    ]


class LapseTier(StrEnum):
    """Where a certification stands by its dates (docs/domain.md#late-renewal-and-reinstatement):
    in force through its expiry date; then renewable late (with the late fee) through
    `late_renewal_last_day`; then only reinstatable until the day before `vacate_date`; then
    vacated."""

    IN_FORCE = "in_force"
    LATE_RENEWAL = "late_renewal"
    REINSTATEMENT = "reinstatement"
    VACATED = "vacated"


def late_renewal_last_day(
    expires_on: datetime.date, *, limit_months: int = policy.DEFAULT_LATE_RENEWAL_LIMIT_MONTHS
) -> datetime.date:
    """The last day a certification that expired on `expires_on` may still be renewed late:
    `limit_months` after the expiry date, that day included (expired 2026-03-15, 12 months:
    through 2027-03-15; reinstatement from 2027-03-16). A day the month lacks rolls to the 1st
    of the next month, like every month count here. `limit_months` is the program's
    `ProgramPolicy.late_renewal_limit_months` (DHCS FAQ; the limit is our choice)."""
    return _months_later(expires_on, limit_months)


def lapse_tier(
    expires_on: datetime.date,
    *,
    on: datetime.date,
    limit_months: int = policy.DEFAULT_LATE_RENEWAL_LIMIT_MONTHS,
) -> LapseTier:
    """The tier on `on` of a certification expiring on `expires_on` (see `LapseTier`)."""
    if on <= expires_on:
        return LapseTier.IN_FORCE
    if on <= late_renewal_last_day(expires_on, limit_months=limit_months):
        return LapseTier.LATE_RENEWAL
    if on < vacate_date(expires_on):
        return LapseTier.REINSTATEMENT
    return LapseTier.VACATED


# The fees a renewal of each kind makes due (capeercertification.org/fee-schedule/; DHCS FAQ:
# a late renewal, and a reinstatement, also cost the late fee). Values of `fees.FeeKind`.
FEES_OF_RENEWAL_KIND: dict[str, tuple[str, ...]] = {
    RenewalKind.RENEWAL: ("renewal",),
    RenewalKind.LATE_RENEWAL: ("renewal", "late"),
    RenewalKind.REINSTATEMENT: ("reinstatement", "late"),
}


def _vacated_problem(expires_on: datetime.date) -> str:
    return _(
        "A certification not renewed within %(years)d years of its expiry is vacated "
        "(this one on %(date)s): apply again for a new certification."
    ) % {"years": policy.VACATE_AFTER_EXPIRY_YEARS, "date": vacate_date(expires_on).isoformat()}


def renewal_problems(
    certification: Certification,
    *,
    on: datetime.date,
    limit_months: int = policy.DEFAULT_LATE_RENEWAL_LIMIT_MONTHS,
) -> list[str]:
    """Why `certification` cannot be renewed on `on`: active (or expired, for a late
    renewal), no suspension on record, and `on` from `renewal_window_opens` through the expiry
    date (a renewal) or after it through `late_renewal_last_day` (a late renewal, with the
    late fee). CE is not checked here: a renewal rests on the holder's attestation
    (`renewal_attestation_problems`), and a random audit checks a sample afterwards
    (capeercertification.org, renewal; docs/domain.md#renewal)."""
    problems = suspension_problems(certification)
    expires_on = certification.expires_on
    renewable = (CertificationStatus.ACTIVE, CertificationStatus.EXPIRED)
    if certification.status not in renewable and not problems:
        problems.append(
            _("Only an active or expired certification can be renewed; this one is %(status)s.")
            % {"status": _status_label(certification)}
        )
    opens = renewal_window_opens(expires_on)
    tier = lapse_tier(expires_on, on=on, limit_months=limit_months)
    if on < opens:
        problems.append(
            _("Renewal opens on %(opens)s, %(days)d days before the expiry date %(expires)s.")
            % {
                "opens": opens.isoformat(),
                "days": policy.RENEWAL_WINDOW_DAYS,
                "expires": expires_on.isoformat(),
            }
        )
    elif tier == LapseTier.REINSTATEMENT:
        problems.append(
            _(
                "This certification expired on %(expires)s and the late renewal period ended on "
                "%(last)s; it can now only be reinstated (until %(until)s)."
            )
            % {
                "expires": expires_on.isoformat(),
                "last": late_renewal_last_day(expires_on, limit_months=limit_months).isoformat(),
                "until": (vacate_date(expires_on) - datetime.timedelta(days=1)).isoformat(),
            }
        )
    elif tier == LapseTier.VACATED:
        problems.append(_vacated_problem(expires_on))
    return problems


def renewal_kind_on(
    certification: Certification,
    *,
    on: datetime.date,
    limit_months: int = policy.DEFAULT_LATE_RENEWAL_LIMIT_MONTHS,
) -> str:
    """The kind of renewal `certification` takes on `on`: a renewal through its expiry date,
    a late renewal in the late period, a reinstatement after it."""
    tier = lapse_tier(certification.expires_on, on=on, limit_months=limit_months)
    if tier == LapseTier.IN_FORCE:
        return RenewalKind.RENEWAL
    if tier == LapseTier.LATE_RENEWAL:
        return RenewalKind.LATE_RENEWAL
    return RenewalKind.REINSTATEMENT


def renewal_attestation_problems(*, attest_ce: bool, attest_records: bool) -> list[str]:
    """Why the holder's attestation does not support a renewal: they attest to the 20 CE hours,
    6 in law and ethics, completed in the cycle, and to keeping the records for 2 years
    (capeercertification.org, renewal: the program renews on attestation and audits a sample)."""
    problems = []
    if not attest_ce:
        problems.append(
            _(
                "Confirm that you completed %(total)s hours of continuing education in this "
                "certification period, at least %(law)s of them in law and ethics."
            )
            % {
                "total": hours_text(policy.CE_HOURS_REQUIRED),
                "law": hours_text(policy.CE_LAW_AND_ETHICS_HOURS_REQUIRED),
            }
        )
    if not attest_records:
        problems.append(
            _("Confirm that you keep the records of your continuing education for 2 years.")
        )
    return problems


def reinstatement_ce_bounds(
    cycle_started_on: datetime.date, *, on: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """CE that counts toward a reinstatement on `on`: completed within the 2 years before it
    (from the same day 2 years earlier through `on`), and never before the first day of the
    certification's last cycle (earlier CE belongs to an earlier cycle)."""
    lookback = add_years(on, -policy.REINSTATEMENT_CE_LOOKBACK_YEARS)
    return max(cycle_started_on, lookback), on


def refresher_or_exam_problems(
    expires_on: datetime.date,
    training_records: Iterable[TrainingRecord],
    exam_attempts: Iterable[ExamAttempt],
    *,
    on: datetime.date,
) -> list[str]:
    """Why the holder has not yet done what a reinstatement needs beyond CE: the 80-hour
    refresher course (a verified core course of 80 hours or more from a provider approved on
    its date, completed after `expires_on` and not after `on`) or a passed exam taken after
    `expires_on` (DHCS FAQ)."""
    refreshed = any(
        r.course == Course.CORE_80
        and r.completed_on > expires_on
        and as_hours(r.hours) >= policy.REINSTATEMENT_REFRESHER_HOURS
        and core_record_problem(r, on=on) is None
        for r in training_records
    )
    passed = any(
        a.result == ExamResult.PASSED and expires_on < a.taken_on <= on for a in exam_attempts
    )
    if refreshed or passed:
        return []
    return [
        _(
            "Complete the %(hours)s-hour refresher course from an approved training provider "
            "after %(date)s, the expiry date, and have it verified, or pass the certification "
            "exam again."
        )
        % {
            "hours": hours_text(policy.REINSTATEMENT_REFRESHER_HOURS),
            "date": expires_on.isoformat(),
        }
    ]


def reinstatement_exam_problems(certification: Certification, *, on: datetime.date) -> list[str]:
    """Why an exam sitting on `on` cannot be recorded for the reinstatement of `certification`
    (the answer to `exams.authorization.exam_authorization` for a reinstatement candidate):
    the certification is expired (a suspension on record does not stop the sitting, only the
    reinstatement itself), and `on` is after its expiry date (only such an exam counts,
    `refresher_or_exam_problems`) and before its `vacate_date` (DHCS FAQ; once vacated, the
    person applies again)."""
    problems = []
    if certification.status != CertificationStatus.EXPIRED:
        problems.append(
            _(
                "An exam for a reinstatement is recorded only for an expired certification; "
                "this one is %(status)s."
            )
            % {"status": _status_label(certification)}
        )
    if on <= certification.expires_on:
        problems.append(
            _("Only an exam taken after the expiry date (%(date)s) counts toward a reinstatement.")
            % {"date": certification.expires_on.isoformat()}
        )
    elif on >= vacate_date(certification.expires_on):
        problems.append(_vacated_problem(certification.expires_on))
    return problems


def reinstatement_problems(
    certification: Certification,
    ce_credits: Iterable[CreditLike],
    *,
    on: datetime.date,
    training_records: Iterable[TrainingRecord] = (),
    exam_attempts: Iterable[ExamAttempt] = (),
    limit_months: int = policy.DEFAULT_LATE_RENEWAL_LIMIT_MONTHS,
) -> list[str]:
    """Why `certification` cannot be reinstated on `on`: expired, no suspension on record,
    `on` after the late renewal period and before its `vacate_date`; the refresher course or a
    passed exam (`refresher_or_exam_problems`); and 20 verified CE hours, at least 6 in law
    and ethics, completed within the 2 years before (`reinstatement_ce_bounds`)."""
    problems = suspension_problems(certification)
    expires_on = certification.expires_on
    if certification.status != CertificationStatus.EXPIRED and not problems:
        problems.append(
            _("Only an expired certification can be reinstated; this one is %(status)s.")
            % {"status": _status_label(certification)}
        )
    tier = lapse_tier(expires_on, on=on, limit_months=limit_months)
    if tier == LapseTier.LATE_RENEWAL:
        problems.append(
            _(
                "Until %(last)s this certification can still be renewed late, with the late "
                "fee; reinstatement is for after that date."
            )
            % {"last": late_renewal_last_day(expires_on, limit_months=limit_months).isoformat()}
        )
        return problems
    if tier == LapseTier.VACATED:
        problems.append(_vacated_problem(expires_on))
        return problems
    if tier == LapseTier.IN_FORCE:
        return problems
    problems.extend(refresher_or_exam_problems(expires_on, training_records, exam_attempts, on=on))
    start, end = reinstatement_ce_bounds(certification.cycle_started_on, on=on)
    problems.extend(
        ce_compliance_problems(
            ce_credits,
            cycle_start=start,
            cycle_end=end,
            required_total=policy.REINSTATEMENT_CE_HOURS_REQUIRED,
        )
    )
    return problems


def specialization_problems(
    certification: Certification,
    training_record: TrainingRecord,
    *,
    held_codes: Collection[str],
    area_names: Mapping[str, str],
    core_completed_on: datetime.date | None,
) -> list[str]:
    """Why `training_record` cannot add a specialization to `certification` (DOMAIN.md, Areas
    of specialization; capeercertification.org/specialization-training/): the certification
    active, the record the holder's own and verified, a course of one of the areas
    (`area_names`: code -> name, the operator-kept `training.SpecializationArea` rows), of at
    least 40 hours, completed on or after 2022-07-01, from a provider approved on the
    completion date, after the core training (`core_completed_on`, the holder's core course
    that counts; None when they were certified without one, e.g. out of state), and that area
    not already among `held_codes`. Everything is passed in, so no query runs here."""
    problems = []
    if certification.status != CertificationStatus.ACTIVE:
        problems.append(
            _("Specializations are added only to an active certification; this one is %(status)s.")
            % {"status": _status_label(certification)}
        )
    if training_record.person_id != certification.holder_id:
        problems.append(_("This training record belongs to someone else."))
    if training_record.status != ReviewStatus.VERIFIED:
        problems.append(_("The specialization training must be verified first."))
    if training_record.course not in area_names:
        problems.append(_("This training is not a specialization course."))
        return problems
    hours = as_hours(training_record.hours)
    if hours < policy.SPECIALIZATION_TRAINING_HOURS:
        problems.append(
            _(
                "A specialization needs %(need)s hours of training or more; this record has "
                "%(have)s."
            )
            % {
                "need": hours_text(policy.SPECIALIZATION_TRAINING_HOURS),
                "have": hours_text(hours),
            }
        )
    for problem in (
        completion_date_problem(training_record.completed_on),
        provider_problem(
            training_record.provider, training_record.completed_on, training_record.course
        ),
        specialization_order_problem(training_record.completed_on, core_completed_on),
    ):
        if problem is not None:
            problems.append(problem)
    if training_record.course in held_codes:
        problems.append(
            _("This certification already holds the %(name)s specialization.")
            % {"name": area_names[training_record.course]}
        )
    return problems
