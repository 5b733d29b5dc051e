"""Where a person stands and the one thing to do next, for the portal home, the site dashboard
and the status page. Wording only: every decision shown comes from the rules."""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from certification import rules
from certification.models import (
    OPEN_APPLICATION_STATUSES,
    ApplicantProfile,
    Application,
    ApplicationStatus,
    Certification,
    CertificationStatus,
    Pathway,
)
from certification.selectors import applications_for, profile_of, training_records_for
from core import policy
from core.review import ReviewStatus
from core.units import hours_text
from counties.models import County, ProgramPolicy
from counties.selectors import ExamBooking, county_participates, exam_booking_details
from exams.models import ExamAttempt, ExamResult
from exams.rules import attempts_left, result_grace_end
from exams.selectors import exam_attempts_for
from portal.views.common import own_certification
from training.models import Course
from training.rules import training_sufficiency_problems

A = ApplicationStatus


@dataclass(frozen=True)
class NextStep:
    """One clear next step: what to do (or that there is nothing to do) and where.

    `contact`: the county program whose contact details are shown under the text (the step
    is to ask it something). `exam`: the candidate may book the exam now; `url` is the
    vendor's booking page and these details of the exam are shown under the text."""

    text: str
    url: str = ""
    action: str = ""
    contact: County | None = None
    exam: ExamBooking | None = None


@dataclass(frozen=True)
class ExamProgress:
    """What an approved application's next step depends on: its exam attempts, the reasons
    the person's core training does not yet count, and whether a core training record is
    waiting for the county's review (then the step is to wait, not to add proof)."""

    attempts: list[ExamAttempt]
    training_problems: list[str]
    training_pending: bool = False
    # Past the 12-month window, the last day a result of an attempt taken inside it may still
    # be recorded (docs/domain.md#exam); None while the window is open.
    result_grace_ends_on: datetime.date | None = None


@dataclass
class PersonSummary:
    profile: ApplicantProfile | None
    eligibility_problems: list[str]
    applications: list[Application]
    certification: Certification | None
    next_step: NextStep
    renewal_open: bool = False
    expiring_soon: bool = False


def _day(d: datetime.date) -> str:
    return date_format(d, "DATE_FORMAT")


def certification_next_step(certification: Certification, *, today: datetime.date) -> NextStep:
    number = certification.number
    lapsed = certification.status in (CertificationStatus.ACTIVE, CertificationStatus.EXPIRED)
    if lapsed and certification.suspended_on is None and today > certification.expires_on:
        limit_months = ProgramPolicy.current().late_renewal_limit_months
        tier = rules.lapse_tier(certification.expires_on, on=today, limit_months=limit_months)
        if tier == rules.LapseTier.LATE_RENEWAL:
            return NextStep(
                _(
                    "Your certification %(number)s expired on %(date)s. You can still renew "
                    "it late, with a late fee, until %(last)s."
                )
                % {
                    "number": number,
                    "date": _day(certification.expires_on),
                    "last": _day(
                        rules.late_renewal_last_day(
                            certification.expires_on, limit_months=limit_months
                        )
                    ),
                },
                reverse("portal:renewal"),
                _("Renew my certification late"),
            )
        if tier == rules.LapseTier.REINSTATEMENT:
            return NextStep(
                _(
                    "Your certification %(number)s expired on %(date)s and can no longer be "
                    "renewed. You can reinstate it until %(until)s with the 80-hour refresher "
                    "course or a passed exam, %(hours)s hours of continuing education and the "
                    "fees."
                )
                % {
                    "number": number,
                    "date": _day(certification.expires_on),
                    "until": _day(
                        rules.vacate_date(certification.expires_on) - datetime.timedelta(days=1)
                    ),
                    "hours": hours_text(policy.REINSTATEMENT_CE_HOURS_REQUIRED),
                },
                reverse("portal:renewal"),
                _("See what reinstatement needs"),
            )
    if certification.status == CertificationStatus.ACTIVE:
        if today >= rules.renewal_window_opens(certification.expires_on):
            return NextStep(
                _("Your certification %(number)s expires on %(date)s. Renew it now.")
                % {"number": number, "date": _day(certification.expires_on)},
                reverse("portal:renewal"),
                _("Renew my certification"),
            )
        return NextStep(
            _(
                "Your certification %(number)s is active until %(date)s. Keep a log of your "
                "continuing education for the renewal."
            )
            % {"number": number, "date": _day(certification.expires_on)},
            reverse("portal:ce_log"),
            _("Log continuing education"),
        )
    return NextStep(
        _(
            "Your certification %(number)s is %(status)s. Contact the certification program "
            "of %(county)s County if you have questions."
        )
        % {
            "number": number,
            "status": certification.get_status_display().lower(),
            "county": certification.issuing_county.name,
        },
        reverse("portal:certification"),
        _("See my certification"),
        contact=certification.issuing_county,
    )


def training_url(application: Application) -> str:
    """The Training page, linking back to `application`."""
    return f"{reverse('portal:training')}?application={application.pk}"


def _passed_next_step(application: Application, training_needed: bool, pending: bool) -> NextStep:
    county = application.county.name
    if training_needed and pending:
        return NextStep(
            _(
                "You passed the exam. Your proof of core training is waiting for review by "
                "%(county)s; once it is verified, %(county)s can issue your certification."
            )
            % {"county": county},
            training_url(application),
            _("See my training"),
        )
    if training_needed:
        return NextStep(
            _(
                "You passed the exam. Add proof of your core training so that %(county)s "
                "can issue your certification."
            )
            % {"county": county},
            training_url(application),
            _("Add training"),
        )
    return NextStep(
        _("You passed the exam. %(county)s will issue your certification.") % {"county": county}
    )


def approved_next_step(application: Application, progress: ExamProgress) -> NextStep:
    """The next step of an approved application: its core training proof (verified before
    the candidate may sit the exam, as the program runs it), booking the exam, or waiting
    for the county to issue the certification."""
    attempts = progress.attempts
    training_needed = bool(progress.training_problems) and application.pathway == Pathway.STANDARD
    if any(a.result == ExamResult.PASSED for a in attempts):
        return _passed_next_step(application, training_needed, progress.training_pending)
    if progress.result_grace_ends_on is not None:
        return NextStep(
            _(
                "Your exam window ended on %(end)s. If you took the exam by then, %(county)s "
                "can still record your result until %(date)s; otherwise this application "
                "expires and you can start a new one."
            )
            % {
                "end": _day(application.window_ends_on),
                "date": _day(progress.result_grace_ends_on),
                "county": application.county.name,
            },
            contact=application.county,
        )
    left = attempts_left(attempts)
    if not left:
        return NextStep(
            _(
                "All exam attempts of this application have been used. Contact the "
                "certification program of %(county)s County about what you can do next."
            )
            % {"county": application.county.name},
            contact=application.county,
        )
    values = {
        "date": _day(application.window_ends_on),
        "left": left,
        "hours": hours_text(policy.CORE_TRAINING_HOURS),
        "county": application.county.name,
    }
    if training_needed and progress.training_pending:
        return NextStep(
            _(
                "Your proof of core training is waiting for review by %(county)s. Once it is "
                "verified you can book the certification exam; take it by %(date)s."
            )
            % values,
            training_url(application),
            _("See my training"),
        )
    if training_needed:
        return NextStep(
            _(
                "Add proof of your %(hours)s hours of core training. Once %(county)s has "
                "verified it you can book the certification exam; take it by %(date)s."
            )
            % values,
            training_url(application),
            _("Add training"),
        )
    exam = exam_booking_details()
    return NextStep(
        ngettext(
            "Book and take the certification exam by %(date)s. You have %(left)d attempt left.",
            "Book and take the certification exam by %(date)s. You have %(left)d attempts left.",
            left,
        )
        % values,
        exam.booking_url,
        _("Book the exam with %(vendor)s") % {"vendor": exam.vendor} if exam.booking_url else "",
        contact=application.county,
        exam=exam,
    )


def application_next_step(
    application: Application, *, progress: ExamProgress | None = None, stranded: bool = False
) -> NextStep:
    """What the applicant does next about `application`. `stranded`: it is open and its county
    no longer participates (the caller checked): the one step is to move it."""
    county = application.county.name
    status = application.status
    if stranded and status in OPEN_APPLICATION_STATUSES:
        return NextStep(
            _(
                "%(county)s no longer takes part in peer support certification, so your "
                "application cannot go further there. Move it to a participating county "
                "program: everything you sent goes with it."
            )
            % {"county": county},
            reverse("portal:application_transfer", args=[application.pk]),
            _("Move my application"),
        )
    if status == A.DRAFT:
        return NextStep(
            _("Finish your application to %(county)s. Everything you entered is saved.")
            % {"county": county},
            reverse("portal:application", args=[application.pk]),
            _("Continue my application"),
        )
    if status == A.CHANGES_REQUESTED:
        return NextStep(
            _("%(county)s asked you to change parts of your application.") % {"county": county},
            reverse("portal:application_review", args=[application.pk]),
            _("Make the changes"),
        )
    if status in (A.SUBMITTED, A.IN_REVIEW):
        return NextStep(
            _(
                "%(county)s is reviewing your application. Nothing to do now: we will email "
                "you when something changes."
            )
            % {"county": county},
            reverse("portal:application_status", args=[application.pk]),
            _("See the status"),
        )
    if status == A.APPROVED:
        return approved_next_step(application, progress or ExamProgress([], []))
    if status == A.CERTIFIED:
        return NextStep(
            _("You are certified."), reverse("portal:certification"), _("See my certification")
        )
    return NextStep(
        _("This application is %(status)s. You can start a new application.")
        % {"status": application.get_status_display().lower()},
        reverse("portal:application_new"),
        _("Start a new application"),
    )


def approved_details(user: User, application: Application, *, today: datetime.date) -> ExamProgress:
    """The exam attempts of `application` and the state of the person's core training (two
    queries)."""
    attempts = list(exam_attempts_for(user).filter(application=application).order_by("taken_on"))
    records = list(training_records_for(user).filter(person=user))
    window_ends_on = application.window_ends_on
    return ExamProgress(
        # The policy is read only once the window is over (no query while it is open).
        result_grace_ends_on=(
            result_grace_end(window_ends_on, ProgramPolicy.current().exam_result_grace_days)
            if window_ends_on is not None and today > window_ends_on
            else None
        ),
        attempts=attempts,
        training_problems=training_sufficiency_problems(records, on=today),
        training_pending=any(
            r.course == Course.CORE_80 and r.status == ReviewStatus.PENDING for r in records
        ),
    )


def person_summary(user: User, *, today: datetime.date) -> PersonSummary:
    """The person's profile, applications, certification and next step."""
    profile = profile_of(user)
    problems = rules.eligibility_problems(profile, on=today) if profile is not None else []
    applications = list(
        applications_for(user).filter(applicant=user).order_by("-created_at", "-id")
    )
    certification = own_certification(user)
    summary = PersonSummary(
        profile=profile,
        eligibility_problems=problems,
        applications=applications,
        certification=certification,
        next_step=NextStep(""),
    )
    live = certification is not None and certification.status in (
        CertificationStatus.ACTIVE,
        CertificationStatus.EXPIRED,
        CertificationStatus.SUSPENDED,
    )
    if live:
        summary.next_step = certification_next_step(certification, today=today)
        summary.expiring_soon = rules.is_expiring_soon(
            certification.status, certification.expires_on, on=today
        )
        summary.renewal_open = (
            certification.status == CertificationStatus.ACTIVE
            and rules.renewal_window_opens(certification.expires_on)
            <= today
            <= certification.expires_on
        )
        return summary
    open_application = next(
        (a for a in applications if a.status in OPEN_APPLICATION_STATUSES), None
    )
    if open_application is not None:
        progress = (
            approved_details(user, open_application, today=today)
            if open_application.status == A.APPROVED
            else None
        )
        summary.next_step = application_next_step(
            open_application,
            progress=progress,
            stranded=not county_participates(open_application.county, on=today),
        )
    elif profile is None or problems:
        summary.next_step = NextStep(
            _("Start by telling us about yourself: your details show whether you can apply."),
            reverse("portal:profile"),
            _("Fill in my details"),
        )
    elif applications:
        summary.next_step = application_next_step(applications[0])
    else:
        summary.next_step = NextStep(
            _("You can apply to a county certification program."),
            reverse("portal:application_new"),
            _("Start an application"),
        )
    return summary
