"""What seed_demo loads: the contract accounts, every state of every life cycle, files that
open, and data the services would have written (tests/demo/consistency.py).

The demo is seeded once for this module (`world`), inside a transaction rolled back after the
module's last test; each test runs in a savepoint of it (pytest-django's `db`), so a test's own
writes (a sign-in's last_login) never reach the next one.
"""

import datetime
import io
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.db.models import Count, Q
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.models import User
from audit.models import AuditEvent
from ce_audits.models import CeAudit
from certification.models import (
    Application,
    ApplicationStatus,
    Certification,
    CertificationStatus,
    CodeOfEthicsVersion,
    Renewal,
)
from certification.services.certifications import CERTIFICATE_RENDER_TASK
from continuing_ed.models import CeCredit
from counties.models import County, CountyMembership, OptInPeriod, ProgramPolicy
from demo.clock import DemoClock
from demo.scenarios.counties_and_staff import program_start
from demo.seed import SeedSummary, seed_demo
from documents.models import Document
from exams.models import ExamAttempt
from fees.models import FeeDue, FeePayment, FeeWaiver, ScholarshipNomination
from fees.selectors import fee_outstanding_of, with_balance
from jobs.models import OutboxMessage
from tests.demo.consistency import consistency_problems
from training.models import TrainingRecord

CONTRACT_ACCOUNTS = [
    "applicant@example.org",
    "peer@example.org",
    "alameda.admin@example.org",
    "fresno.admin@example.org",
    "dhcs.viewer@example.org",
]
OTHER_STAFF = {
    ("alameda.reviewer@example.org", "alameda", "reviewer"),
    ("la.admin@example.org", "los-angeles", "admin"),
    ("sandiego.admin@example.org", "san-diego", "admin"),
    ("sacramento.admin@example.org", "sacramento", "admin"),
}


@dataclass(frozen=True)
class World:
    summary: SeedSummary
    media: Path
    today: datetime.date


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("demo-media")
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": media},
        },
    }
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, STORAGES=storages, PASSWORD_HASHERS=hashers),
        transaction.atomic(),
    ):
        summary = seed_demo(password=settings.DEMO_PASSWORD, strict=True)
        yield World(summary=summary, media=media, today=timezone.localdate())
        transaction.set_rollback(True)


@pytest.fixture
def seeded(world, db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return world


def test_the_summary_counts_what_was_created(seeded):
    created = seeded.summary.created
    assert seeded.summary.skipped == []
    assert created["certifications"] == Certification.objects.count() == 12
    assert created["applications"] == Application.objects.count() == 23
    assert created["opt-in periods"] == OptInPeriod.objects.count()
    assert created["audit events"] == AuditEvent.objects.count()


def test_contract_accounts_have_their_roles(seeded):
    applicant = User.objects.get(email="applicant@example.org")
    (draft,) = applicant.applications.all()
    assert (draft.county.code, draft.status) == ("alameda", "draft")
    assert applicant.applicant_profile.legal_last_name == "Jackson"
    assert [d.kind for d in draft.documents.all()] == ["photo_id"]

    peer = User.objects.get(email="peer@example.org")
    (certification,) = peer.certifications.all()
    assert (certification.issuing_county.code, certification.status) == ("alameda", "active")
    assert certification.expires_on > seeded.today
    assert {s.code for s in certification.specializations.all()} == {
        "crisis",
        "parent_caregiver_family",
    }
    assert {c.status for c in certification.ce_credits.all()} == {"verified", "pending"}

    memberships = set(
        CountyMembership.objects.filter(user__email__endswith=".admin@example.org")
        .exclude(user__email="agency.admin@example.org")
        .values_list("user__email", "county__code", "role")
    )
    assert {
        ("alameda.admin@example.org", "alameda", "admin"),
        ("fresno.admin@example.org", "fresno", "admin"),
    } | {staff for staff in OTHER_STAFF if staff[2] == "admin"} == memberships
    reviewer = CountyMembership.objects.get(user__email="alameda.reviewer@example.org")
    assert (reviewer.county.code, reviewer.role) == ("alameda", "reviewer")
    viewer = User.objects.get(email="dhcs.viewer@example.org")
    assert viewer.is_state_staff and not viewer.county_memberships.exists()
    assert not viewer.is_staff
    operator = User.objects.get(email="operator@example.org")
    assert operator.is_staff and operator.is_superuser

    for email in [*CONTRACT_ACCOUNTS, *(staff[0] for staff in OTHER_STAFF)]:
        user = User.objects.get(email=email)
        assert user.check_password(settings.DEMO_PASSWORD), email
        assert EmailAddress.objects.filter(
            user=user, email=email, verified=True, primary=True
        ).exists()


def test_contract_accounts_sign_in_with_the_demo_password(seeded, client):
    for email in CONTRACT_ACCOUNTS:
        client.logout()
        response = client.post(
            reverse("account_login"), {"login": email, "password": settings.DEMO_PASSWORD}
        )

        assert response.status_code == 302, email
        assert "confirm-email" not in response["Location"]
        assert client.session["_auth_user_id"] == str(User.objects.get(email=email).pk)


def test_staff_joined_the_way_the_product_adds_them(seeded):
    """The operator appointed the counties' first administrators (as in the Django admin);
    Alameda's administrator added the reviewer; the agency administers every other county."""
    operator = User.objects.get(email="operator@example.org")
    alameda_admin = User.objects.get(email="alameda.admin@example.org")
    appointments = AuditEvent.objects.filter(verb="membership_set")
    assert appointments.get(subject__email="alameda.reviewer@example.org").actor == alameda_admin
    assert set(appointments.exclude(actor=operator).values_list("subject__email", flat=True)) == {
        "alameda.reviewer@example.org"
    }
    agency = CountyMembership.objects.filter(user__email="agency.admin@example.org")
    assert agency.count() == 58 - 5
    assert set(agency.values_list("role", flat=True)) == {"admin"}


def test_every_state_is_present(seeded):
    today = seeded.today
    assert set(Application.objects.values_list("status", flat=True)) == set(
        ApplicationStatus.values
    )
    assert set(Certification.objects.values_list("status", flat=True)) == set(
        CertificationStatus.values
    )
    assert set(Application.objects.values_list("pathway", flat=True)) == {
        "standard",
        "out_of_state",
        "grandparenting",
    }
    assert Application.objects.filter(pathway="out_of_state", status="submitted").exists()
    assert Application.objects.filter(pathway="grandparenting", status="certified").exists()
    changes = Application.objects.get(status="changes_requested")
    assert changes.changes_requested_message and changes.changes_requested_parts == ["photo_id"]
    resubmitted = AuditEvent.objects.get(verb="application_resubmit")
    assert Application.objects.get(pk=resubmitted.object_id).status == "in_review"
    (failed_once,) = [
        a
        for a in Application.objects.filter(status="approved")
        if [x.result for x in a.exam_attempts.all()] == ["failed"]
    ]
    assert failed_once.applicant.email == "jose.hernandez@example.org"
    assert set(ExamAttempt.objects.values_list("result", flat=True)) == {
        "passed",
        "failed",
        "no_show",
    }

    active = Certification.objects.filter(status="active")
    soon = active.filter(expires_on__gt=today, expires_on__lte=today + datetime.timedelta(30))
    assert soon.get().holder.email == "james.oconnor@example.org"
    assert set(Renewal.objects.values_list("kind", flat=True)) == {"renewal", "reinstatement"}
    reinstated = Renewal.objects.get(kind="reinstatement").certification
    assert reinstated.status == "active" and reinstated.holder.email == "tanya.robinson@example.org"
    renewed = Renewal.objects.filter(kind="renewal").values_list("certification", flat=True)
    assert Certification.objects.get(pk__in=renewed).holder.email == "elena.garcia@example.org"
    with_specializations = Certification.objects.annotate(n=Count("specializations"))
    assert set(with_specializations.filter(n__gt=0).values_list("holder__email", flat=True)) == {
        "peer@example.org",
        "guadalupe.ramirez@example.org",
        "elena.garcia@example.org",
    }

    for model in (TrainingRecord, CeCredit):
        assert set(model.objects.values_list("status", flat=True)) == {
            "pending",
            "verified",
            "rejected",
        }, model
    assert set(Document.objects.values_list("review_status", "content_type")) >= {
        ("pending", "application/pdf"),
        ("pending", "image/png"),
        ("verified", "application/pdf"),
        ("verified", "image/png"),
        ("rejected", "application/pdf"),
        ("rejected", "image/png"),
    }
    assert Document.objects.filter(removed_at__isnull=False).count() == 1  # a replaced diploma
    (ce_audit,) = CeAudit.objects.all()
    assert (ce_audit.county.code, ce_audit.outcome) == ("fresno", "passed")


def test_demo_data_is_what_the_services_would_write(seeded):
    assert consistency_problems(today=seeded.today) == []


def test_nothing_is_dated_after_the_seed_or_before_the_program(seeded):
    start = program_start_for(seeded.today)
    created = AuditEvent.objects.values_list("created_at", flat=True)
    assert start <= timezone.localdate(min(created))
    assert max(created) <= timezone.now()
    first = Certification.objects.order_by("issued_on").first()
    assert first.status == "vacated" and first.issued_on > start


def program_start_for(today: datetime.date) -> datetime.date:
    return program_start(DemoClock.on(today))


def test_documents_are_real_pdf_and_png_files(seeded):
    storage = FileSystemStorage(location=seeded.media)
    seen = set()
    for document in Document.objects.select_related("owner"):
        with storage.open(document.file.name, "rb") as handle:
            content = handle.read()
        assert len(content) == document.size
        if document.content_type == "application/pdf":
            page = pypdf.PdfReader(io.BytesIO(content), strict=True).pages[0]
            assert document.owner.last_name in page.extract_text(), document.kind
        else:
            with Image.open(io.BytesIO(content)) as image:
                assert (image.format, image.size) == ("PNG", (640, 400))
        seen.add((document.kind, document.content_type))
    assert seen == {
        ("photo_id", "image/png"),
        ("diploma", "application/pdf"),
        ("training_certificate", "application/pdf"),
        ("ce_certificate", "application/pdf"),
        ("recommendation_letter", "application/pdf"),
    }
    # A record the provider reported (verified at source) has no certificate to upload.
    assert all(
        record.certificate_id or record.reported_at_source
        for record in TrainingRecord.objects.all()
    )
    assert all(credit.document_id for credit in CeCredit.objects.all())


def test_past_emails_are_withdrawn_and_certificates_queued(seeded):
    """The stories' emails are not sent; each certification's certificate is rendered."""
    queued = list(OutboxMessage.objects.values_list("task_name", "kwargs"))
    assert sorted(queued, key=lambda m: m[1]["certification_id"]) == [
        (CERTIFICATE_RENDER_TASK, {"certification_id": pk})
        for pk in Certification.objects.order_by("pk").values_list("pk", flat=True)
    ]


def test_opt_in_spread_over_all_counties(seeded):
    today, start = seeded.today, program_start_for(seeded.today)
    assert County.objects.count() == 58
    assert OptInPeriod.objects.values("county").distinct().count() == 58
    assert OptInPeriod.objects.filter(effective_to__isnull=True).count() == 58 * 3
    never = County.objects.exclude(opt_in_periods__opted_in=True)
    assert set(never.values_list("code", flat=True)) == {
        "alpine",
        "colusa",
        "modoc",
        "mono",
        "sierra",
        "trinity",
    }
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
        for system in ("smhs", "dmc_ods"):
            period = OptInPeriod.objects.get(
                county__code=code, delivery_system=system, effective_to__isnull=True
            )
            assert (period.opted_in, period.effective_from) == (True, start)
    for period in OptInPeriod.objects.select_related("changed_by"):
        assert start <= period.effective_from <= today
        assert period.changed_by.county_memberships.filter(
            county=period.county_id, role="admin"
        ).exists()
    events = AuditEvent.objects.filter(verb="county_opt_in_change")
    assert events.count() == OptInPeriod.objects.count()


def test_code_of_ethics_in_english_and_spanish(seeded):
    (version,) = CodeOfEthicsVersion.objects.all()
    start = program_start_for(seeded.today)
    assert (version.effective_on, version.version) == (start, f"{start.year}.1")
    for heading in ("Hope", "Person-driven", "Confidentiality", "Mutuality and reciprocity"):
        assert heading in version.text_en
    for heading in ("Esperanza", "Confidencialidad", "Mutualidad y reciprocidad"):
        assert heading in version.text_es
    assert "may not do" in version.text_en and "no pueden hacer" in version.text_es
    assert version.text_for("es") == version.text_es
    signed = set(Application.objects.values_list("ethics_version", flat=True))
    assert signed == {version.pk}


def test_the_consistency_checks_catch_a_change_made_behind_the_services(seeded):
    """The checks above can fail: a status written directly (no audit event), an expiry
    moved by hand and an exam dated outside the window are each reported."""
    peer = Certification.objects.get(holder__email="peer@example.org")
    Certification.objects.filter(pk=peer.pk).update(
        status="suspended",
        suspended_on=seeded.today,
        expires_on=peer.expires_on + datetime.timedelta(days=1),
    )
    attempt = ExamAttempt.objects.get(application=peer.application, result="passed")
    ExamAttempt.objects.filter(pk=attempt.pk).update(
        taken_on=peer.application.window_ends_on + datetime.timedelta(days=1)
    )

    problems = consistency_problems(today=seeded.today)

    number = peer.number
    assert problems == [
        f"certification {number}: no exam passed inside the window",
        f"certification {number} expires on {peer.expires_on + datetime.timedelta(days=1)}, "
        f"not {peer.expires_on}",
        f"certification.Certification #{peer.pk} is 'suspended' but its trail ends in 'active'",
    ]


def test_cases_in_every_stage_one_overdue_and_an_appeal_overturned(seeded):
    from django.utils import timezone

    from cases.models import Appeal, Case

    stages = set(Case.objects.values_list("stage", flat=True))
    assert {"intake", "investigation", "findings", "decision", "closed"} <= stages
    today = timezone.localdate()
    assert Case.objects.filter(acknowledged_at__isnull=True, acknowledgement_due__lt=today).exists()
    appeal = Appeal.objects.get(status="overturned")
    assert appeal.certification.status == "active"
    assert appeal.decided_by_id != appeal.decision_by_id


def test_fees_are_paid_before_the_steps_the_holds_guard(seeded):
    """The program's fee holds are on (the default): every exam sitting came after its
    application fee was paid, covered or waived, and every renewal or reinstatement after the
    fees owed on the certification before; the money stories are there (a DHCS renewal fee
    waiver, a part-paid reinstatement, one accepted and one pending scholarship, and an
    approved applicant whose exam waits for the application fee), and each demo county says
    how to reach and pay it."""
    policy = ProgramPolicy.current()
    assert policy.unpaid_fees_hold_exam and policy.unpaid_fees_hold_renewal
    assert FeePayment.objects.count() > 20
    for attempt in ExamAttempt.objects.exclude(application=None):
        (application_fee,) = FeeDue.objects.filter(
            application=attempt.application_id, kind="application"
        )
        covered = hasattr(application_fee, "scholarship_use")
        paid_before = application_fee.payments.filter(recorded_at__lte=attempt.created_at).exists()
        assert covered or paid_before, attempt
    for renewal in Renewal.objects.select_related("certification"):
        earlier = FeeDue.objects.filter(
            Q(application=renewal.certification.application_id)
            | Q(renewal__certification=renewal.certification, created_at__lt=renewal.created_at)
        )
        for fee in earlier:
            settled = sum(
                p.amount_cents for p in fee.payments.filter(recorded_at__lte=renewal.created_at)
            )
            assert settled == fee.amount_cents or hasattr(fee, "waiver"), (renewal, fee)

    (waiver,) = FeeWaiver.objects.all()
    assert waiver.person.email == "elena.garcia@example.org" and waiver.fee.kind == "renewal"
    tanya = {
        fee.kind: fee_outstanding_of(fee)
        for fee in with_balance(FeeDue.objects.filter(person__email="tanya.robinson@example.org"))
        if fee.renewal_id
    }
    assert tanya == {"reinstatement": 0, "late": policy.fee_late_cents}
    nominations = dict(ScholarshipNomination.objects.values_list("person__email", "status"))
    assert nominations == {
        "maria.lopez@example.org": "accepted",
        "linh.tran@example.org": "nominated",
    }
    (maria_fee,) = with_balance(FeeDue.objects.filter(person__email="maria.lopez@example.org"))
    assert fee_outstanding_of(maria_fee) == 0 and hasattr(maria_fee, "scholarship_use")
    (linh_fee,) = with_balance(FeeDue.objects.filter(person__email="linh.tran@example.org"))
    assert linh_fee.kind == "application" and fee_outstanding_of(linh_fee) == linh_fee.amount_cents
    for code in ("alameda", "fresno", "los-angeles", "san-diego", "sacramento"):
        county = County.objects.get(code=code)
        assert county.contact_email and county.contact_phone and county.contact_address


def test_three_providers_with_courses_of_every_type_one_spanish_one_lapsed(seeded):
    """Issue 15 item 7: three provider organisations with their administrators; courses of
    every type approved through the cycles; a Spanish track in the course finder; a provider
    whose approval lapsed, found by no one; the outcomes read for state staff."""
    from providers.models import CourseApproval, ProviderCourse, ProviderOrganisation
    from providers.outcomes import outcomes_all_providers
    from providers.selectors import course_finder

    today = seeded.today
    organisations = {o.name: o for o in ProviderOrganisation.objects.all()}
    assert set(organisations) == {
        "Bay Area Peer Training Collaborative",
        "Instituto de Formación de Pares Latinos",
        "Golden State Peer Workforce Center",
    }
    for organisation in organisations.values():
        assert organisation.memberships.filter(role="admin").count() == 1
    approved = course_finder(on=today)
    kinds = {(c.course_type, c.area_code, c.ce_category) for c in approved}
    assert kinds == {
        ("core_80", "", ""),
        ("specialization", "crisis", ""),
        ("ce", "", "general"),
        ("ce", "", "law_ethics"),
    }
    spanish = course_finder(on=today, language="es", course_type="core_80")
    assert [c.provider.name for c in spanish] == ["Instituto de Formación de Pares Latinos"]
    lapsed = organisations["Golden State Peer Workforce Center"]
    assert ProviderCourse.objects.filter(provider=lapsed).exists()
    assert not approved.filter(provider=lapsed).exists()
    assert all(a.ends_on < today for a in CourseApproval.objects.filter(provider=lapsed))
    state = User.objects.get(email="dhcs.viewer@example.org")
    rows = outcomes_all_providers(state)
    assert {row.provider_name for row in rows} == set(organisations)


def test_reported_completions_one_attached_at_sign_up_two_waiting(seeded):
    """Issue 15 item 7: completions reported by the providers, matched and unmatched: the
    learner who signed up after the report has the course in their log, verified at source
    with no certificate; the two others wait for an account."""
    from providers.models import Completion

    statuses = dict(Completion.objects.values_list("email", "status"))
    assert statuses == {
        "jordan.rivera@example.org": "attached",
        "samuel.okoye@example.net": "waiting",
        "guadalupe.garcia@example.net": "waiting",
    }
    attached = Completion.objects.get(status="attached")
    record = attached.training_record
    assert record.person.email == "jordan.rivera@example.org"
    assert (record.status, record.reported_at_source, record.certificate) == (
        "verified",
        True,
        None,
    )
    assert record.provider.name == "Bay Area Peer Training Collaborative"
