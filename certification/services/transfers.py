"""Transfer of an open application to another county's program (docs/domain.md#transfers).

A county that stops participating (opts out for every delivery system) may no longer receive,
approve or certify applications (`rules.participation_problems`). Its open applications are
not stranded: the applicant, or state staff, moves each to a participating county's program.
The application row itself moves (its county changes): everything entered, uploaded,
reviewed and recorded goes with it, its exam window and attempts included, so the person
still has exactly one open application (the constraint `application_one_open_per_person`)
and the 3 attempts of an approved application are not multiplied. Fees already due stay
recorded with the county they fell due to.

Audited once (the verb `application_transfer`, recorded in the county the application now
belongs to, naming both counties); the applicant and the staff of both counties are emailed
with what happened and what comes next.
"""

import contextlib
import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from accounts import roles
from accounts.models import User
from audit.services import audit_record
from certification import rules
from certification.models import Application, ApplicationStatus
from certification.services._common import (
    check_version,
    in_language,
    lock_application,
    participation_problems,
    require_applicant,
    require_reason,
    today_or,
)
from core.errors import refuse_problems
from core.rls import rls_context
from counties.models import County
from counties.selectors import (
    counties_taking_applications,
    county_participates,
    county_staff_to_notify,
)
from notifications.services import notify

__all__ = [
    "application_participation_problems",
    "application_transfer",
    "application_transfer_problems",
    "transfer_counties",
]

# Who moved the application, for the audit data and the emails.
BY_APPLICANT = "applicant"
BY_STATE = "state"

# How the application's state reads to staff in the transfer email.
_STATUS_PHRASES: dict[str, Promise] = {
    ApplicationStatus.DRAFT: gettext_lazy("a draft, not yet submitted"),
    ApplicationStatus.SUBMITTED: gettext_lazy("submitted, waiting for its review to start"),
    ApplicationStatus.IN_REVIEW: gettext_lazy("in review"),
    ApplicationStatus.CHANGES_REQUESTED: gettext_lazy("waiting for the applicant’s changes"),
    ApplicationStatus.APPROVED: gettext_lazy("approved, in its exam window"),
}


def application_participation_problems(
    application: Application, step: str, *, today: datetime.date | None = None
) -> list[str]:
    """Why `step` ("submit", "approve", "issue") cannot happen for `application` because its
    county no longer participates; empty when it does. Pages show it where the person acts."""
    return participation_problems(application, step, today)


def transfer_counties(application: Application) -> QuerySet[County]:
    """The county programs `application` may move to today: participating, other than its
    own, by name, each with `open_opt_ins` (`counties_taking_applications`)."""
    return counties_taking_applications().exclude(pk=application.county_id)


def application_transfer_problems(
    application: Application, to_county: County | None, *, today: datetime.date | None = None
) -> list[str]:
    """Why `application` cannot move to `to_county` (None: to any county, i.e. whether a
    transfer is possible at all) on `today`."""
    today = today_or(today)
    target = to_county or application.county
    return rules.transfer_problems(
        application,
        from_participating=county_participates(application.county, on=today),
        to_county_name=target.name,
        to_participating=to_county is None or county_participates(to_county, on=today),
        same_county=to_county is not None and to_county.pk == application.county_id,
    )


def _require_transferrer(actor: User | None, application: Application) -> str:
    """The applicant moves their own application; state staff any; no one else (county staff
    included: a county does not hand its applicants to another)."""
    if actor is not None and roles.is_state_staff(actor):
        return BY_STATE
    require_applicant(actor, application)
    return BY_APPLICANT


def application_transfer(
    *,
    actor: User,
    application: Application,
    to_county: County,
    reason: str = "",
    expected_version: int | None = None,
    today: datetime.date | None = None,
) -> Application:
    """Move the open `application` from its county, which no longer participates, to the
    participating `to_county`. By the applicant (a reason is optional) or by state staff (a
    reason is required). Bumps the version; audited; the applicant and both counties' staff are
    emailed."""
    by = _require_transferrer(actor, application)
    reason = require_reason(reason) if by == BY_STATE else (reason or "").strip()
    today = today_or(today)
    # State staff read every application and change none (row-level security): the
    # transfer, checked above and below, is written acting as the system.
    acting = rls_context(system=True, savepoint=False) if by == BY_STATE else _acting_as_is()
    with transaction.atomic(), acting:
        application = lock_application(application)
        check_version(application, expected_version)
        refuse_problems(
            application_transfer_problems(application, to_county, today=today),
            field="county",
        )
        from_county = application.county
        application.county = to_county
        application.version += 1
        application.save(update_fields=("county", "version", "updated_at"))
        audit_record(
            actor=actor,
            verb="application_transfer",
            obj=application,
            county=to_county,
            subject=application.applicant,
            from_state=application.status,
            to_state=application.status,
            reason=reason,
            data={"from_county": from_county.code, "to_county": to_county.code, "by": by},
        )
        _notify_transfer(application, from_county=from_county, by=by, reason=reason)
    return application


def _acting_as_is() -> contextlib.AbstractContextManager[None]:
    return contextlib.nullcontext()


def _notify_transfer(
    application: Application, *, from_county: County, by: str, reason: str
) -> None:
    """The applicant's email, and one to each staff member of both counties (read acting as
    the system: an applicant may not list a county's staff)."""
    to_county = application.county
    applicant = application.applicant
    common = {
        "application_id": application.pk,
        "status": application.status,
        "from_county_name": from_county.name,
        "county_name": to_county.name,
        "county_code": to_county.code,
        "by_state": by == BY_STATE,
        "reason": reason,
    }
    if application.window_ends_on is not None:
        common["window_ends_on"] = application.window_ends_on.isoformat()
    notify(user=applicant, kind="application_transferred", context=common)
    profile = getattr(applicant, "applicant_profile", None)
    name = (
        f"{profile.legal_first_name} {profile.legal_last_name}".strip()
        if profile is not None
        else ""
    ) or applicant.email
    with rls_context(system=True, savepoint=False):
        staff = list(county_staff_to_notify([from_county, to_county]))
    for membership in staff:
        notify(
            user=membership.user,
            kind="application_transferred_staff",
            context={
                **common,
                "applicant_name": name,
                "incoming": membership.county_id == to_county.pk,
                "status_phrase": in_language(membership.user, _STATUS_PHRASES[application.status]),
            },
        )
