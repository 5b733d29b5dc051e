"""The contact details page of the workspace: an administrator sees what applicants see and
changes it; a refused value is shown at its field and nothing changes; state staff only look."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from counties.models import County

pytestmark = pytest.mark.django_db

URL = reverse("workspace:contact", args=["alameda"])
POSTED = {
    "contact_email": "peers@alameda.example",
    "contact_phone": "(510) 555-0142",
    "contact_address": "2000 Embarcadero\r\nOakland, CA 94606",
    "contact_hours": "Monday to Friday, 9 am to 4 pm",
    "contact_hours_es": "De lunes a viernes, de 9 a 16 h",
    "contact_url": "https://alameda.example/peers",
}


def test_an_administrator_changes_the_details_and_sees_them_as_applicants_do(cast, client):
    client.force_login(cast.admin)
    empty = client.get(URL).content.decode()
    assert "No contact details yet" in empty
    assert 'for="id_contact_email"' in empty

    response = client.post(URL, POSTED)

    assert response.status_code == 302 and response["Location"] == URL
    county = County.objects.get(code="alameda")
    assert county.contact_email == "peers@alameda.example"
    assert county.contact_address == "2000 Embarcadero\nOakland, CA 94606"
    page = client.get(URL).content.decode()
    assert 'href="mailto:peers@alameda.example"' in page
    assert 'value="(510) 555-0142"' in page
    assert AuditEvent.objects.filter(verb="county_contact_update", actor=cast.admin).count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("contact_email", "nobody", "Enter a valid email address."),
        ("contact_url", "http://alameda.example", "Give a web address that starts with https://."),
        ("contact_phone", "5" * 41, "Ensure this value has at most 40 characters"),
    ],
)
def test_a_refused_value_is_shown_at_its_field(cast, client, field, value, message):
    client.force_login(cast.admin)

    response = client.post(URL, {**POSTED, field: value})

    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert message in html
    assert County.objects.get(code="alameda").contact_email == ""
    assert not AuditEvent.objects.filter(verb="county_contact_update").exists()


def test_a_web_address_without_a_scheme_gets_https(cast, client):
    client.force_login(cast.admin)

    client.post(URL, {**POSTED, "contact_url": "alameda.example/peers"})

    assert County.objects.get(code="alameda").contact_url == "https://alameda.example/peers"


def test_state_staff_see_the_details_without_a_form(cast, client):
    County.objects.filter(code="alameda").update(contact_email="peers@alameda.example")
    client.force_login(cast.state)

    html = client.get(URL).content.decode()

    assert "peers@alameda.example" in html
    assert 'name="contact_email"' not in html


def test_the_workspace_menu_links_to_it_for_administrators_only(cast, client):
    dashboard = reverse("workspace:dashboard", args=["alameda"])
    client.force_login(cast.admin)
    assert f'href="{URL}"' in client.get(dashboard).content.decode()
    client.force_login(cast.reviewer)
    assert f'href="{URL}"' not in client.get(dashboard).content.decode()
