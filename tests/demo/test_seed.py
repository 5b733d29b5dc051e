"""seed_demo and seed_scale: the demo accounts and histories, idempotence, the DEBUG guard,
and the bulk generator's counts and proportions."""

import datetime
import io
import re

import pypdf
import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from certification import rules
from certification.models import (
    Application,
    ApplicationStatus,
    Certification,
    CertificationStatus,
    CodeOfEthicsVersion,
)
from certification.services import next_certification_number
from counties.models import County, CountyMembership, OptInPeriod
from exams.models import ExamAttempt
from training.models import TrainingRecord

NUMBER = re.compile(r"^PSS-\d{7}$")
DEMO_MODELS = [
    "accounts.User",
    "account.EmailAddress",
    "certification.ApplicantProfile",
    "certification.Application",
    "documents.Document",
    "certification.Certification",
    "certification.CertificationSpecialization",
    "certification.CodeOfEthicsVersion",
    "certification.Renewal",
    "training.TrainingProvider",
    "training.TrainingRecord",
    "exams.ExamAttempt",
    "continuing_ed.CeCredit",
    "counties.CountyMembership",
    "counties.OptInPeriod",
    "audit.AuditEvent",
    "counties.ProgramPolicy",
]


def seed(command: str = "seed_demo", *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in DEMO_MODELS}


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    seed()


# seed_demo ----------------------------------------------------------------------------------


def test_seed_demo_refuses_when_debug_is_off(db, settings):
    settings.DEBUG = False
    before = row_counts()

    with pytest.raises(CommandError, match="DEBUG"):
        seed()

    assert row_counts() == before
    assert not User.objects.filter(email="applicant@example.org").exists()


def test_seed_demo_twice_changes_nothing(db, settings):
    settings.DEBUG = True
    first_output = seed()
    after_first = row_counts()
    numbers = set(Certification.objects.values_list("number", flat=True))
    hashes = dict(User.objects.values_list("email", "password"))

    second_output = seed()

    assert "Demo data created" in first_output
    assert second_output.strip() == "Demo data already present: nothing to add."
    assert row_counts() == after_first
    assert set(Certification.objects.values_list("number", flat=True)) == numbers
    assert dict(User.objects.values_list("email", "password")) == hashes


CONTRACT_ACCOUNTS = [
    "applicant@example.org",
    "peer@example.org",
    "alameda.admin@example.org",
    "fresno.admin@example.org",
    "dhcs.viewer@example.org",
]


def test_contract_accounts_have_their_roles(seeded, settings):
    applicant = User.objects.get(email="applicant@example.org")
    assert [(a.county.code, a.status) for a in applicant.applications.all()] == [
        ("alameda", "draft")
    ]
    assert applicant.applicant_profile.legal_last_name == "Jackson"

    peer = User.objects.get(email="peer@example.org")
    (certification,) = peer.certifications.all()
    assert (certification.issuing_county.code, certification.status) == ("alameda", "active")
    assert certification.expires_on > timezone.localdate()
    assert {s.code for s in certification.specializations.all()} == {
        "crisis",
        "parent_caregiver_family",
    }
    assert certification.ce_credits.filter(status="verified").exists()

    assert set(
        CountyMembership.objects.filter(
            user__email__in=["alameda.admin@example.org", "fresno.admin@example.org"]
        ).values_list("user__email", "county__code", "role")
    ) == {
        ("alameda.admin@example.org", "alameda", "admin"),
        ("fresno.admin@example.org", "fresno", "admin"),
    }
    viewer = User.objects.get(email="dhcs.viewer@example.org")
    assert viewer.is_state_staff and not viewer.county_memberships.exists()
    assert not viewer.is_staff

    for email in CONTRACT_ACCOUNTS:
        user = User.objects.get(email=email)
        assert user.check_password(settings.DEMO_PASSWORD), email
        assert EmailAddress.objects.filter(
            user=user, email=email, verified=True, primary=True
        ).exists()


@pytest.mark.parametrize("email", CONTRACT_ACCOUNTS)
def test_contract_accounts_sign_in_with_the_demo_password(seeded, settings, client, email):
    response = client.post(
        reverse("account_login"), {"login": email, "password": settings.DEMO_PASSWORD}
    )

    assert response.status_code == 302
    assert "confirm-email" not in response["Location"]
    assert client.session["_auth_user_id"] == str(User.objects.get(email=email).pk)


def test_demo_spread_covers_every_life_cycle_state(seeded):
    today = timezone.localdate()
    assert set(Application.objects.values_list("status", flat=True)) == set(
        ApplicationStatus.values
    )
    changes = Application.objects.get(status="changes_requested")
    assert changes.changes_requested_message and changes.changes_requested_parts == ["photo_id"]
    failed_once = [
        a
        for a in Application.objects.filter(status="approved")
        if [x.result for x in a.exam_attempts.all()] == ["failed"]
    ]
    assert len(failed_once) == 1
    assert set(Certification.objects.values_list("status", flat=True)) == {
        "active",
        "expired",
        "suspended",
        "revoked",
    }
    assert Certification.objects.filter(
        status="active", expires_on__gt=today, expires_on__lte=today + datetime.timedelta(30)
    ).exists()
    for certification in Certification.objects.all():
        assert NUMBER.match(certification.number)
        if certification.status == CertificationStatus.EXPIRED:
            assert certification.expires_on < today
        elif certification.status == CertificationStatus.ACTIVE:
            assert certification.expires_on > today
    assert set(
        Certification.objects.annotate(n=Count("specializations"))
        .filter(n__gt=0)
        .values_list("holder__email", flat=True)
    ) >= {"peer@example.org"}
    assert Certification.objects.filter(ce_credits__isnull=False).distinct().count() >= 4
    assert Application.objects.filter(pathway="out_of_state", status="submitted").exists()
    assert Application.objects.filter(pathway="grandparenting", status="certified").exists()


def test_certified_histories_satisfy_the_issue_rules(seeded):
    """Every certification was issued from an application that met the rules on that day."""
    for certification in Certification.objects.select_related("application"):
        application = certification.application
        assert application.status == "certified"
        records = list(
            TrainingRecord.objects.filter(person=certification.holder).select_related("provider")
        )
        attempts = list(ExamAttempt.objects.filter(application=application))
        application.status = "approved"
        assert (
            rules.issue_problems(application, records, attempts, on=certification.issued_on) == []
        ), certification.holder.email
        assert rules.certification_expiry(certification.issued_on) <= certification.expires_on


def test_training_records_carry_readable_pdf_certificates(seeded):
    statuses = set()
    for record in TrainingRecord.objects.select_related("certificate", "person"):
        statuses.add(record.status)
        document = record.certificate
        assert (document.kind, document.content_type) == ("training_certificate", "application/pdf")
        with document.file.open("rb") as handle:
            content = handle.read()
        assert len(content) == document.size
        text = pypdf.PdfReader(io.BytesIO(content), strict=True).pages[0].extract_text()
        assert record.person.last_name in text
    assert statuses == {"pending", "verified", "rejected"}


def test_histories_are_audited(seeded):
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {
        "application_create",
        "application_submit",
        "application_start_review",
        "application_request_changes",
        "application_approve",
        "application_deny",
        "application_withdraw",
        "application_expire",
        "exam_attempt_record",
        "certification_issue",
        "certification_suspend",
        "certification_revoke",
        "certification_expire",
        "certification_renew",
        "certification_add_specialization",
        "training_record_verify",
        "document_review",
        "county_opt_in_change",
    } <= verbs
    for application in Application.objects.all():
        trail = AuditEvent.objects.filter(
            object_type="certification.application", object_id=application.pk
        ).order_by("created_at", "id")
        assert trail.last().to_state == application.status
        assert trail.first().verb == "application_create"


def test_opt_in_spread_over_all_counties(seeded):
    assert County.objects.count() == 58
    assert OptInPeriod.objects.values("county").distinct().count() == 58
    never = County.objects.exclude(opt_in_periods__opted_in=True)
    assert never.count() == 6
    with_history = County.objects.filter(opt_in_periods__effective_to__isnull=False).distinct()
    assert with_history.count() == 4
    for county in with_history:
        closed = county.opt_in_periods.get(effective_to__isnull=False)
        reopened = county.opt_in_periods.get(
            delivery_system=closed.delivery_system, effective_to__isnull=True
        )
        assert (closed.opted_in, reopened.opted_in) == (False, True)
        assert reopened.effective_from == closed.effective_to + datetime.timedelta(days=1)
    for code in ("alameda", "fresno", "los-angeles", "san-diego", "sacramento"):
        assert OptInPeriod.objects.get(
            county__code=code, delivery_system="smhs", effective_to__isnull=True
        ).opted_in
    effective = OptInPeriod.objects.filter(opted_in=True).values_list("effective_from", flat=True)
    assert {d.year for d in effective} <= {2023, 2024, 2025}


def test_code_of_ethics_in_english_and_spanish(seeded):
    (version,) = CodeOfEthicsVersion.objects.all()
    assert version.effective_on <= timezone.localdate()
    for heading in ("Hope", "Person-driven", "Confidentiality", "Mutuality and reciprocity"):
        assert heading in version.text_en
    for heading in ("Esperanza", "Confidencialidad", "Mutualidad y reciprocidad"):
        assert heading in version.text_es
    assert "may not do" in version.text_en and "no pueden hacer" in version.text_es
    assert version.text_for("es") == version.text_es


# seed_scale ---------------------------------------------------------------------------------


def test_seed_scale_refuses_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        seed("seed_scale", "--certifications", "10")
    assert not Certification.objects.exists()


def test_seed_scale_rejects_a_count_below_one(db, settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="at least 1"):
        seed("seed_scale", "--certifications", "0")


def test_seed_scale_creates_n_certifications_in_realistic_proportions(db, settings):
    settings.DEBUG = True
    today = timezone.localdate()
    users_before = User.objects.count()

    output = seed("seed_scale", "--certifications", "500", "--seed", "7")

    assert output.startswith("Created 500 certifications")
    assert Certification.objects.count() == 500
    assert User.objects.count() - users_before == 500
    assert apps.get_model("certification.ApplicantProfile").objects.count() == 500
    shares = {
        row["status"]: row["n"] / 500
        for row in Certification.objects.values("status").annotate(n=Count("id"))
    }
    assert set(shares) == set(CertificationStatus.values)
    assert 0.72 <= shares["active"] <= 0.88
    assert 0.05 <= shares["expired"] <= 0.15
    for status in ("suspended", "revoked", "vacated"):
        assert 0.005 <= shares[status] <= 0.08, status
    soon = Certification.objects.filter(
        status="active", expires_on__lte=today + datetime.timedelta(days=90)
    ).count()
    assert 0.02 <= soon / 500 <= 0.09
    with_specializations = Certification.objects.filter(specializations__isnull=False).distinct()
    assert 0.2 <= with_specializations.count() / 500 <= 0.4
    assert Certification.objects.annotate(n=Count("specializations")).filter(n__gt=2).count() == 0
    assert Certification.objects.values("issuing_county").distinct().count() > 20
    for certification in Certification.objects.all():
        if certification.status in ("active", "suspended", "revoked"):
            assert certification.expires_on > today
        elif certification.status == "expired":
            assert today - datetime.timedelta(days=4 * 365) < certification.expires_on < today
        else:
            assert rules.vacate_date(certification.expires_on) <= today


def test_seed_scale_twice_adds_n_more_without_number_collisions(db, settings):
    settings.DEBUG = True
    seed("seed_scale", "--certifications", "500")
    seed("seed_scale", "--certifications", "500")

    numbers = list(Certification.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 1000
    assert all(NUMBER.match(number) for number in numbers)
    assert Certification.objects.values("holder").distinct().count() == 1000
    # The next number the service hands out is still a fresh one.
    assert next_certification_number() not in set(numbers)
