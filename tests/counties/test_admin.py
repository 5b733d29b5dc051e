"""The operators' Django admin for counties: read-only history, editable policy, audited staff
changes."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from counties.models import CountyMembership, OptInPeriod, ProgramPolicy
from tests.factories import MembershipFactory, UserFactory, county

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    user = UserFactory(email="ops@example.org", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_every_counties_page_opens(client, operator):
    alameda = county("alameda")
    period = OptInPeriod.objects.create(
        county=alameda, delivery_system="smhs", opted_in=True, effective_from=datetime.date.today()
    )
    membership = MembershipFactory(county=alameda)
    pages = [
        reverse("admin:counties_county_changelist"),
        reverse("admin:counties_county_change", args=[alameda.pk]),
        reverse("admin:counties_optinperiod_changelist"),
        reverse("admin:counties_optinperiod_change", args=[period.pk]),
        reverse("admin:counties_countymembership_changelist"),
        reverse("admin:counties_countymembership_change", args=[membership.pk]),
        reverse("admin:counties_staffinvitation_changelist"),
    ]
    for url in pages:
        assert client.get(url).status_code == 200, url


def test_counties_cannot_be_added_or_deleted(client, operator):
    alameda = county("alameda")

    assert client.get(reverse("admin:counties_county_add")).status_code == 403
    assert (
        client.post(
            reverse("admin:counties_county_delete", args=[alameda.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert county("alameda").name == "Alameda"


def test_opt_in_history_is_read_only(client, operator):
    period = OptInPeriod.objects.create(
        county=county("alameda"),
        delivery_system="dmc",
        opted_in=True,
        effective_from=datetime.date(2023, 1, 1),
    )

    assert client.get(reverse("admin:counties_optinperiod_add")).status_code == 403
    response = client.post(
        reverse("admin:counties_optinperiod_change", args=[period.pk]), {"opted_in": ""}
    )

    assert response.status_code == 403
    period.refresh_from_db()
    assert period.opted_in is True


def test_program_policy_is_one_editable_row(client, operator):
    policy = ProgramPolicy.current()
    changelist = client.get(reverse("admin:counties_programpolicy_changelist"))
    assert changelist.status_code == 302
    assert changelist["Location"] == reverse(
        "admin:counties_programpolicy_change", args=[policy.pk]
    )
    assert client.get(reverse("admin:counties_programpolicy_add")).status_code == 403

    response = client.post(
        reverse("admin:counties_programpolicy_change", args=[policy.pk]),
        {
            "reminder_days": "90,30",
            "exam_min_wait_days": 14,
            "exam_result_grace_days": 30,
            "ce_audit_sample_percent": 10,
            "ce_audit_makeup_days": 90,
            "case_upload_max_files": 5,
            "case_response_days": 21,
            "late_renewal_limit_months": 12,
            "appeal_days": 45,
            "fee_application_cents": 10000,
            "fee_exam_cents": 15000,
            "fee_renewal_cents": 8000,
            "fee_reinstatement_cents": 8000,
            "fee_late_cents": 4000,
            "exam_vendor_name": "Pearson VUE",
            "exam_booking_url": "https://home.pearsonvue.com/",
            "exam_vendor_phone": "1-800-555-0100",
            "exam_accommodation_notice_days": 30,
        },
    )

    assert response.status_code == 302, response.content
    policy.refresh_from_db()
    assert (policy.reminder_days, policy.exam_min_wait_days) == ([90, 30], 14)
    assert policy.exam_vendor_phone == "1-800-555-0100"
    assert policy.appeal_days == 45
    assert ProgramPolicy.objects.count() == 1


def test_staff_added_and_removed_in_the_admin_is_audited(client, operator):
    person = UserFactory(email="new.admin@example.org")
    url = reverse("admin:counties_countymembership_add")

    response = client.post(url, {"county": county("fresno").pk, "user": person.pk, "role": "admin"})

    assert response.status_code == 302, response.content
    membership = CountyMembership.objects.get(user=person)
    added = AuditEvent.objects.get(verb="membership_set")
    assert (added.actor, added.subject, added.county, added.to_state) == (
        operator,
        person,
        county("fresno"),
        "admin",
    )

    client.post(
        reverse("admin:counties_countymembership_delete", args=[membership.pk]), {"post": "yes"}
    )

    assert not CountyMembership.objects.filter(user=person).exists()
    removed = AuditEvent.objects.get(verb="membership_remove")
    assert (removed.subject, removed.from_state, removed.object_id) == (
        person,
        "admin",
        membership.pk,
    )


def test_non_operators_cannot_open_the_admin(client):
    client.force_login(UserFactory(is_state_staff=True))

    response = client.get(reverse("admin:audit_auditevent_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
