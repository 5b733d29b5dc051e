"""Helpers shared by the certification services: who may act, locking, versions, dates.

Every public service in this package follows the same shape: check the actor, open a
transaction, lock the rows it changes (application before certification), check the
transition and the rules, write, audit, and queue follow-up work on commit.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from accounts.models import User
from certification import rules
from certification.models import (
    Application,
    ApplicationStatus,
    Certification,
    CodeOfEthicsVersion,
)
from certification.selectors import ethics_version_current
from core.errors import DomainError
from counties.selectors import county_participates


def today_or(today: datetime.date | None) -> datetime.date:
    return today if today is not None else timezone.localdate()


def require_applicant(actor: User | None, application: Application) -> None:
    """Only the applicant acts on their own application's content."""
    if actor is None or not actor.is_authenticated or actor.pk != application.applicant_id:
        raise PermissionDenied


def is_holder(actor: User | None, certification: Certification) -> bool:
    return bool(
        actor is not None and actor.is_authenticated and actor.pk == certification.holder_id
    )


def lock_application(application: Application) -> Application:
    """Re-read `application` under a row lock (call inside a transaction). Only the
    application row is locked (`of=self`), not the county and applicant joined in."""
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("county", "applicant")
        .get(pk=application.pk)
    )


def lock_certification(certification: Certification) -> Certification:
    """Re-read `certification` under a row lock (call inside a transaction, after any
    application lock). Only the certification row is locked, not its county or holder."""
    return (
        Certification.objects.select_for_update(of=("self",))
        .select_related("issuing_county", "holder")
        .get(pk=certification.pk)
    )


def check_version(application: Application, expected_version: int | None) -> None:
    """Refuse a stale form: `expected_version` is the version the actor saw."""
    if expected_version is not None and expected_version != application.version:
        raise DomainError(
            _(
                "Someone else changed this application since you opened it. "
                "Reload the page to see its current state, then try again."
            ),
            code="conflict",
        )


# How a state reads in "This application is …", where the status label alone would not.
APPLICATION_STATE_PHRASES: dict[str, Promise] = {
    ApplicationStatus.DRAFT: gettext_lazy("a draft"),
    ApplicationStatus.CHANGES_REQUESTED: gettext_lazy("waiting for the applicant’s changes"),
}


def application_state_conflict(application: Application, target: str) -> DomainError:
    """The conflict raised when `application` cannot move to `target` from where it is."""
    status = APPLICATION_STATE_PHRASES.get(
        application.status, application.get_status_display().lower()
    )
    if application.status == target:
        message = _("This application is already %(status)s.")
    else:
        message = _("This application is %(status)s, so this cannot be done now.")
    return DomainError(message % {"status": status}, code="conflict")


def certification_state_conflict(certification: Certification, target: str) -> DomainError:
    """The conflict raised when `certification` cannot move to `target` from where it is."""
    if certification.status == target:
        message = _("Certification %(number)s is already %(status)s.")
    else:
        message = _("Certification %(number)s is %(status)s, so this cannot be done now.")
    return DomainError(
        message
        % {"number": certification.number, "status": certification.get_status_display().lower()},
        code="conflict",
    )


def require_reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason."), code="invalid", field=field)
    return reason


def require_current_ethics(
    ethics_version: CodeOfEthicsVersion, today: datetime.date
) -> CodeOfEthicsVersion:
    """Only the version in effect can be signed: an older one is refused with its successor."""
    current = ethics_version_current(today)
    if current is None:
        raise DomainError(
            _("No Code of Ethics is in effect yet, so it cannot be signed."),
            code="invalid",
            field="ethics_version",
        )
    if ethics_version.pk != current.pk:
        raise DomainError(
            _("Sign the Code of Ethics in effect today (version %(version)s).")
            % {"version": current.version},
            code="invalid",
            field="ethics_version",
        )
    return current


def in_language(user: User, text) -> str:
    """`text` (a lazy translation) rendered in `user`'s preferred language, for email context."""
    with override(user.preferred_language or "en"):
        return str(text)


def participation_problems(
    application: Application, step: str, today: datetime.date | None = None
) -> list[str]:
    """Why `step` (submit, approve, issue) cannot happen because the application's county no
    longer participates (`rules.participation_problems`); empty when it does."""
    return rules.participation_problems(
        application.county.name,
        participating=county_participates(application.county, on=today_or(today)),
        step=step,
    )
