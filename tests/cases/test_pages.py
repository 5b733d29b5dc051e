"""The workspace's case pages: the county's cases only, with due dates and flags, paginated,
an empty state; a case with its timeline and actions; opening one from a phone call or
letter. Another county's case is 404; a reviewer assigning or extending gets 403 and nothing
changes."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case, CaseEvent
from tests.factories import CertificationFactory

pytestmark = pytest.mark.django_db


def _case(cast, county=None, received_on=None, actor=None) -> Case:
    county = county or cast.county
    return services.case_open(
        actor=actor,
        county=county,
        source="phone_letter",
        category="confidentiality",
        summary="Shared a client's story.",
        received_on=received_on or timezone.localdate(),
        certification=CertificationFactory(issuing_county=county),
    )


def _url(cast, name, *args, county=None):
    return reverse(f"workspace:{name}", args=[(county or cast.county).code, *args])


def test_the_list_shows_the_countys_cases_with_flags(cast, client, settings):
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(cast.reviewer)
    empty = client.get(_url(cast, "cases"))
    assert empty.status_code == 200 and "No case here." in empty.content.decode()
    today = timezone.localdate()
    overdue = _case(cast, received_on=today - datetime.timedelta(days=95))
    soon = _case(cast, received_on=today - datetime.timedelta(days=85))
    fresno = _case(cast, county=cast.other_county)
    page = client.get(_url(cast, "cases")).content.decode()
    assert f"Case {overdue.pk}" in page and f"Case {soon.pk}" in page
    assert f"Case {fresno.pk}<" not in page
    assert "Overdue" in page and "Due within 7 days" in page
    assert overdue.resolution_due.isoformat() in page


def test_the_list_is_paginated(cast, client, settings):
    settings.STAFF_MFA_REQUIRED = False
    for _ in range(26):
        _case(cast)
    client.force_login(cast.reviewer)
    first = client.get(_url(cast, "cases"))
    assert first.context["page_obj"].paginator.num_pages == 2
    assert len(first.context["page_obj"].object_list) == 25
    assert len(client.get(_url(cast, "cases") + "?page=2").context["page_obj"].object_list) == 1
    assert client.get(_url(cast, "cases") + "?page=x&show=bogus").status_code == 200


def test_another_countys_case_is_404(cast, client, settings):
    settings.STAFF_MFA_REQUIRED = False
    fresno = _case(cast, county=cast.other_county)
    client.force_login(cast.admin)
    for name in ("case", "case_advance", "case_assign", "case_extend"):
        assert client.get(_url(cast, name, fresno.pk)).status_code == 404, name
    response = client.post(_url(cast, "case_advance", fresno.pk), {"to": "investigation"})
    assert response.status_code == 404
    fresno.refresh_from_db()
    assert fresno.stage == "intake"


def test_a_reviewer_cannot_assign_or_extend(cast, client, settings):
    settings.STAFF_MFA_REQUIRED = False
    case = _case(cast)
    client.force_login(cast.reviewer)
    assert (
        client.post(
            _url(cast, "case_assign", case.pk), {"investigator": cast.reviewer.pk}
        ).status_code
        == 403
    )
    assert client.post(_url(cast, "case_extend", case.pk), {"reason": "x"}).status_code == 403
    case.refresh_from_db()
    assert (case.investigator, case.extended_at, case.events.count()) == (None, None, 1)
    detail = client.get(_url(cast, "case", case.pk)).content.decode()
    assert "/stage/" in detail
    assert "/assign/" not in detail and "/extend/" not in detail


def test_staff_open_a_case_move_it_assign_and_extend(cast, client, settings):
    settings.STAFF_MFA_REQUIRED = False
    certification = CertificationFactory(issuing_county=cast.county)
    client.force_login(cast.admin)
    form = client.get(_url(cast, "case_open"))
    assert form.status_code == 200 and 'for="id_summary"' in form.content.decode()
    bad = client.post(
        _url(cast, "case_open"),
        {
            "certification_number": "PSS-NOPE",
            "category": "respect",
            "summary": "x",
            "received_on": timezone.localdate().isoformat(),
        },
    )
    assert (
        bad.status_code == 200 and "No certification issued by this county" in bad.content.decode()
    )
    assert Case.objects.count() == 0
    response = client.post(
        _url(cast, "case_open"),
        {
            "certification_number": certification.number.lower(),
            "category": "respect",
            "summary": "A letter from a family member.",
            "received_on": "2026-09-04",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.certification, case.source, case.acknowledgement_due) == (
        certification,
        "phone_letter",
        datetime.date(2026, 9, 14),
    )
    client.post(_url(cast, "case_advance", case.pk), {"to": "investigation", "note": ""})
    client.post(_url(cast, "case_assign", case.pk), {"investigator": cast.reviewer.pk})
    client.post(_url(cast, "case_extend", case.pk), {"reason": "Waiting for a witness."})
    # A second extension: refused, nothing changed.
    again = client.post(_url(cast, "case_extend", case.pk), {"reason": "Again."}, follow=True)
    assert "already been extended" in again.content.decode()
    case.refresh_from_db()
    assert (case.stage, case.investigator, case.resolution_due) == (
        "investigation",
        cast.reviewer,
        datetime.date(2027, 1, 2),
    )
    assert list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True)) == [
        "opened",
        "stage",
        "assigned",
        "extended",
    ]
    detail = client.get(_url(cast, "case", case.pk)).content.decode()
    assert "Waiting for a witness." in detail and "Investigator assigned" in detail
    # A refused move (intake is behind): a message, nothing changed.
    refused = client.post(_url(cast, "case_advance", case.pk), {"to": "intake"}, follow=True)
    assert "cannot move" in refused.content.decode()
    case.refresh_from_db()
    assert case.stage == "investigation"
