"""The employer pages as their users meet them: the watchlist page, its CSV, the upload, the
MFA gate, and the peer's portal page naming the employers who watch them."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from counties.services import county_contact_update
from employers.models import Watch
from notifications.services import email_render

pytestmark = pytest.mark.django_db


def test_the_watchlist_shows_registry_facts_and_adds_by_number_and_name(client, employers):
    client.force_login(employers.clerk)
    url = reverse("employers_portal:watchlist", args=[employers.bayview.pk])
    page = client.get(url).content.decode()
    assert employers.reyes.number in page and "Ana Reyes" in page
    assert employers.okafor.number not in page
    response = client.post(url, {"number": employers.okafor.number, "last_name": "Smith"})
    assert response.status_code == 200
    assert "No certification matches that number and last name." in response.content.decode()
    assert Watch.objects.filter(employer=employers.bayview).count() == 1
    response = client.post(url, {"number": employers.okafor.number, "last_name": "okafor"})
    assert response.status_code == 302
    assert Watch.objects.filter(employer=employers.bayview).count() == 2


def test_the_csv_export_keeps_formulas_as_text(client, employers):
    employers.reyes.first_name = '=HYPERLINK("http://x")'
    employers.reyes.save(update_fields=["first_name"])
    client.force_login(employers.boss)
    response = client.get(reverse("employers_portal:watchlist_csv", args=[employers.bayview.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["certification_number", "first_name", "last_name", "status"]
    assert rows[1][:4] == [employers.reyes.number, '\'=HYPERLINK("http://x")', "Reyes", "active"]
    assert len(rows) == 2


def test_the_upload_previews_then_adds(client, employers):
    client.force_login(employers.clerk)
    data = f"certification_number,last_name\n{employers.okafor.number},Okafor\nPSS-1,Nobody\n"
    upload = client.post(
        reverse("employers_portal:watch_upload", args=[employers.bayview.pk]),
        {"file": io.BytesIO(data.encode())},
    )
    assert upload.status_code == 302
    preview = client.get(upload["Location"]).content.decode()
    assert "1 peer will be added." in preview
    assert "No certification matches that number and last name" in preview
    assert client.post(upload["Location"]).status_code == 302
    assert Watch.objects.filter(employer=employers.bayview).count() == 2


def test_employer_staff_must_enrol_in_mfa_when_required(client, settings, employers):
    settings.STAFF_MFA_REQUIRED = True
    client.force_login(employers.clerk)
    response = client.get(reverse("employers_portal:watchlist", args=[employers.bayview.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_the_peer_sees_which_employers_watch_them(client, cast, employers):
    client.force_login(cast.applicant)
    page = client.get(reverse("portal:certification")).content.decode()
    assert "Bayview Health" in page and "Valley Clinic" not in page
    client.force_login(cast.other_applicant)
    page = client.get(reverse("portal:certification")).content.decode()
    assert "No employer is watching your certification." in page


SPANISH_PAGES = {
    "watchlist": "Certificaciones en seguimiento",
    "watch_upload": "Agregar pares desde un archivo",
    "settings": "Avisos de cambios por correo electrónico",
    "staff": "Todo el personal mantiene la lista de seguimiento",
    "notices": "Los cambios más recientes",
    "webhooks": "Un punto de conexión que no acepta nada durante 3 días se desactiva",
}


@pytest.mark.parametrize("name", sorted(SPANISH_PAGES))
def test_the_employer_pages_read_in_spanish(client, employers, name):
    client.force_login(employers.boss)
    url = reverse(f"employers_portal:{name}", args=[employers.bayview.pk])
    page = client.get(url, headers={"accept-language": "es"}).content.decode()
    assert SPANISH_PAGES[name] in page
    assert 'lang="es"' in page
    # The page's own navigation too.
    assert "Lista de seguimiento" in page and "Configuración" in page


def test_the_webhooks_page_states_the_operators_values(client, employers, settings):
    settings.EMPLOYER_WEBHOOK_DISABLE_AFTER_DAYS = 1
    settings.EMPLOYER_WEBHOOK_RETRY_DELAYS = (60, 3600)
    client.force_login(employers.boss)
    page = client.get(reverse("employers_portal:webhooks", args=[employers.bayview.pk]))
    text = page.content.decode()
    assert "tried again up to 2 times, over about 1 hours" in text
    assert "accepts nothing for 1 day is disabled" in text


@pytest.mark.parametrize(
    ("language", "subject", "line", "contact"),
    [
        (
            "en",
            "Bayview Health: a watched certification changed",
            "suspended",
            "Certification program of Alameda County",
        ),
        (
            "es",
            "Bayview Health: cambió una certificación en seguimiento",
            "suspendida",
            "Programa de certificación del condado de Alameda",
        ),
    ],
)
def test_notices_to_employers_are_in_each_recipients_language(
    cast, employers, language, subject, line, contact
):
    """...and say what to do next: whom to ask, with the issuing program's contact."""
    county_contact_update(
        actor=cast.admin, county=cast.county, fields={"contact_email": "peers@alameda.example"}
    )
    employers.clerk.preferred_language = language
    employers.clerk.save(update_fields=["preferred_language"])
    change = {
        "number": employers.reyes.number,
        "name": "Ana Reyes",
        "kind": "suspended",
        "occurred_on": "2026-12-01",
        "status": "suspended",
        "expires_on": "2027-06-01",
        "days_before": "",
        "county": "Alameda",
    }
    context = {
        "employer_id": employers.bayview.pk,
        "employer_name": "Bayview Health",
        "changes": [change],
        "more": 0,
        "counties": ["Alameda"],
    }
    message = email_render(user=employers.clerk, kind="employer_notice", context=context)
    assert message.subject == subject
    assert f"{employers.reyes.number} Ana Reyes: {line}" in message.body
    assert contact in message.body and contact in message.alternatives[0][0]
    assert "peers@alameda.example" in message.body
    assert 'href="mailto:peers@alameda.example"' in message.alternatives[0][0]


def test_the_watchlist_shows_a_public_action_with_its_summary(client, employers, cast):
    """Issue 16 item 1 / issue 14 item 6: a published letter of warning reaches the
    watchlist, its CSV and the notice email, without the complaint."""
    from cases import services as case_services
    from employers.tasks import registry_events_receive
    from jobs.models import OutboxMessage

    case = case_services.case_open(
        actor=cast.admin,
        county=cast.county,
        source="phone_letter",
        category="respect",
        summary="Complainant Zoe Hart says the peer was rude.",
        received_on=timezone.localdate(),
        certification=employers.reyes,
    )
    for to in ("investigation", "findings"):
        case_services.case_advance(actor=cast.admin, case=case, to=to)
    case_services.case_decide(
        actor=cast.admin,
        case=case,
        outcome="warning",
        findings="Raised her voice at a participant.",
        expected_decisions=0,
        disclosure="summary",
        public_summary="Warned about respectful communication.",
    )
    for message in OutboxMessage.objects.filter(
        task_name="employers.tasks.registry_events_receive"
    ):
        registry_events_receive.run(**message.kwargs)
    client.force_login(employers.clerk)
    page = client.get(reverse("employers_portal:watchlist", args=[employers.bayview.pk]))
    html = page.content.decode()
    assert "Public action: Letter of warning" in html
    assert "Warned about respectful communication." in html
    assert "Zoe Hart" not in html and "Raised her voice" not in html
    response = client.get(reverse("employers_portal:watchlist_csv", args=[employers.bayview.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert "Warned about respectful communication." in rows[1][-1]
    [email] = [
        m.kwargs
        for m in OutboxMessage.objects.filter(task_name__startswith="notifications.tasks.email")
        if m.kwargs["kind"] == "employer_notice" and m.kwargs["user_id"] == employers.boss.pk
    ]
    body = email_render(user=employers.boss, kind="employer_notice", context=email["context"]).body
    assert "public action: letter of warning — Warned about respectful communication." in body
