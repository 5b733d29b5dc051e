"""What an appeal that succeeds gives back (docs/domain.md#appeals), called by
`cases.services.appeals` once the appeal is decided:

- a denied application goes back to review (`application_reopen_on_appeal`);
- a suspended or revoked certification is active again with its original expiry date, or
  suspended instead of revoked when the appeal modifies a revocation
  (`certification_restore_on_appeal`);
- a refused renewal or reinstatement is processed (`certification_renew_on_appeal`).

Denied and revoked stop being dead ends here; the history keeps both the decision and its
reversal (one audit event each, verbs naming the appeal). Who: an administrator of the
program that took the decision or state staff, never the person who took it (checked by the
appeal's service, which knows the decision). State staff read every county's rows and change
none, so these writes run acting as the system once the actor is checked. The registry changes
at once (`updated_at`, `certification_changed`) and the certificate is rendered again; the
person's email is the appeal's decision (`appeal_decided`), which says what changed.
"""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from certification import rules
from certification.models import (
    TERMINAL_CERTIFICATION_STATUSES,
    Application,
    ApplicationStatus,
    Certification,
    CertificationStatus,
    RenewalKind,
)
from certification.selectors import ethics_version_current
from certification.services._common import (
    application_state_conflict,
    certification_state_conflict,
    lock_application,
    lock_certification,
    require_reason,
    today_or,
)
from certification.services.certifications import (
    _after_change,
    _record_renewal,
    _set_status,
)
from continuing_ed import rules as ce_rules
from continuing_ed.models import CeCredit
from core.errors import DomainError
from core.rls import rls_context
from counties.models import County, ProgramPolicy
from counties.selectors import ADMIN_ROLES, require_staff

C = CertificationStatus


def require_appeal_decider(actor: User | None, county: County | None) -> None:
    """An administrator of `county` (the program that took the decision) or active state
    staff; PermissionDenied otherwise."""
    if actor is not None and actor.is_authenticated and actor.is_active and actor.is_state_staff:
        return
    if county is None:
        raise PermissionDenied
    require_staff(actor, county, ADMIN_ROLES)


def application_reopen_on_appeal(
    *, actor: User, application: Application, reason: str, data: dict[str, Any] | None = None
) -> Application:
    """denied → in_review: the appeal overturned the denial; review starts again where it
    stopped. The denial's reason stays on record in the audit trail."""
    require_appeal_decider(actor, application.county)
    reason = require_reason(reason)
    with transaction.atomic(), rls_context(system=True, savepoint=False):
        application = lock_application(application)
        if application.status != ApplicationStatus.DENIED:
            raise application_state_conflict(application, ApplicationStatus.IN_REVIEW)
        from_state = application.status
        application.status = ApplicationStatus.IN_REVIEW
        application.decided_at = None
        application.decided_by = None
        application.version += 1
        application.save(
            update_fields=("status", "decided_at", "decided_by", "version", "updated_at")
        )
        audit_record(
            actor=actor,
            verb="application_reopen_on_appeal",
            obj=application,
            county=application.county,
            subject=application.applicant,
            from_state=from_state,
            to_state=application.status,
            reason=reason,
            data=data,
        )
    return application


def certification_restore_on_appeal(
    *,
    actor: User,
    certification: Certification,
    reason: str,
    to: str = C.ACTIVE,
    data: dict[str, Any] | None = None,
    today: datetime.date | None = None,
) -> Certification:
    """suspended or revoked → active (`to` active: the appeal overturned the decision), or
    revoked → suspended (`to` suspended: the appeal replaced the revocation by a suspension),
    with its original expiry date. A certification whose expiry date passed meanwhile comes
    back expired (it may then be renewed late or reinstated); the suspension on record goes
    when it is overturned."""
    require_appeal_decider(actor, certification.issuing_county)
    reason = require_reason(reason)
    today = today_or(today)
    if to not in (C.ACTIVE, C.SUSPENDED):
        raise DomainError(_("Choose what the certification becomes."), field="to")
    with transaction.atomic(), rls_context(system=True, savepoint=False):
        certification = lock_certification(certification)
        suspended_on_record = certification.suspended_on is not None
        restorable = certification.status in (C.SUSPENDED, C.REVOKED) or (
            certification.status == C.EXPIRED and suspended_on_record
        )
        if to == C.SUSPENDED:
            restorable = certification.status == C.REVOKED
        if not restorable:
            raise certification_state_conflict(certification, to)
        if certification.status == C.REVOKED:
            live = (
                Certification.objects.filter(holder_id=certification.holder_id)
                .exclude(pk=certification.pk)
                .exclude(status__in=TERMINAL_CERTIFICATION_STATUSES)
                .first()
            )
            if live is not None:
                raise DomainError(
                    _("This person now holds certification %(number)s.") % {"number": live.number},
                    code="conflict",
                )
        if to == C.SUSPENDED:
            certification.suspended_on = today
        else:
            certification.suspended_on = None
        to_state = to
        if today > certification.expires_on:
            to_state = C.EXPIRED
        try:
            with transaction.atomic():
                _set_status(
                    certification,
                    actor=actor,
                    verb="certification_restore_on_appeal",
                    to_state=to_state,
                    reason=reason,
                    data={**(data or {}), "expires_on": certification.expires_on.isoformat()},
                )
        except IntegrityError:
            raise DomainError(
                _("This person already holds a certification."), code="conflict"
            ) from None
        _after_change(certification, None)
    return certification


def certification_renew_on_appeal(
    *,
    actor: User,
    certification: Certification,
    reason: str,
    data: dict[str, Any] | None = None,
    today: datetime.date | None = None,
) -> Certification:
    """expired → active: the appeal overturned a refused renewal or reinstatement, which is
    processed now as the rules would have, without the refusal: a late renewal while the late
    renewal period runs, a reinstatement after it (before the vacate date), valid 2 years from
    today, with that kind's fees; the current Code of Ethics, which the appellant re-affirmed
    when filing, is recorded. A suspension on record must be lifted (or appealed) first."""
    require_appeal_decider(actor, certification.issuing_county)
    reason = require_reason(reason)
    today = today_or(today)
    limit_months = ProgramPolicy.current().late_renewal_limit_months
    with transaction.atomic(), rls_context(system=True, savepoint=False):
        certification = lock_certification(certification)
        problems = rules.suspension_problems(certification)
        if problems:
            raise DomainError(problems[0], code="conflict")
        if certification.status != C.EXPIRED:
            raise certification_state_conflict(certification, C.ACTIVE)
        if today >= rules.vacate_date(certification.expires_on):
            raise certification_state_conflict(certification, C.ACTIVE)
        ethics_version = ethics_version_current(today)
        if ethics_version is None:
            raise DomainError(_("No Code of Ethics is in effect yet."), code="conflict")
        late = today <= rules.late_renewal_last_day(
            certification.expires_on, limit_months=limit_months
        )
        kind = RenewalKind.LATE_RENEWAL if late else RenewalKind.REINSTATEMENT
        cycle = (
            ce_rules.closing_cycle(certification.cycle_started_on, on=today)
            if late
            else rules.reinstatement_ce_bounds(certification.cycle_started_on, on=today)
        )
        previous_expires_on = certification.expires_on
        renewal = _record_renewal(
            certification,
            actor=actor,
            kind=kind,
            cycle=cycle,
            credits=list(CeCredit.objects.filter(certification=certification)),
            ethics_version=ethics_version,
            new_expires_on=rules.certification_expiry(today),
            attested=False,
        )
        certification.expires_on = renewal.new_expires_on
        certification.cycle_started_on = today
        _set_status(
            certification,
            actor=actor,
            verb="certification_renew_on_appeal",
            to_state=C.ACTIVE,
            reason=reason,
            data={
                **(data or {}),
                "renewal_id": renewal.pk,
                "kind": kind,
                "previous_expires_on": previous_expires_on.isoformat(),
                "new_expires_on": renewal.new_expires_on.isoformat(),
            },
            update_fields=("expires_on", "cycle_started_on"),
        )
        _after_change(certification, None)
    return certification
