"""Shared rows for the workspace tests: an Alameda world with something in every state the
workspace acts on, and a Fresno world beside it to prove nothing leaks across counties."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from accounts.models import User
from ce_audits.models import CeAudit
from certification import rules
from certification.models import Application, Certification
from counties.models import CountyMembership, StaffInvitation
from documents.models import Document
from tests.factories import (
    ApplicationFactory,
    CertificationFactory,
    DocumentFactory,
    ProfileFactory,
    TrainingRecordFactory,
    UserFactory,
)
from training.models import TrainingRecord


def submitted_application(applicant: User, county, *, status="submitted", days_ago=3):
    """An application filed with `county` (photo ID and diploma attached, pending review) and
    a pending core training record."""
    application = ApplicationFactory(
        applicant=applicant,
        county=county,
        status=status,
        submitted_at=timezone.now() - datetime.timedelta(days=days_ago),
    )
    DocumentFactory(owner=applicant, application=application, kind="photo_id")
    DocumentFactory(owner=applicant, application=application, kind="diploma")
    return application


def approved_application(applicant: User, county, *, approved_days_ago=10, trained=True):
    """Approved `approved_days_ago` days ago; `trained`: the applicant's core training
    verified (before the candidate may sit the exam)."""
    approved_on = timezone.localdate() - datetime.timedelta(days=approved_days_ago)
    if trained:
        TrainingRecordFactory(person=applicant, status="verified")
    return ApplicationFactory(
        applicant=applicant,
        county=county,
        status="approved",
        submitted_at=timezone.now() - datetime.timedelta(days=approved_days_ago + 5),
        approved_on=approved_on,
        window_ends_on=rules.approval_window_end(approved_on),
    )


def person(email: str, first: str, last: str, county) -> User:
    user = UserFactory(email=email, first_name=first, last_name=last)
    ProfileFactory(
        user=user, legal_first_name=first, legal_last_name=last, county_of_residence=county
    )
    return user


@dataclass
class World:
    submitted: Application
    in_review: Application
    approved: Application
    document: Document
    training_record: TrainingRecord
    active: Certification
    suspended: Certification
    expired: Certification
    ce_audit: CeAudit
    reviewer_membership: CountyMembership
    invitation: StaffInvitation
    fresno_application: Application
    fresno_certification: Certification


@pytest.fixture
def world(cast) -> World:
    alameda, fresno = cast.county, cast.other_county
    today = timezone.localdate()
    submitted = submitted_application(cast.applicant, alameda)
    reviewing = person("rita@example.org", "Rita", "Moreno", alameda)
    in_review = submitted_application(reviewing, alameda, status="in_review", days_ago=9)
    candidate = person("carl@example.org", "Carl", "Nguyen", alameda)
    approved = approved_application(candidate, alameda)
    record = TrainingRecordFactory(person=cast.applicant)
    active = CertificationFactory(
        holder=person("pat@example.org", "Pat", "Lee", alameda),
        issuing_county=alameda,
        issued_on=today - datetime.timedelta(days=700),
        expires_on=today + datetime.timedelta(days=30),
    )
    suspended = CertificationFactory(
        holder=person("sue@example.org", "Sue", "Park", alameda),
        issuing_county=alameda,
        status="suspended",
    )
    expired = CertificationFactory(
        holder=person("eve@example.org", "Eve", "Diaz", alameda),
        issuing_county=alameda,
        status="expired",
        issued_on=today - datetime.timedelta(days=800),
        expires_on=today - datetime.timedelta(days=70),
    )
    ce_audit = CeAudit.objects.create(
        county=alameda,
        certification=active,
        cycle_start=active.cycle_started_on,
        cycle_end=active.expires_on,
        requested_at=timezone.now(),
    )
    invitation = StaffInvitation.objects.create(
        county=alameda,
        email="new.reviewer@example.org",
        role="reviewer",
        token_hash="0" * 64,
        invited_by=cast.admin,
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    fresno_application = submitted_application(cast.other_applicant, fresno)
    fresno_certification = CertificationFactory(
        holder=person("fred@example.org", "Fred", "Fresno", fresno),
        issuing_county=fresno,
        expires_on=today + datetime.timedelta(days=20),
        issued_on=today - datetime.timedelta(days=710),
    )
    return World(
        submitted=submitted,
        in_review=in_review,
        approved=approved,
        document=submitted.documents.get(kind="photo_id"),
        training_record=record,
        active=active,
        suspended=suspended,
        expired=expired,
        ce_audit=ce_audit,
        reviewer_membership=CountyMembership.objects.get(user=cast.reviewer),
        invitation=invitation,
        fresno_application=fresno_application,
        fresno_certification=fresno_certification,
    )
