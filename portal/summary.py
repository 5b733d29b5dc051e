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
from core.units import hours_text
from exams.models import ExamAttempt, ExamResult
from exams.rules import attempts_left
from exams.selectors import exam_attempts_for
from portal.views.common import own_certification
from training.rules import training_sufficiency_problems

A = ApplicationStatus


@dataclass(frozen=True)
class NextStep:
    """One clear next step: what to do (or that there is nothing to do) and where."""

    text: str
    url: str = ""
    action: str = ""


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
    if certification.status == CertificationStatus.EXPIRED:
        return NextStep(
            _(
                "Your certification %(number)s expired on %(date)s. You can reinstate it with "
                "%(hours)s hours of continuing education."
            )
            % {
                "number": number,
                "date": _day(certification.expires_on),
                "hours": hours_text(policy.REINSTATEMENT_CE_HOURS_REQUIRED),
            },
            reverse("portal:renewal"),
            _("Reinstate my certification"),
        )
    return NextStep(
        _(
            "Your certification %(number)s is %(status)s. Contact your county's certification "
            "program if you have questions."
        )
        % {"number": number, "status": certification.get_status_display().lower()},
        reverse("portal:certification"),
        _("See my certification"),
    )


def approved_next_step(
    application: Application,
    attempts: list[ExamAttempt],
    training_problems: list[str],
) -> NextStep:
    """The next step of an approved application: training proof, the exam, or waiting for
    the county to issue the certification."""
    window = _day(application.window_ends_on)
    if any(a.result == ExamResult.PASSED for a in attempts):
        if training_problems:
            return NextStep(
                _(
                    "You passed the exam. Add proof of your core training so that %(county)s "
                    "can issue your certification."
                )
                % {"county": application.county.name},
                reverse("portal:training"),
                _("Add training"),
            )
        return NextStep(
            _("You passed the exam. %(county)s will issue your certification.")
            % {"county": application.county.name}
        )
    left = attempts_left(attempts)
    if not left:
        return NextStep(
            _(
                "All exam attempts of this application have been used. Contact %(county)s "
                "about what you can do next."
            )
            % {"county": application.county.name}
        )
    values = {
        "date": window,
        "left": left,
        "hours": hours_text(policy.CORE_TRAINING_HOURS),
    }
    if training_problems and application.pathway == Pathway.STANDARD:
        return NextStep(
            ngettext(
                "Take the certification exam by %(date)s (%(left)d attempt left) and add proof "
                "of your %(hours)s hours of core training.",
                "Take the certification exam by %(date)s (%(left)d attempts left) and add proof "
                "of your %(hours)s hours of core training.",
                left,
            )
            % values,
            reverse("portal:training"),
            _("Add training"),
        )
    return NextStep(
        ngettext(
            "Take the certification exam by %(date)s. You have %(left)d attempt left.",
            "Take the certification exam by %(date)s. You have %(left)d attempts left.",
            left,
        )
        % values
    )


def application_next_step(
    application: Application,
    *,
    attempts: list[ExamAttempt] | None = None,
    training_problems: list[str] | None = None,
) -> NextStep:
    county = application.county.name
    status = application.status
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
        return approved_next_step(application, attempts or [], training_problems or [])
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


def approved_details(
    user: User, application: Application, *, today: datetime.date
) -> tuple[list[ExamAttempt], list[str]]:
    """The exam attempts of `application` and the training reasons still open (two queries)."""
    attempts = list(exam_attempts_for(user).filter(application=application).order_by("taken_on"))
    records = list(training_records_for(user).filter(person=user))
    return attempts, training_sufficiency_problems(records, on=today)


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
            and today >= rules.renewal_window_opens(certification.expires_on)
        )
        return summary
    open_application = next(
        (a for a in applications if a.status in OPEN_APPLICATION_STATUSES), None
    )
    if open_application is not None:
        attempts, training_problems = (
            approved_details(user, open_application, today=today)
            if open_application.status == A.APPROVED
            else ([], [])
        )
        summary.next_step = application_next_step(
            open_application, attempts=attempts, training_problems=training_problems
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
