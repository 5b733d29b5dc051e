"""After certification: the card, the CE log with running totals, renewal (refused with the
reasons until allowed) and adding a specialization."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from certification.models import Certification, CertificationSpecialization, Renewal
from continuing_ed.models import CeCredit
from fees.models import FeeDue
from tests.factories import (
    MINIMAL_PDF,
    CeCreditFactory,
    CertificationFactory,
    ProviderFactory,
    SpecializationFactory,
    TrainingRecordFactory,
)
from tests.portal.conftest import bomb_png, pdf_file, rendered_certificate

pytestmark = pytest.mark.django_db
ATTESTED = {"attest_ce": "on", "attest_records": "on"}


def today() -> datetime.date:
    return timezone.localdate()


def certification_expiring_in(days: int, holder) -> Certification:
    expires_on = today() + datetime.timedelta(days=days)
    return CertificationFactory(
        holder=holder,
        number="PSS-0004242",
        issued_on=expires_on.replace(year=expires_on.year - 2),
        expires_on=expires_on,
    )


@pytest.fixture
def certified(cast):
    return certification_expiring_in(400, cast.applicant)


def test_the_card_shows_number_status_dates_specializations_and_verification(
    cast, certified, applicant_client
):
    SpecializationFactory(certification=certified, code="crisis")

    html = applicant_client.get(reverse("portal:certification")).content.decode()

    assert "Certification PSS-0004242" in html
    assert "Active" in html and "Crisis Services" in html
    assert certified.issued_on.strftime("%Y") in html
    assert 'href="/verify/PSS-0004242"' in html


def test_the_certificate_is_offered_once_rendered_and_served_as_a_pdf(
    cast, certified, applicant_client
):
    page = reverse("portal:certification")
    assert "Your certificate is being prepared." in applicant_client.get(page).content.decode()
    rendered_certificate(certified, "wall")

    html = applicant_client.get(page).content.decode()
    assert 'href="/me/certification/certificate/"' in html
    assert "?kind=wallet" not in html

    response = applicant_client.get(reverse("portal:certificate"))
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="certificate-PSS-0004242-wall.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert applicant_client.get(reverse("portal:certificate") + "?kind=wallet").status_code == 404
    assert applicant_client.get(reverse("portal:certificate") + "?kind=../x").status_code == 404


def test_no_certificate_is_served_for_a_suspended_certification(cast, certified, applicant_client):
    rendered_certificate(certified, "wall")
    Certification.objects.filter(pk=certified.pk).update(
        status="suspended", suspended_on=certified.issued_on
    )

    assert applicant_client.get(reverse("portal:certificate")).status_code == 404
    html = applicant_client.get(reverse("portal:certification")).content.decode()
    assert 'href="/me/certification/certificate/"' not in html


def test_someone_not_certified_is_told_it_will_appear(cast, applicant_client):
    html = applicant_client.get(reverse("portal:certification")).content.decode()

    assert "You are not certified yet." in html


def test_the_ce_log_shows_running_totals_for_the_cycle(cast, certified, applicant_client):
    in_cycle = today() - datetime.timedelta(days=20)
    CeCreditFactory(certification=certified, hours=10, category="general", status="verified")
    CeCreditFactory(certification=certified, hours=4, category="law_and_ethics", status="verified")
    CeCreditFactory(certification=certified, hours=3, category="general", completed_on=in_cycle)
    CeCreditFactory(
        certification=certified,
        hours=8,
        status="verified",
        completed_on=certified.issued_on - datetime.timedelta(days=400),
    )

    html = applicant_client.get(reverse("portal:ce_log")).content.decode()

    assert "14 of 20 hours, 4 of 6 in law and ethics" in html
    assert "3 more hours are waiting for verification." in html
    assert "1 course outside this cycle is not counted here." in html


def test_a_course_is_logged_with_its_proof(cast, certified, applicant_client):
    response = applicant_client.post(
        reverse("portal:ce_log"),
        {
            "title": "Boundaries and ethics",
            "provider_name": "Peer Academy",
            "hours": "6",
            "category": "law_and_ethics",
            "completed_on": (today() - datetime.timedelta(days=3)).isoformat(),
            "proof": pdf_file("ethics.pdf"),
        },
    )

    assert response["Location"] == reverse("portal:ce_log")
    credit = CeCredit.objects.get(certification=certified)
    assert (credit.title, credit.hours, credit.status, credit.document.kind) == (
        "Boundaries and ethics",
        6,
        "pending",
        "ce_certificate",
    )


def test_a_bad_proof_is_refused_at_its_field_and_the_rest_is_kept(
    cast, certified, applicant_client
):
    response = applicant_client.post(
        reverse("portal:ce_log"),
        {
            "title": "Boundaries and ethics",
            "provider_name": "Peer Academy",
            "hours": "6",
            "category": "law_and_ethics",
            "completed_on": (today() - datetime.timedelta(days=3)).isoformat(),
            "proof": bomb_png(),
        },
    )

    html = response.content.decode()
    assert (
        response.context["form"]
        .errors["proof"][0]
        .startswith("This image has more than 50 million pixels.")
    )
    assert (
        'value="Boundaries and ethics"' in html
        and 'aria-describedby="id_proof_helptext id_proof_error"' in html
    )
    assert not CeCredit.objects.exists()


def test_renewal_before_the_window_is_refused_with_the_reasons(
    cast, ethics, certified, applicant_client
):
    response = applicant_client.get(reverse("portal:renewal"))
    opens = certified.expires_on - datetime.timedelta(days=90)

    assert response.context["problems"][0] == (
        f"Renewal opens on {opens.isoformat()}, 90 days before the expiry date "
        f"{certified.expires_on.isoformat()}."
    )
    assert "You cannot renew yet" in response.content.decode()

    applicant_client.post(reverse("portal:renewal"), {"affirm": "on", "ethics_version": ethics.pk})
    certified.refresh_from_db()
    assert certified.expires_on == opens + datetime.timedelta(days=90)
    assert not Renewal.objects.exists()


@pytest.fixture
def renewable(cast):
    certification = certification_expiring_in(30, cast.applicant)
    completed = today() - datetime.timedelta(days=100)
    CeCreditFactory(
        certification=certification,
        hours=14,
        category="general",
        status="verified",
        completed_on=completed,
    )
    CeCreditFactory(
        certification=certification,
        hours=6,
        category="law_and_ethics",
        status="verified",
        completed_on=completed,
    )
    return certification


def test_renewal_needs_the_ethics_affirmed_then_extends_two_years(
    cast, ethics, renewable, applicant_client
):
    page = reverse("portal:renewal")
    previous = renewable.expires_on
    assert "Hope." in applicant_client.get(page).content.decode()

    unaffirmed = applicant_client.post(page, {"ethics_version": ethics.pk, **ATTESTED})
    assert unaffirmed.context["form"].errors["affirm"] == [
        "Check the box to affirm the Code of Ethics."
    ]
    unattested = applicant_client.post(page, {"ethics_version": ethics.pk, "affirm": "on"})
    assert unattested.context["form"].errors == {
        "attest_ce": ["Check the box to confirm your continuing education."],
        "attest_records": ["Check the box to confirm that you keep the records."],
    }
    assert not Renewal.objects.exists()

    response = applicant_client.post(
        page, {"affirm": "on", "ethics_version": ethics.pk, **ATTESTED}
    )

    assert response["Location"] == reverse("portal:certification")
    renewable.refresh_from_db()
    assert renewable.expires_on == previous.replace(year=previous.year + 2)
    renewal = Renewal.objects.get(certification=renewable)
    assert (renewal.ethics_version, renewal.ce_total_hours) == (ethics, 20)


def test_pending_ce_does_not_block_renewal_and_is_shown(cast, ethics, renewable, applicant_client):
    renewable.ce_credits.filter(category="law_and_ethics").update(status="pending")
    page = reverse("portal:renewal")

    response = applicant_client.get(page)
    html = response.content.decode()
    assert response.context["problems"] == []
    assert "14 verified hours, 0 of them in law and ethics." in html
    assert "6 more hours are waiting for review." in html
    assert "Renewal fee" in html and "$80.00" in html and "Late renewal fee" not in html

    applicant_client.post(page, {"affirm": "on", "ethics_version": ethics.pk, **ATTESTED})
    renewal = Renewal.objects.get(certification=renewable)
    assert (renewal.kind, renewal.ce_total_hours, renewal.attested_at is not None) == (
        "renewal",
        14,
        True,
    )


def expired(holder, days_since_expiry: int) -> Certification:
    certification = certification_expiring_in(-days_since_expiry, holder)
    Certification.objects.filter(pk=certification.pk).update(status="expired")
    certification.refresh_from_db()
    return certification


def test_an_expired_certification_is_offered_a_late_renewal_with_its_fee(
    cast, ethics, applicant_client
):
    """The bug this fixes: an expired peer was offered "Reinstate", which led to a 403. Inside
    the late renewal period the offer is a late renewal, and it works."""
    certification = expired(cast.applicant, 10)
    card = applicant_client.get(reverse("portal:certification")).content.decode()
    assert "Renew my certification late" in card and "Reinstate my certification" not in card
    home = applicant_client.get(reverse("portal:home")).content.decode()
    assert "Renew my certification late" in home

    page = applicant_client.get(reverse("portal:renewal"))
    html = page.content.decode()
    assert page.status_code == 200 and page.context["problems"] == []
    assert "Renew my certification late" in html
    assert "Late renewal fee" in html and "$40.00" in html and "$120.00" in html
    assert "How to pay" in html

    response = applicant_client.post(
        reverse("portal:renewal"), {"affirm": "on", "ethics_version": ethics.pk, **ATTESTED}
    )
    assert response.status_code == 302
    certification.refresh_from_db()
    assert certification.status == "active"
    assert Renewal.objects.get(certification=certification).kind == "late_renewal"
    # A second submission (a double click) charges nothing more.
    again = applicant_client.post(
        reverse("portal:renewal"), {"affirm": "on", "ethics_version": ethics.pk, **ATTESTED}
    )
    assert again.status_code == 200
    assert FeeDue.objects.filter(kind="late").count() == 1
    assert Renewal.objects.count() == 1


def test_past_the_late_period_reinstatement_is_offered_and_says_what_it_needs(
    cast, ethics, applicant_client
):
    certification = expired(cast.applicant, 400)
    card = applicant_client.get(reverse("portal:certification")).content.decode()
    assert "See what reinstatement needs" in card

    page = applicant_client.get(reverse("portal:renewal"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Reinstate my certification" in html and "You cannot reinstate yet" in html
    assert "80-hour refresher course" in html
    assert "Reinstatement fee" in html and "Late renewal fee" in html
    applicant_client.post(reverse("portal:renewal"), {"affirm": "on", "ethics_version": ethics.pk})
    assert not Renewal.objects.exists()

    TrainingRecordFactory(
        person=cast.applicant, completed_on=today() - datetime.timedelta(days=20), status="verified"
    )
    for hours, category in ((14, "general"), (6, "law_and_ethics")):
        CeCreditFactory(
            certification=certification,
            hours=hours,
            category=category,
            status="verified",
            completed_on=today() - datetime.timedelta(days=10),
        )
    response = applicant_client.post(
        reverse("portal:renewal"), {"affirm": "on", "ethics_version": ethics.pk}
    )
    assert response.status_code == 302
    certification.refresh_from_db()
    assert certification.status == "active"
    assert Renewal.objects.get(certification=certification).kind == "reinstatement"


def test_the_late_renewal_page_in_spanish(cast, ethics, applicant_client):
    expired(cast.applicant, 10)
    applicant_client.cookies["peercert_language"] = "es"
    html = applicant_client.get(reverse("portal:renewal")).content.decode()
    assert "Renovar mi certificación fuera de plazo" in html
    assert "Cómo pagar" in html


def test_a_verified_specialization_course_is_added(cast, certified, applicant_client):
    provider = ProviderFactory()
    crisis = TrainingRecordFactory(
        person=cast.applicant, provider=provider, course="crisis", hours=40, status="verified"
    )
    TrainingRecordFactory(person=cast.applicant, provider=provider, course="unhoused", hours=40)

    page = applicant_client.get(reverse("portal:specializations"))
    assert list(page.context["form"].fields["training_record"].queryset) == [crisis]
    assert "The specialization training must be verified first." in page.content.decode()

    response = applicant_client.post(
        reverse("portal:specializations"), {"training_record": crisis.pk}
    )

    assert response["Location"] == reverse("portal:certification")
    assert list(
        CertificationSpecialization.objects.filter(certification=certified).values_list(
            "code", flat=True
        )
    ) == ["crisis"]


def test_a_suspension_on_an_expired_certification_is_shown_and_blocks_renewing(
    cast, ethics, applicant_client
):
    certification = certification_expiring_in(-10, cast.applicant)
    Certification.objects.filter(pk=certification.pk).update(
        status="expired",
        suspended_on=datetime.date(2025, 1, 2),
        status_reason="Complaint upheld after review.",
    )

    html = applicant_client.get(reverse("portal:certification")).content.decode()
    assert "Your certification is suspended" in html
    assert "Complaint upheld after review." in html
    assert "cannot be renewed or reinstated until the program lifts the suspension" in html

    html = applicant_client.get(reverse("portal:renewal")).content.decode()
    assert (
        "This certification was suspended on 2025-01-02. The issuing program must lift the "
        "suspension before it can be renewed or reinstated."
    ) in html
    applicant_client.post(reverse("portal:renewal"), {"affirm": "on", "ethics_version": ethics.pk})
    assert not Renewal.objects.exists()

    applicant_client.cookies["peercert_language"] = "es"
    html = applicant_client.get(reverse("portal:certification")).content.decode()
    assert "Su certificación está suspendida" in html
    assert "Suspendida desde" in html
