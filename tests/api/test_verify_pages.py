"""The public verification pages: /verify/ (search by number) and /verify/<number> (the QR
code's target): live status, clearly marked when not current, nothing else about the person."""

import datetime

import pytest
from django.utils import timezone

from certification.models import Certification
from core import policy
from tests.factories import CertificationFactory, SpecializationFactory
from training.selectors import specialization_areas

pytestmark = pytest.mark.django_db


@pytest.fixture
def peer(cast):
    cert = CertificationFactory(
        number="PSS-0001000",
        holder=cast.other_applicant,
        issuing_county=cast.other_county,
        first_name="Ben",
        last_name="Okafor",
        issued_on=datetime.date(2024, 2, 1),
        expires_on=datetime.date(2099, 2, 1),
        status_reason="Private discipline notes.",
    )
    SpecializationFactory(certification=cert, code="crisis")
    SpecializationFactory(certification=cert, code="justice_involved")
    return cert


def text(response) -> str:
    return response.content.decode()


def test_the_search_page_has_a_labelled_field(client):
    response = client.get("/verify/")

    assert response.status_code == 200
    html = text(response)
    assert '<label class="usa-label" for="id_number">Certification number</label>' in html
    assert 'aria-describedby="id_number_helptext"' in html


@pytest.mark.parametrize(
    "typed", ["PSS-0001000", " pss-0001000 ", "PSS0001000", "pss 000 1000", "PSS\u20130001000"]
)
def test_a_number_redirects_to_its_page(client, typed):
    response = client.get("/verify/", {"number": typed})

    assert response.status_code == 302
    assert response["Location"] == "/verify/PSS-0001000"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter a certification number."),
        ("PSS/0001000", "A certification number has only letters, digits and hyphens"),
        ("PSS 00\u260310", "A certification number has only letters, digits and hyphens"),
        ("<script>", "A certification number has only letters, digits and hyphens"),
    ],
)
def test_a_bad_number_is_an_error_linked_to_the_field(client, typed, message):
    response = client.get("/verify/", {"number": typed})

    assert response.status_code == 400
    html = text(response)
    assert message in html
    assert 'aria-describedby="id_number_helptext id_number_error"' in html
    assert 'aria-invalid="true"' in html
    assert "<script>" not in html.split("<main", 1)[1]


@pytest.mark.parametrize(
    "path",
    [
        "/verify/PSS-0001000",
        "/verify/PSS-0001000/",
        "/verify/pss-0001000",
        "/verify/PSS0001000",
        "/verify/pss%200001000",
    ],
)
def test_the_page_shows_the_registry_entry_and_nothing_else(client, peer, path):
    response = client.get(path)

    assert response.status_code == 200
    html = text(response)
    assert "Active: this certification is current" in html
    assert 'data-status="active"' in html
    for shown in ("PSS-0001000", "Ben Okafor", "Fresno", "Crisis Services", "Justice-Involved"):
        assert shown in html
    for hidden in ("other@cast.test", "1985", "510-555-0100", "1 Main St", "Private discipline"):
        assert hidden not in html
    assert '<meta name="robots" content="noindex">' in html


@pytest.mark.parametrize(
    ("status", "alert", "heading"),
    [
        ("expired", "usa-alert--warning", "Expired: this certification is not current"),
        ("suspended", "usa-alert--error", "Suspended: this certification is not current"),
        ("revoked", "usa-alert--error", "Revoked: this certification is not valid"),
        ("vacated", "usa-alert--error", "Vacated: this certification is no longer valid"),
    ],
)
def test_a_certification_that_is_not_current_is_clearly_marked(
    client, peer, status, alert, heading
):
    suspended_on = datetime.date(2025, 1, 2) if status == "suspended" else None
    Certification.objects.filter(pk=peer.pk).update(status=status, suspended_on=suspended_on)

    html = text(client.get("/verify/PSS-0001000"))

    assert f'<div class="usa-alert {alert}" role="status" data-status="{status}">' in html
    assert heading in html
    assert "Active: this certification is current" not in html


def test_a_suspension_stays_public_after_the_certification_expires(client, peer):
    Certification.objects.filter(pk=peer.pk).update(
        status="expired", suspended_on=datetime.date(2025, 1, 2)
    )

    html = text(client.get("/verify/PSS-0001000"))

    assert "Expired: this certification is not current" in html
    assert (
        "It was suspended by the issuing program on Jan. 2, 2025, and the suspension is still "
        "in force."
    ) in html
    assert '<th scope="row">Suspended since</th><td>Jan. 2, 2025</td>' in html
    assert "Private discipline notes." not in html

    client.cookies["peercert_language"] = "es"
    html = text(client.get("/verify/PSS-0001000"))
    assert "Suspendida desde" in html
    assert "la suspensión sigue vigente" in html

    Certification.objects.filter(pk=peer.pk).update(suspended_on=None)
    html = text(client.get("/verify/PSS-0001000"))
    assert "Suspendida desde" not in html and "la suspensión sigue vigente" not in html


def test_an_active_certification_near_expiry_is_tagged(client, peer):
    expires = timezone.localdate() + datetime.timedelta(days=policy.EXPIRING_SOON_DAYS)
    Certification.objects.filter(pk=peer.pk).update(expires_on=expires)

    html = text(client.get("/verify/PSS-0001000"))

    assert "Expiring soon" in html
    assert "unless it is renewed" in html


@pytest.mark.parametrize(
    ("number", "kept"),
    [("PSS-9999999", "PSS-9999999"), ("nothing", "nothing"), ("PSS%00", "PSS")],
)
def test_an_unknown_number_gets_a_friendly_404_that_reveals_nothing(client, peer, number, kept):
    response = client.get(f"/verify/{number}")

    assert response.status_code == 404
    html = text(response)
    assert f"No certification in the registry has the number <strong>{kept}</strong>." in html
    assert "Okafor" not in html
    assert f'name="number" value="{kept}"' in html
    assert "\x00" not in html


def test_the_not_found_page_says_what_to_check_and_keeps_what_was_typed_escaped(client, peer):
    response = client.get("/verify/", {"number": "PSS-0001001"}, follow=True)

    assert response.status_code == 404
    html = text(response)
    assert 'value="PSS-0001001"' in html
    assert "What to check" in html
    assert "the letters PSS and seven digits" in html
    assert "scan the QR code" in html

    html = text(client.get("/verify/%3Cb%3Ebold"))
    assert "&lt;B&gt;BOLD" not in html  # shown as typed, not in capitals
    assert "<b>bold" not in html
    assert "&lt;b&gt;bold" in html


def test_the_not_found_page_is_in_spanish(client, peer):
    client.cookies["peercert_language"] = "es"

    html = text(client.get("/verify/PSS-0001001"))

    assert "Qué revisar" in html
    assert "las letras PSS y siete dígitos" in html


def test_a_lookup_costs_three_queries(client, peer, django_assert_num_queries):
    """The certification, its specializations and its public notices."""
    specialization_areas()  # the areas' names are read once, then come from the cache
    with django_assert_num_queries(3):
        assert client.get("/verify/PSS-0001000").status_code == 200


def test_lookups_share_the_verification_rate_limit(client, peer, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "verify_anon": "2/min",
        },
    }

    page = client.get("/verify/PSS-0001000")
    api = client.get("/api/v1/verify/PSS-0001000/")
    refused = client.get("/verify/PSS-0001000")

    assert (page.status_code, api.status_code) == (200, 200)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "Too many lookups" in text(refused)
    assert "Okafor" not in text(refused)


def test_a_public_action_shows_at_once_in_english_and_spanish(client, peer, cast):
    from cases import services as case_services

    case = case_services.case_open(
        actor=cast.other_admin,
        county=cast.other_county,
        source="phone_letter",
        category="integrity",
        summary="Complainant Mia Lopez says the peer billed for absent visits.",
        received_on=datetime.date.today() - datetime.timedelta(days=3),
        certification=peer,
    )
    for to in ("investigation", "findings"):
        case_services.case_advance(actor=cast.other_admin, case=case, to=to)
    case_services.case_decide(
        actor=cast.other_admin,
        case=case,
        outcome="revocation",
        findings="Billed for four visits that did not happen.",
        expected_decisions=0,
        disclosure="summary",
        public_summary="Revoked for billing fraud.",
    )

    html = text(client.get("/verify/PSS-0001000"))

    assert 'data-status="revoked"' in html
    assert "Revocation" in html and "Revoked for billing fraud." in html
    for private in ("Lopez", "four visits", "absent visits"):
        assert private not in html
    client.cookies["peercert_language"] = "es"
    html = text(client.get("/verify/PSS-0001000"))
    assert "Acciones públicas" in html and "Revocación" in html
    assert "Revoked for billing fraud." in html  # the program's own words


def test_no_public_action_is_said_plainly(client, peer):
    html = text(client.get("/verify/PSS-0001000"))
    assert "The issuing program has published no disciplinary action" in html
