"""The provider pages end to end through the test client: a provider's staff apply in an open
cycle, map the curriculum, submit; a reviewer requests changes, then approves; the profile and
the cycle form save; bad input is shown at its field and changes nothing."""

import pytest
from django.urls import reverse

from providers.models import ApprovalCycle, CourseApplication, CourseApproval
from providers.rules import COMPETENCY_CODES

pytestmark = pytest.mark.django_db


def _competencies(missing: int = 0) -> dict[str, str]:
    codes = COMPETENCY_CODES[: len(COMPETENCY_CODES) - missing]
    return {f"competency_{code}": f"Module: {code}" for code in codes}


def test_apply_submit_review_approve_through_the_pages(client, providers):
    p = providers
    client.force_login(p.clerk)
    home = client.get(reverse("providers_portal:overview", args=[p.hope.pk]))
    assert "Open approval cycles" in home.content.decode()
    response = client.post(
        reverse("providers_portal:apply", args=[p.hope.pk, p.core_cycle.pk]),
        {
            "title": "Peer core",
            "hours": "80",
            "languages": ["en", "es"],
            "delivery_modes": ["in_person"],
        },
    )
    application = CourseApplication.objects.get()
    url = reverse("providers_portal:application", args=[p.hope.pk, application.pk])
    assert response["Location"] == url
    fields = {"hours": "80", "languages": ["en", "es"], "delivery_modes": ["in_person"]}
    response = client.post(url, {**fields, **_competencies(missing=1), "submit": "1"})
    assert response.status_code == 200
    assert "Confidentiality" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "draft"
    response = client.post(url, {**fields, **_competencies(), "submit": "1"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "submitted"

    client.force_login(p.reviewer)
    queue = client.get(reverse("providers_portal:review")).content.decode()
    assert "Peer core" in queue
    review = reverse("providers_portal:review_application", args=[application.pk])
    response = client.post(review, {"decision": "changes", "note": ""})
    assert response.status_code == 200  # the note is required: shown, nothing changed
    application.refresh_from_db()
    assert application.status == "submitted"
    client.post(review, {"decision": "changes", "note": "Add trainer bios."})
    application.refresh_from_db()
    assert application.status == "changes_requested"

    client.force_login(p.clerk)
    assert "Add trainer bios." in client.get(url).content.decode()
    client.post(url, {**fields, **_competencies(), "submit": "1"})
    client.force_login(p.reviewer)
    response = client.post(
        review,
        {"decision": "approve", "starts_on": "2026-07-01", "ends_on": "2028-06-30", "note": ""},
    )
    assert response.status_code == 302
    approval = CourseApproval.objects.get()
    assert (approval.starts_on.isoformat(), approval.ends_on.isoformat()) == (
        "2026-07-01",
        "2028-06-30",
    )
    client.force_login(p.boss)
    assert (
        "2028-06-30"
        in client.get(reverse("providers_portal:overview", args=[p.hope.pk])).content.decode()
    )


def test_the_profile_and_a_cycle_save_and_bad_input_is_refused(client, cast, providers):
    p = providers
    client.force_login(p.boss)
    url = reverse("providers_portal:profile", args=[p.hope.pk])
    response = client.post(
        url,
        {
            "contact_name": "Bo",
            "contact_email": "bo@hope.test",
            "counties": [str(cast.county.pk)],
            "languages": ["es"],
            "delivery_modes": ["in_person", "online_live"],
        },
    )
    assert response.status_code == 302
    p.hope.refresh_from_db()
    assert p.hope.languages == ["es"]
    assert list(p.hope.counties.all()) == [cast.county]
    response = client.post(
        url, {"contact_name": "", "contact_email": "nope", "counties": ["999999"]}
    )
    assert response.status_code == 200
    p.hope.refresh_from_db()
    assert p.hope.contact_name == "Bo"

    client.force_login(p.reviewer)
    before = ApprovalCycle.objects.count()
    response = client.post(
        reverse("providers_portal:cycle_open"),
        {"course_type": "specialization", "opens_on": "2030-07-01", "closes_on": "2030-06-01"},
    )
    assert response.status_code == 200
    assert ApprovalCycle.objects.count() == before
    response = client.post(
        reverse("providers_portal:cycle_open"),
        {
            "course_type": "specialization",
            "area_code": "crisis",
            "opens_on": "2030-07-01",
            "closes_on": "2030-07-31",
        },
    )
    assert response.status_code == 302
    assert ApprovalCycle.objects.filter(area_code="crisis").exists()


def test_a_reviewer_registers_a_provider_and_its_first_administrator_is_invited(
    client, providers, mailoutbox
):
    p = providers
    client.force_login(p.reviewer)
    response = client.post(
        reverse("providers_portal:provider_register"),
        {"name": "Dawn Academy", "admin_email": "lead@dawn.test", "contact_email": "hi@dawn.test"},
    )
    assert response.status_code == 302
    assert CourseApplication.objects.count() == 0
    from providers.models import ProviderInvitation

    assert ProviderInvitation.objects.filter(email="lead@dawn.test", role="admin").exists()


def test_provider_staff_must_enrol_in_mfa_when_required(client, settings, cast, providers):
    settings.STAFF_MFA_REQUIRED = True
    client.force_login(providers.clerk)
    response = client.get(reverse("providers_portal:overview", args=[providers.hope.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    client.force_login(cast.applicant)  # not staff of anyone: never gated
    assert client.get(reverse("providers_portal:pick")).status_code == 200


def test_the_navigation_links_provider_staff_to_their_pages(client, cast, providers):
    client.force_login(providers.clerk)
    assert reverse("providers_portal:pick") in client.get(reverse("dashboard")).content.decode()
    client.force_login(cast.applicant)
    assert reverse("providers_portal:pick") not in client.get(reverse("dashboard")).content.decode()
