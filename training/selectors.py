"""Reads of training records, scoped to who asks (the access layer, DESIGN.md 'Tenancy').

Who sees a person's records (training records here, documents in `certification.selectors`):

- the person themself, always;
- staff of a county whose program the person applied to (an application that is no longer a
  draft) or that issued their certification;
- state staff, for every person who has submitted an application anywhere or holds a
  certification. A draft is private until it is submitted: someone who has only started an
  application has not yet shared anything with a program, so not even the state sees it;
- nobody else (anonymous, inactive users, other applicants, other counties' staff).

Applications and certifications belong to the `certification` app above this one: they are
named by string (`apps.get_model`), never imported, so the dependency keeps running one way.
"""

from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.models import User
from counties.selectors import staff_county_ids
from training.models import TrainingRecord


def can_read(user: User | AnonymousUser | None) -> bool:
    """Only signed-in, active users see any private row."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def person_records_visible(user: User, person_field: str) -> Q:
    """A filter for rows whose `person_field` (e.g. "person", "owner") is a person whose
    records `user` may read, per the module docstring. `user` must pass `can_read`.

    Built from `Exists` subqueries, so it never multiplies rows. Someone who is neither state
    nor county staff gets a plain filter on their own rows, which an index answers."""
    own = Q(**{person_field: user})
    county_ids = [] if user.is_state_staff else staff_county_ids(user)
    if not (user.is_state_staff or county_ids):
        return own
    application_model = apps.get_model("certification", "Application")
    certification_model = apps.get_model("certification", "Certification")
    submitted = application_model.objects.filter(applicant=OuterRef(person_field)).exclude(
        status="draft"
    )
    certified = certification_model.objects.filter(holder=OuterRef(person_field))
    if not user.is_state_staff:
        submitted = submitted.filter(county_id__in=county_ids)
        certified = certified.filter(issuing_county_id__in=county_ids)
    return own | Exists(submitted) | Exists(certified)


def training_records_for(user: User | AnonymousUser | None) -> QuerySet[TrainingRecord]:
    """The training records `user` may see, newest completion first, with person and provider
    loaded."""
    if not can_read(user):
        return TrainingRecord.objects.none()
    return TrainingRecord.objects.filter(person_records_visible(user, "person")).select_related(
        "person", "provider"
    )


def training_record_get(user: User | AnonymousUser | None, pk: object) -> TrainingRecord:
    """One training record `user` may see, or Http404 (also for a malformed `pk`)."""
    try:
        return training_records_for(user).get(pk=pk)
    except (TrainingRecord.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("No such training record.") from exc
