"""Writes for CE credits: the holder logs one (pending), staff of the issuing county verify or
reject it.

Certifications belong to the `certification` app above this one: they arrive as arguments
and are re-read under a lock through the credit's own relation, never by importing that app at
run time (the import below is for the type checker: docs/architecture.md, Layers).
State staff read everything and write nothing; nobody reviews their own CE.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, TYPE_CHECKING, cast

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record
from continuing_ed.models import CeCategory, CeCredit
from continuing_ed.rules import ce_entry_problems
from core.errors import DomainError
from core.review import ReviewStatus, review_decide
from core.units import hours_text, hours_value
from counties.selectors import require_staff
from documents.models import Document
from documents.services import document_upload
from notifications.services import notify

if TYPE_CHECKING:
    from certification.models import Certification

DOCUMENT_KIND = "ce_certificate"
TEXT_MAX_LENGTH = 200


def _required_text(value: str, *, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message, field=field)
    if len(value) > TEXT_MAX_LENGTH:
        raise DomainError(
            _("Use at most %(count)d characters.") % {"count": TEXT_MAX_LENGTH}, field=field
        )
    return value


def _check_document(document, holder_id: int) -> None:
    if document.owner_id != holder_id or document.removed_at is not None:
        raise DomainError(_("Choose one of your own uploaded documents."), field="document")
    if document.kind != DOCUMENT_KIND:
        raise DomainError(_("The proof must be uploaded as a CE certificate."), field="document")


def _lock_certification(certification: "Certification") -> "Certification":
    """Re-read the certification under a row lock, with its holder and county, through the
    CE credit's foreign key (the model lives in the certification app). Only the
    certification's row is locked, not its holder's or county's."""
    model = CeCredit._meta.get_field("certification").related_model
    return cast(
        "Certification",
        model._default_manager.select_for_update(of=("self",))
        .select_related("holder", "issuing_county")
        .get(pk=certification.pk),
    )


def ce_credit_add(
    *,
    certification: "Certification",
    title: str,
    provider_name: str,
    hours: Decimal | int | str,
    category: str,
    completed_on: datetime.date,
    document: Document | None = None,
    document_file: IO[bytes] | None = None,
    today: datetime.date | None = None,
) -> CeCredit:
    """Log a CE credit against `certification`, pending review, with its proof: `document`, a
    CE certificate the holder already uploaded, or `document_file`, stored here as one in the
    same transaction (`documents.services.document_upload`: checked by content, DomainError on
    "file"), so the proof and the credit stand or fall together.

    The completion date must not be in the future and must fall in the window the credit can
    count toward (`continuing_ed.rules.ce_entry_problems`: the current cycle, or since its start
    once the certification has expired). Refuses a revoked or vacated certification, empty
    title or provider, bad hours, an unknown category, a document that is not the holder's own
    current CE certificate, and the same course logged twice (same title, provider and date,
    not rejected). Call only for the holder: the view checks who is asking.
    """
    today = today if today is not None else timezone.localdate()
    title = _required_text(title, field="title", message=_("Enter the course title."))
    provider_name = _required_text(
        provider_name, field="provider_name", message=_("Enter who provided the course.")
    )
    hours = hours_value(hours)
    if category not in CeCategory.values:
        raise DomainError(_("Choose the CE category."), field="category")
    if completed_on is None:
        raise DomainError(_("Enter the completion date."), field="completed_on")
    if document is not None:
        _check_document(document, certification.holder_id)
    with transaction.atomic():
        certification = _lock_certification(certification)
        problems = ce_entry_problems(
            completed_on=completed_on,
            cycle_started_on=certification.cycle_started_on,
            expires_on=certification.expires_on,
            certification_status=certification.status,
            on=today,
        )
        if problems:
            raise DomainError(" ".join(problems), field="completed_on")
        duplicate = (
            CeCredit.objects.filter(
                certification=certification,
                title__iexact=title,
                provider_name__iexact=provider_name,
                completed_on=completed_on,
            )
            .exclude(status=ReviewStatus.REJECTED)
            .exists()
        )
        if duplicate:
            raise DomainError(
                _("This course, completed on %(date)s, is already logged.")
                % {"date": completed_on.isoformat()},
                code="conflict",
            )
        if document_file is not None:
            document = document_upload(
                owner=certification.holder, kind=DOCUMENT_KIND, uploaded_file=document_file
            )
        credit = CeCredit.objects.create(
            certification=certification,
            title=title,
            provider_name=provider_name,
            hours=hours,
            category=category,
            completed_on=completed_on,
            document=document,
        )
        audit_record(
            actor=certification.holder,
            verb="ce_credit_add",
            obj=credit,
            county=certification.issuing_county,
            subject=certification.holder,
            to_state=credit.status,
            data={"hours": str(hours), "category": category},
        )
    return credit


def ce_credit_report(
    *,
    certification: "Certification",
    title: str,
    provider_name: str,
    hours: Decimal | int | str,
    category: str,
    completed_on: datetime.date,
    reported_as: str,
    today: datetime.date | None = None,
) -> CeCredit:
    """Log a CE credit as reported by its provider (issue 15, `providers.services.completions`):
    verified at source, with no proof and no county review (`reported_at_source`), audited as
    the system. The caller has checked who reports and that the course was approved on the
    completion date; `reported_as` names the report in the audit trail. Refuses what
    `ce_credit_add` refuses (the window the credit can count toward, the same course logged
    twice). One item of `ce_credits_report`, where the rules are written once."""
    (result,) = ce_credits_report(
        [
            ReportedCe(
                certification_id=certification.pk,
                title=title,
                provider_name=provider_name,
                hours=hours,
                category=category,
                completed_on=completed_on,
                reported_as=reported_as,
            )
        ],
        today=today,
    )
    if isinstance(result, DomainError):
        raise result
    return result


@dataclass(frozen=True)
class ReportedCe:
    """One CE credit to log as reported by its provider (`ce_credits_report`)."""

    certification_id: int
    title: str
    provider_name: str
    hours: Decimal | int | str
    category: str
    completed_on: datetime.date
    reported_as: str


def _upper_texts(texts: set[str]) -> dict[str, str]:
    """Each of `texts` with PostgreSQL's UPPER (one query), as `iexact` compares them."""
    if not texts:
        return {}
    ordered = sorted(texts)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT upper(t) FROM unnest(%s::text[]) WITH ORDINALITY AS u(t, n) ORDER BY n",
            [ordered],
        )
        return {text: row[0] for text, row in zip(ordered, cursor.fetchall(), strict=True)}


def ce_credits_report(
    items: Sequence[ReportedCe], *, today: datetime.date | None = None
) -> list[CeCredit | DomainError]:
    """`ce_credit_report` for many credits at once, set-based (a provider's file of
    thousands): for each item in order, its credit (verified at source) or the DomainError
    that refuses it, by the same rules and in the same order as one call per item would,
    with a handful of queries whatever the number of items. The certifications are locked
    in id order in one statement, the credits already logged read in one query, the credits
    and their audit events written with one INSERT each."""
    today = today if today is not None else timezone.localdate()
    results: list[CeCredit | DomainError | None] = [None] * len(items)
    values: dict[int, tuple[str, str, Decimal]] = {}
    for index, item in enumerate(items):
        try:
            title = _required_text(item.title, field="title", message=_("Enter the course title."))
            provider_name = _required_text(
                item.provider_name,
                field="provider_name",
                message=_("Enter who provided the course."),
            )
            hours = hours_value(item.hours)
            if item.category not in CeCategory.values:
                raise DomainError(_("Choose the CE category."), field="category")
        except DomainError as error:
            results[index] = error
            continue
        values[index] = (title, provider_name, hours)
    if not values:
        return [result for result in results if result is not None]
    model = CeCredit._meta.get_field("certification").related_model
    with transaction.atomic():
        certifications: dict[int, Certification] = {
            certification.pk: cast("Certification", certification)
            for certification in model._default_manager.select_for_update(of=("self",))
            .filter(pk__in={items[index].certification_id for index in values})
            .order_by("pk")
        }
        # "The same course" as `ce_credit_report` reads it (`iexact`: PostgreSQL's UPPER).
        logged = set(
            CeCredit.objects.filter(certification_id__in=certifications)
            .exclude(status=ReviewStatus.REJECTED)
            .values_list("certification_id", Upper("title"), Upper("provider_name"), "completed_on")
        )
        upper = _upper_texts(
            {text for title, name, _hours in values.values() for text in (title, name)}
        )
        now = timezone.now()
        new: list[tuple[int, CeCredit]] = []
        for index, (title, provider_name, hours) in values.items():
            item = items[index]
            certification = certifications[item.certification_id]
            problems = ce_entry_problems(
                completed_on=item.completed_on,
                cycle_started_on=certification.cycle_started_on,
                expires_on=certification.expires_on,
                certification_status=certification.status,
                on=today,
            )
            if problems:
                results[index] = DomainError(" ".join(problems), field="completed_on")
                continue
            key = (certification.pk, upper[title], upper[provider_name], item.completed_on)
            if key in logged:
                results[index] = DomainError(
                    _("This course, completed on %(date)s, is already logged.")
                    % {"date": item.completed_on.isoformat()},
                    code="conflict",
                )
                continue
            logged.add(key)
            new.append(
                (
                    index,
                    CeCredit(
                        certification=certification,
                        title=title,
                        provider_name=provider_name,
                        hours=hours,
                        category=item.category,
                        completed_on=item.completed_on,
                        status=ReviewStatus.VERIFIED,
                        reviewed_at=now,
                        reported_at_source=True,
                    ),
                )
            )
        created = CeCredit.objects.bulk_create([credit for _index, credit in new])
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    actor=None,
                    verb="ce_credit_report",
                    object_type=CeCredit._meta.label_lower,
                    object_id=credit.pk,
                    county_id=credit.certification.issuing_county_id,
                    subject_id=credit.certification.holder_id,
                    to_state=credit.status,
                    data={
                        "hours": str(values[index][2]),
                        "category": items[index].category,
                        "reported_as": items[index].reported_as,
                    },
                )
                for (index, _credit), credit in zip(new, created, strict=True)
            ]
        )
        for (index, _credit), credit in zip(new, created, strict=True):
            results[index] = credit
    return [result for result in results if result is not None]


def _require_reviewer(actor: User | None, certification: "Certification") -> None:
    """Only a reviewer or admin of the issuing county, never the holder nor state staff."""
    if actor is not None and actor.pk == certification.holder_id:
        raise PermissionDenied
    require_staff(actor, certification.issuing_county)


def _review(
    *,
    actor: User,
    certification: "Certification",
    credit: CeCredit,
    verb: str,
    to_state: str,
    reason: str,
) -> CeCredit:
    """Move a pending credit to `to_state` under a row lock and audit it as `verb`. A credit
    reported by its provider (verified at source) may still be rejected."""
    with transaction.atomic():
        locked = CeCredit.objects.select_for_update().get(pk=credit.pk)
        from_state = locked.status
        from_states: tuple[str, ...] = (ReviewStatus.PENDING,)
        if locked.reported_at_source and to_state == ReviewStatus.REJECTED:
            from_states = (ReviewStatus.PENDING, ReviewStatus.VERIFIED)
        review_decide(
            locked,
            actor=actor,
            to_state=to_state,
            reason=reason,
            refused=_("This CE credit is already %(status)s."),
            from_states=from_states,
        )
        audit_record(
            actor=actor,
            verb=verb,
            obj=locked,
            county=certification.issuing_county,
            subject=certification.holder,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            data={"hours": str(locked.hours), "category": locked.category},
        )
    return locked


def ce_credit_verify(*, actor: User, credit: CeCredit) -> CeCredit:
    """pending → verified, by a reviewer or admin of the certification's issuing county
    (PermissionDenied otherwise; DomainError conflict if no longer pending)."""
    certification = credit.certification
    _require_reviewer(actor, certification)
    return _review(
        actor=actor,
        certification=certification,
        credit=credit,
        verb="ce_credit_verify",
        to_state=ReviewStatus.VERIFIED,
        reason="",
    )


def ce_credit_reject(*, actor: User, credit: CeCredit, reason: str) -> CeCredit:
    """pending (or verified at source: reported by the provider) → rejected with a reason the
    holder will read (required); same reviewers as `ce_credit_verify`. A credit reported at
    source: the holder is emailed the reason and what to do next."""
    certification = credit.certification
    _require_reviewer(actor, certification)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason for rejecting this CE credit."), field="reason")
    with transaction.atomic():
        rejected = _review(
            actor=actor,
            certification=certification,
            credit=credit,
            verb="ce_credit_reject",
            to_state=ReviewStatus.REJECTED,
            reason=reason,
        )
        if rejected.reported_at_source:
            notify(
                user=certification.holder,
                kind="ce_credit_rejected",
                context={
                    "ce_credit_id": rejected.pk,
                    "title": rejected.title,
                    "provider_name": rejected.provider_name,
                    "hours": hours_text(rejected.hours),
                    "completed_on": rejected.completed_on.isoformat(),
                    "reason": reason,
                    "county_name": certification.issuing_county.name,
                },
            )
    return rejected
