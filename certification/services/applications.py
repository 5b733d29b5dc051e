"""The application life cycle (docs/architecture.md#life-cycles):

draft → submitted → in_review ⇄ changes_requested → approved → certified (by issue);
or denied, withdrawn, expired.

Every transition locks the application row, bumps `Application.version`, writes one audit
event whose verb is the service's name, and sends the applicant's email on commit.
"""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from certification import rules
from certification.models import (
    OPEN_APPLICATION_STATUSES,
    TERMINAL_CERTIFICATION_STATUSES,
    ApplicantProfile,
    Application,
    ApplicationPart,
    ApplicationStatus,
    Certification,
    CodeOfEthicsVersion,
    OutOfStateCeRecord,
    Pathway,
)
from certification.services._common import (
    application_state_conflict,
    check_version,
    in_language,
    lock_application,
    participation_problems,
    require_applicant,
    require_current_ethics,
    require_reason,
    today_or,
)
from core import policy
from core.errors import DomainError, refuse_problems
from counties.models import County, ProgramPolicy
from counties.selectors import opted_in_counties, require_staff
from documents.models import Document, DocumentKind
from exams.models import ExamAttempt
from fees.models import FeeKind
from fees.services import fee_due_record
from notifications.services import notify

S = ApplicationStatus


def _transition(
    application: Application,
    *,
    actor: User | None,
    verb: str,
    to_state: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
    update_fields: tuple[str, ...] = (),
) -> Application:
    """Move the locked `application` to `to_state`, bump its version, save and audit."""
    from_state = application.status
    application.status = to_state
    application.version += 1
    application.save(update_fields=("status", "version", "updated_at", *update_fields))
    audit_record(
        actor=actor,
        verb=verb,
        obj=application,
        county=application.county,
        subject=application.applicant,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data,
    )
    return application


def _notify_applicant(application: Application, kind: str, **context: Any) -> None:
    notify(
        user=application.applicant,
        kind=kind,
        context={
            "application_id": application.pk,
            "county_name": application.county.name,
            **context,
        },
    )


def _current_documents(application: Application) -> list[Document]:
    return list(Document.objects.filter(application=application, removed_at__isnull=True))


def _ce_records(application: Application) -> list[OutOfStateCeRecord]:
    return list(
        OutOfStateCeRecord.objects.filter(application=application).select_related("document")
    )


def _submission_problems(
    application: Application, today: datetime.date, *, verified: bool = False
) -> list[str]:
    profile = ApplicantProfile.objects.filter(user_id=application.applicant_id).first()
    if profile is None:
        return [_("Fill in your personal details first.")]
    return rules.application_submission_problems(
        application,
        profile,
        _current_documents(application),
        on=today,
        ce_records=_ce_records(application) if application.pathway == Pathway.OUT_OF_STATE else (),
        verified=verified,
    )


def _open_application_of(applicant: User) -> Application | None:
    return (
        Application.objects.filter(applicant=applicant, status__in=OPEN_APPLICATION_STATUSES)
        .select_related("county")
        .first()
    )


def _one_open_application(open_application: Application | None) -> DomainError:
    county = open_application.county.name if open_application else _("another county")
    return DomainError(
        _(
            "You already have an open application with %(county)s. A certification is "
            "statewide, so you may have one open application at a time: continue that one, "
            "or withdraw it before applying elsewhere. A new application is possible once it "
            "is certified, denied, withdrawn or expired."
        )
        % {"county": county},
        code="conflict",
    )


def application_create(
    *, applicant: User, county: County, pathway: str = Pathway.STANDARD
) -> Application:
    """Open a draft application for `applicant` with `county`.

    Refused when the county has not opted in for any delivery system, when the person
    already has an open application with any county (one at a time, statewide: backed by the
    constraint `application_one_open_per_person`), or when they hold a certification that is
    not revoked or vacated (they renew or reinstate it instead).
    """
    if applicant is None or not applicant.is_authenticated:
        raise PermissionDenied
    if pathway not in Pathway.values:
        raise DomainError(_("Choose a pathway."), field="pathway")
    if not opted_in_counties().filter(pk=county.pk).exists():
        raise DomainError(
            _(
                "%(county)s does not offer peer support services through Medi-Cal at the "
                "moment, so it is not taking applications. Choose another county's program."
            )
            % {"county": county.name},
            field="county",
        )
    with transaction.atomic():
        live = (
            Certification.objects.filter(holder=applicant)
            .exclude(status__in=TERMINAL_CERTIFICATION_STATUSES)
            .first()
        )
        if live is not None:
            raise DomainError(
                _(
                    "You already hold certification %(number)s. Renew or reinstate it "
                    "instead of applying again."
                )
                % {"number": live.number},
                code="conflict",
            )
        if (open_application := _open_application_of(applicant)) is not None:
            raise _one_open_application(open_application)
        try:
            # A savepoint: a simultaneous create loses on the unique constraint, cleanly.
            with transaction.atomic():
                application = Application.objects.create(
                    applicant=applicant, county=county, pathway=pathway
                )
        except IntegrityError:
            # The other transaction has committed: its application is there to name.
            raise _one_open_application(_open_application_of(applicant)) from None
        audit_record(
            actor=applicant,
            verb="application_create",
            obj=application,
            county=county,
            subject=applicant,
            to_state=S.DRAFT,
        )
    return application


def application_update(
    *,
    actor: User,
    application: Application,
    fields: dict[str, Any],
    expected_version: int | None = None,
) -> Application:
    """Change the applicant's answers: any editable field of a draft; only the fields of the
    requested parts while changes are requested. Bumps the version."""
    require_applicant(actor, application)
    with transaction.atomic():
        application = lock_application(application)
        check_version(application, expected_version)
        if application.status not in (S.DRAFT, S.CHANGES_REQUESTED):
            raise application_state_conflict(application, S.DRAFT)
        allowed = rules.application_editable_fields(application)
        changed = []
        for name, value in fields.items():
            if name not in allowed:
                raise DomainError(
                    _("This answer cannot be changed now."), code="invalid", field=name
                )
            field = Application._meta.get_field(name)
            assert isinstance(field, models.Field)  # editable fields are the model's own
            try:
                cleaned = field.clean(value, application)
            except ValidationError as error:
                raise DomainError(" ".join(error.messages), field=name) from None
            if getattr(application, name) != cleaned:
                setattr(application, name, cleaned)
                changed.append(name)
        if not changed:
            return application
        application.version += 1
        application.save(update_fields=(*changed, "version", "updated_at"))
        audit_record(
            actor=actor,
            verb="application_update",
            obj=application,
            county=application.county,
            subject=application.applicant,
            from_state=application.status,
            to_state=application.status,
            data={"fields": sorted(changed)},
        )
    return application


def application_sign_ethics(
    *,
    actor: User,
    application: Application,
    ethics_version: CodeOfEthicsVersion,
    today: datetime.date | None = None,
) -> Application:
    """Record the applicant's signature of the Code of Ethics in effect (which version, when).
    Allowed in a draft, or while changes to the ethics part are requested."""
    require_applicant(actor, application)
    today = today_or(today)
    with transaction.atomic():
        application = lock_application(application)
        editable = application.status == S.DRAFT or (
            application.status == S.CHANGES_REQUESTED
            and ApplicationPart.ETHICS in application.changes_requested_parts
        )
        if not editable:
            raise application_state_conflict(application, S.DRAFT)
        require_current_ethics(ethics_version, today)
        application.ethics_version = ethics_version
        application.ethics_signed_at = timezone.now()
        application.version += 1
        application.save(
            update_fields=("ethics_version", "ethics_signed_at", "version", "updated_at")
        )
        audit_record(
            actor=actor,
            verb="application_sign_ethics",
            obj=application,
            county=application.county,
            subject=application.applicant,
            from_state=application.status,
            to_state=application.status,
            data={"ethics_version": ethics_version.version},
        )
    return application


def application_submit(
    *, actor: User, application: Application, today: datetime.date | None = None
) -> Application:
    """draft → submitted, when every submission rule holds (eligibility, ethics, attestations,
    documents, pathway fields). The application fee falls due (`fees`); the applicant gets a
    confirmation email."""
    require_applicant(actor, application)
    today = today_or(today)
    with transaction.atomic():
        application = lock_application(application)
        if application.status != S.DRAFT:
            raise application_state_conflict(application, S.SUBMITTED)
        refuse_problems(participation_problems(application, "submit", today))
        refuse_problems(_submission_problems(application, today))
        application.submitted_at = timezone.now()
        _transition(
            application,
            actor=actor,
            verb="application_submit",
            to_state=S.SUBMITTED,
            update_fields=("submitted_at",),
        )
        fee_due_record(
            actor=actor,
            county=application.county,
            person=application.applicant,
            kind=FeeKind.APPLICATION,
            application=application,
        )
        _notify_applicant(application, "application_submitted", resubmitted=False)
    return application


def application_start_review(
    *, actor: User, application: Application, expected_version: int | None = None
) -> Application:
    """submitted → in_review, by a reviewer or admin of the application's county."""
    require_staff(actor, application.county)
    with transaction.atomic():
        application = lock_application(application)
        check_version(application, expected_version)
        if application.status != S.SUBMITTED:
            raise application_state_conflict(application, S.IN_REVIEW)
        _transition(application, actor=actor, verb="application_start_review", to_state=S.IN_REVIEW)
    return application


def application_request_changes(
    *,
    actor: User,
    application: Application,
    parts: list[str],
    message: str,
    expected_version: int | None = None,
) -> Application:
    """in_review → changes_requested: send named parts back to the applicant with a message."""
    require_staff(actor, application.county)
    parts = list(dict.fromkeys(parts or ()))
    if not parts or any(part not in ApplicationPart.values for part in parts):
        raise DomainError(_("Choose the parts the applicant must change."), field="parts")
    message = require_reason(message, field="message")
    with transaction.atomic():
        application = lock_application(application)
        check_version(application, expected_version)
        if application.status != S.IN_REVIEW:
            raise application_state_conflict(application, S.CHANGES_REQUESTED)
        application.changes_requested_parts = parts
        application.changes_requested_message = message
        _transition(
            application,
            actor=actor,
            verb="application_request_changes",
            to_state=S.CHANGES_REQUESTED,
            reason=message,
            data={"parts": parts},
            update_fields=("changes_requested_parts", "changes_requested_message"),
        )
        labels = dict(ApplicationPart.choices)
        _notify_applicant(
            application,
            "application_changes_requested",
            message=message,
            parts=parts,
            parts_display=[in_language(application.applicant, labels[part]) for part in parts],
        )
    return application


def application_resubmit(
    *, actor: User, application: Application, today: datetime.date | None = None
) -> Application:
    """changes_requested → in_review once the applicant has made the changes and every
    submission rule holds again. The request is cleared (the audit trail keeps it)."""
    require_applicant(actor, application)
    today = today_or(today)
    with transaction.atomic():
        application = lock_application(application)
        if application.status != S.CHANGES_REQUESTED:
            raise application_state_conflict(application, S.IN_REVIEW)
        refuse_problems(participation_problems(application, "submit", today))
        refuse_problems(_submission_problems(application, today))
        application.changes_requested_parts = []
        application.changes_requested_message = ""
        _transition(
            application,
            actor=actor,
            verb="application_resubmit",
            to_state=S.IN_REVIEW,
            update_fields=("changes_requested_parts", "changes_requested_message"),
        )
        _notify_applicant(application, "application_submitted", resubmitted=True)
    return application


def _lower_first(label: object) -> str:
    """A label inside a sentence: "Government photo ID" → "government photo ID"."""
    text = str(label)
    return text[:1].lower() + text[1:]


def _unverified_required_documents(application: Application) -> list[str]:
    verified_kinds = {
        d.kind for d in _current_documents(application) if d.review_status == "verified"
    }
    labels = dict(DocumentKind.choices)
    return [
        _("Verify the %(document)s before approving.") % {"document": _lower_first(labels[kind])}
        for kind in rules.APPLICATION_DOCUMENTS
        if kind not in verified_kinds
    ]


def application_approval_problems(
    application: Application, *, today: datetime.date | None = None
) -> list[str]:
    """Why `application` cannot be approved yet (empty: it can, once in review): its county
    still participating, the submission rules, and every required document verified; for
    out-of-state reciprocity its letters and CE proof verified too
    (`rules.out_of_state_problems`). `application_approve` refuses with exactly these; the
    review page shows them instead of the Approve button."""
    today = today_or(today)
    return (
        participation_problems(application, "approve", today)
        + _submission_problems(application, today, verified=True)
        + _unverified_required_documents(application)
    )


def application_approve(
    *,
    actor: User,
    application: Application,
    expected_version: int | None = None,
    today: datetime.date | None = None,
) -> Application:
    """in_review → approved: opens the 12-month exam window. The submission rules must still
    hold and the photo ID and diploma must have been verified."""
    require_staff(actor, application.county)
    today = today_or(today)
    with transaction.atomic():
        application = lock_application(application)
        check_version(application, expected_version)
        if application.status != S.IN_REVIEW:
            raise application_state_conflict(application, S.APPROVED)
        refuse_problems(application_approval_problems(application, today=today))
        application.approved_on = today
        application.window_ends_on = rules.approval_window_end(today)
        application.decided_at = timezone.now()
        application.decided_by = actor
        _transition(
            application,
            actor=actor,
            verb="application_approve",
            to_state=S.APPROVED,
            data={"window_ends_on": application.window_ends_on.isoformat()},
            update_fields=("approved_on", "window_ends_on", "decided_at", "decided_by"),
        )
        _notify_applicant(
            application,
            "application_approved",
            approved_on=application.approved_on.isoformat(),
            window_ends_on=application.window_ends_on.isoformat(),
            exam_attempts_allowed=policy.MAX_EXAM_ATTEMPTS,
        )
    return application


def application_deny(
    *,
    actor: User,
    application: Application,
    reason: str,
    expected_version: int | None = None,
) -> Application:
    """submitted, in_review or changes_requested → denied, with a reason the applicant reads."""
    require_staff(actor, application.county)
    reason = require_reason(reason)
    with transaction.atomic():
        application = lock_application(application)
        check_version(application, expected_version)
        if application.status not in (S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED):
            raise application_state_conflict(application, S.DENIED)
        application.decided_at = timezone.now()
        application.decided_by = actor
        application.decision_reason = reason
        _transition(
            application,
            actor=actor,
            verb="application_deny",
            to_state=S.DENIED,
            reason=reason,
            update_fields=("decided_at", "decided_by", "decision_reason"),
        )
        _notify_applicant(application, "application_denied", reason=reason)
    return application


def application_withdraw(*, actor: User, application: Application, reason: str = "") -> Application:
    """Any open state (draft to approved) → withdrawn, by the applicant."""
    require_applicant(actor, application)
    with transaction.atomic():
        application = lock_application(application)
        if application.status not in OPEN_APPLICATION_STATUSES:
            raise application_state_conflict(application, S.WITHDRAWN)
        _transition(
            application,
            actor=actor,
            verb="application_withdraw",
            to_state=S.WITHDRAWN,
            reason=(reason or "").strip(),
        )
    return application


def application_expire(
    *, application: Application, today: datetime.date | None = None
) -> Application:
    """approved → expired once its 12-month window and the result grace period after it have
    ended without a passed exam (`rules.application_expiry_problems`). A system transition
    (no actor), used per row by the demo and the admin; the expiry scan applies the same rule
    set-based."""
    today = today_or(today)
    with transaction.atomic():
        application = lock_application(application)
        if application.status != S.APPROVED:
            raise application_state_conflict(application, S.EXPIRED)
        attempts = list(ExamAttempt.objects.filter(application=application))
        problems = rules.application_expiry_problems(
            application,
            attempts,
            grace_days=ProgramPolicy.current().exam_result_grace_days,
            on=today,
        )
        if problems:
            raise DomainError(" ".join(problems), code="conflict")
        _transition(application, actor=None, verb="application_expire", to_state=S.EXPIRED)
    return application
