"""Reads of exam attempts, scoped to who asks (the access layer, docs/architecture.md#tenancy).

An attempt belongs to an application: the applicant sees their own; county staff those of
applications filed with their counties; state staff all; anyone else none. Attempts of a draft
application are left out of staff views like the draft itself (`certification.selectors`),
although the services only record attempts on approved applications. A reinstatement sitting
belongs to a certification instead: the holder sees their own, the staff of the issuing county
and state staff theirs (`certification.selectors.certifications_for`).
"""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User
from accounts.selectors import can_read
from counties.selectors import staff_county_ids
from exams.models import ExamAttempt


def exam_attempts_for(user: User | AnonymousUser | None) -> QuerySet[ExamAttempt]:
    """The exam attempts `user` may see, oldest first, with their application loaded."""
    if not can_read(user):
        return ExamAttempt.objects.none()
    visible = Q(application__applicant=user) | Q(certification__holder=user)
    if user.is_state_staff:
        visible |= Q(application__isnull=False) & ~Q(application__status="draft")
        visible |= Q(certification__isnull=False)
    elif county_ids := staff_county_ids(user):
        visible |= ~Q(application__status="draft") & Q(application__county_id__in=county_ids)
        visible |= Q(certification__issuing_county_id__in=county_ids)
    return ExamAttempt.objects.filter(visible).select_related("application")


def exam_attempt_get(user: User | AnonymousUser | None, pk: int | str) -> ExamAttempt:
    """One exam attempt `user` may see, or Http404 (also for a malformed `pk`)."""
    try:
        return exam_attempts_for(user).get(pk=pk)
    except (ExamAttempt.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such exam attempt.") from exc
