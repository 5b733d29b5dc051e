"""The applicant's profile: personal details, eligibility answers and contact information."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import user_language_set
from audit.services import audit_record
from certification.models import (
    PROFILE_FIELDS,
    ApplicantProfile,
    Application,
    ApplicationPart,
    ApplicationStatus,
)
from core.errors import DomainError

S = ApplicationStatus

# The answers a reviewer checks against the documents (the ID must match the legal name):
# frozen while an application is with a reviewer or approved, unless the reviewer sent the
# personal details back for changes. Contact details stay editable.
REVIEWED_FIELDS = frozenset(
    {
        "legal_first_name",
        "legal_last_name",
        "date_of_birth",
        "lived_experience",
        "education",
        "education_attested",
    }
)


def _reviewed_fields_locked(user: User) -> bool:
    applications = Application.objects.filter(applicant=user)
    if applications.filter(status__in=(S.SUBMITTED, S.IN_REVIEW, S.APPROVED)).exists():
        return True
    return (
        applications.filter(status=S.CHANGES_REQUESTED)
        .exclude(changes_requested_parts__contains=[ApplicationPart.PROFILE])
        .exists()
    )


def profile_save(*, user: User, **fields: Any) -> ApplicantProfile:
    """Create or update `user`'s applicant profile with `fields` (names of
    `ApplicantProfile` fields; the county of residence as a County). Each value is validated
    like a form would; the reviewed answers cannot change while an application is with a
    reviewer or approved. Writes one audit event naming the changed fields."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"profile_save() got unknown fields: {sorted(unknown)}")
    with transaction.atomic():
        existing = ApplicantProfile.objects.select_for_update().filter(user=user).first()
        created = existing is None
        profile = existing if existing is not None else ApplicantProfile(user=user)
        changed = sorted(name for name, value in fields.items() if getattr(profile, name) != value)
        if not created and not changed:
            return profile
        if not created and set(changed) & REVIEWED_FIELDS and _reviewed_fields_locked(user):
            field = sorted(set(changed) & REVIEWED_FIELDS)[0]
            raise DomainError(
                _(
                    "Your application is being reviewed, so these answers cannot change now. "
                    "Contact your county's certification program if something is wrong."
                ),
                code="conflict",
                field=field,
            )
        for name in changed:
            setattr(profile, name, fields[name])
        try:
            profile.full_clean(exclude=["user"])
        except ValidationError as error:
            field, messages = next(iter(error.message_dict.items()))
            raise DomainError(" ".join(messages), field=field) from None
        try:
            # A savepoint: two first saves at once (two tabs) meet on the one-profile rule.
            with transaction.atomic():
                profile.save()
        except IntegrityError:
            raise DomainError(
                _("Your details were just saved from another window. Reload and try again."),
                code="conflict",
            ) from None
        if "preferred_language" in changed:
            user_language_set(user=user, language=profile.preferred_language)
        audit_record(
            actor=user,
            verb="profile_save",
            obj=profile,
            subject=user,
            data={"created": created, "fields": changed},
        )
    return profile
