"""The application wizard through the Django test client: every step saves through the
services, resumes at the first step still to do, and becomes read-only once submitted except
for the parts a reviewer sends back."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from certification import services
from certification.models import ApplicantProfile, Application
from tests.factories import EthicsVersionFactory, county
from tests.portal.conftest import (
    ETHICS_EN,
    ETHICS_ES,
    client_for,
    complete_application,
    pdf_file,
    start_application,
)

pytestmark = pytest.mark.django_db


def url(name: str, application: Application | None = None) -> str:
    return reverse(f"portal:{name}", args=[application.pk] if application else [])


def fresh(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


# Step 1: the county program and the pathway.


def test_new_application_offers_only_opted_in_counties_naming_their_delivery_systems(
    cast, opted_in, applicant_client
):
    response = applicant_client.get(url("application_new"))

    field = response.context["form"].fields["county"]
    assert [c.code for c in field.queryset] == ["alameda", "fresno"]
    html = response.content.decode()
    assert (
        "Alameda (Specialty Mental Health Services, Drug Medi-Cal Organized Delivery System)"
        in html
    )
    assert "Fresno (Specialty Mental Health Services)" in html
    assert "Kern" not in html
    assert "grandparenting" not in html
    # The county of residence is proposed.
    assert response.context["form"].initial["county"] == cast.county.pk


def test_starting_an_application_saves_a_draft_and_goes_to_the_details_step(
    cast, opted_in, applicant_client
):
    response = applicant_client.post(
        url("application_new"),
        {"county": cast.other_county.pk, "pathway": "out_of_state", "then": "next"},
    )

    application = Application.objects.get(applicant=cast.applicant)
    assert (application.county, application.pathway, application.status) == (
        cast.other_county,
        "out_of_state",
        "draft",
    )
    assert response["Location"] == url("application_details", application)


def test_a_county_that_has_not_opted_in_is_refused_at_the_field(cast, opted_in, applicant_client):
    response = applicant_client.post(
        url("application_new"), {"county": county("kern").pk, "pathway": "standard"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["county"]
    assert 'aria-describedby="id_county_helptext id_county_error"' in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.parametrize("where", ["county", "other_county"])
def test_a_second_open_application_anywhere_is_refused(cast, opted_in, applicant_client, where):
    first = start_application(cast.applicant)

    response = applicant_client.post(
        url("application_new"), {"county": getattr(cast, where).pk, "pathway": "standard"}
    )

    assert response.context["form"].errors["__all__"] == [
        "You already have an open application with Alameda. A certification is statewide, so "
        "you may have one open application at a time: continue that one, or withdraw it "
        "before applying elsewhere. A new application is possible once it is certified, "
        "denied, withdrawn or expired."
    ]
    assert list(Application.objects.values_list("pk", flat=True)) == [first.pk]


def test_the_pathway_of_a_draft_can_change_and_the_county_cannot(cast, opted_in, applicant_client):
    application = start_application(cast.applicant)

    response = applicant_client.post(
        url("application_program", application),
        {"pathway": "out_of_state", "version": application.version, "county": 99, "then": "next"},
    )

    assert response["Location"] == url("application_details", application)
    application.refresh_from_db()
    assert (application.pathway, application.county) == ("out_of_state", cast.county)


def test_a_stale_form_is_refused_and_changes_nothing(cast, opted_in, applicant_client):
    application = start_application(cast.applicant)
    services.application_update(
        actor=cast.applicant, application=application, fields={"attest_recovery": True}
    )

    response = applicant_client.post(
        url("application_program", application),
        {"pathway": "out_of_state", "version": application.version - 1},
    )

    assert "Someone else changed this application" in response.content.decode()
    assert fresh(application).pathway == "standard"


# Resuming.


def test_opening_an_application_resumes_at_the_first_step_still_to_do(
    cast, ethics, opted_in, applicant_client
):
    application = start_application(cast.applicant)
    resume = url("application", application)

    assert applicant_client.get(resume)["Location"] == url("application_ethics", application)
    services.application_sign_ethics(
        actor=cast.applicant, application=application, ethics_version=ethics
    )
    assert applicant_client.get(resume)["Location"] == url("application_attestations", application)
    services.application_update(
        actor=cast.applicant,
        application=application,
        fields={"attest_share_experience": True, "attest_recovery": True},
    )
    assert applicant_client.get(resume)["Location"] == url("application_documents", application)
    for kind in ("photo_id", "diploma"):
        services.document_upload(
            owner=cast.applicant, kind=kind, uploaded_file=pdf_file(), application=application
        )
    assert applicant_client.get(resume)["Location"] == url("application_review", application)


def test_a_person_without_details_resumes_at_the_details_step(cast, opted_in):
    ApplicantProfile.objects.filter(user=cast.applicant).update(date_of_birth=None)
    application = start_application(cast.applicant)

    response = client_for(cast.applicant).get(url("application", application))

    assert response["Location"] == url("application_details", application)


# Step 2: personal details.


def _profile_post(**overrides) -> dict:
    data = {
        "legal_first_name": "Ana",
        "legal_last_name": "Reyes-Luna",
        "preferred_name": "",
        "date_of_birth": "1990-05-01",
        "phone": "510-555-0199",
        "address_line1": "2 Oak St",
        "address_line2": "",
        "city": "Oakland",
        "state": "CA",
        "postal_code": "94601",
        "county_of_residence": str(county("alameda").pk),
        "preferred_language": "es",
        "lived_experience": "family",
        "education": "equivalent",
        "education_attested": "on",
        "then": "next",
    }
    data.update(overrides)
    return data


def test_the_details_step_saves_the_profile(cast, opted_in, applicant_client):
    application = start_application(cast.applicant)

    response = applicant_client.post(url("application_details", application), _profile_post())

    assert response["Location"] == url("application_ethics", application)
    profile = ApplicantProfile.objects.get(user=cast.applicant)
    assert (profile.legal_last_name, profile.date_of_birth, profile.lived_experience) == (
        "Reyes-Luna",
        datetime.date(1990, 5, 1),
        "family",
    )
    assert AuditEvent.objects.filter(verb="profile_save", subject=cast.applicant).count() == 1


def test_the_rules_reasons_are_shown_in_plain_words(cast, opted_in, applicant_client):
    application = start_application(cast.applicant)
    seventeen = timezone.localdate().replace(year=timezone.localdate().year - 17)

    applicant_client.post(
        url("application_details", application),
        _profile_post(date_of_birth=seventeen.isoformat(), education="none"),
    )
    response = applicant_client.get(url("application_details", application))

    problems = response.context["eligibility_problems"]
    assert problems[0].startswith("You must be at least 18 years old on ")
    assert problems[1] == (
        "A high school diploma or its equivalent (such as a GED) is required; work "
        "experience cannot replace it."
    )
    html = response.content.decode()
    assert "You cannot apply yet" in html and "You must be at least 18 years old" in html


def test_missing_details_are_reported_at_their_fields(cast, opted_in, applicant_client):
    application = start_application(cast.applicant)
    before = ApplicantProfile.objects.get(user=cast.applicant).legal_last_name

    response = applicant_client.post(
        url("application_details", application),
        _profile_post(legal_last_name="", lived_experience=""),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_legal_last_name_error"' in html
    assert 'aria-describedby="id_legal_last_name_helptext id_legal_last_name_error"' in html
    # Radio groups carry the link on their fieldset.
    assert 'aria-describedby="id_lived_experience_error"' in html
    assert '<a href="#id_lived_experience_0">' in html
    # What was typed stays.
    assert 'value="510-555-0199"' in html
    assert ApplicantProfile.objects.get(user=cast.applicant).legal_last_name == before


# Step 3: the Code of Ethics.


def test_the_code_of_ethics_is_shown_in_full_in_the_persons_language(
    cast, ethics, opted_in, applicant_client
):
    application = start_application(cast.applicant)
    page = url("application_ethics", application)

    english = applicant_client.get(page).content.decode()
    applicant_client.cookies["peercert_language"] = "es"
    spanish = applicant_client.get(page).content.decode()

    assert "We respect every person&#x27;s own path to recovery." in english
    assert "version 2025.1" in english
    assert ETHICS_ES.split("\n")[-1] in spanish
    assert ETHICS_EN.split("\n")[-1].replace("'", "&#x27;") not in spanish


def test_signing_records_the_version_in_effect(cast, ethics, opted_in, applicant_client):
    application = start_application(cast.applicant)

    response = applicant_client.post(
        url("application_ethics", application),
        {"agree": "on", "ethics_version": ethics.pk, "version": application.version},
    )

    assert response["Location"] == url("application_attestations", application)
    application.refresh_from_db()
    assert application.ethics_version == ethics and application.ethics_signed_at is not None


def test_signing_needs_the_box_checked_and_the_current_version(
    cast, ethics, opted_in, applicant_client
):
    old = EthicsVersionFactory(version="2020.1", effective_on=datetime.date(2020, 1, 1))
    application = start_application(cast.applicant)
    page = url("application_ethics", application)

    unchecked = applicant_client.post(page, {"ethics_version": ethics.pk, "version": 1})
    outdated = applicant_client.post(page, {"agree": "on", "ethics_version": old.pk, "version": 1})

    assert unchecked.context["form"].errors["agree"] == [
        "Check the box to sign the Code of Ethics."
    ]
    assert outdated.context["form"].errors["agree"] == [
        "Sign the Code of Ethics in effect today (version 2025.1)."
    ]
    assert fresh(application).ethics_signed_at is None


def test_going_back_to_a_signed_code_shows_it_signed_and_moves_on(
    cast, ethics, opted_in, applicant_client
):
    application = start_application(cast.applicant)
    services.application_sign_ethics(
        actor=cast.applicant, application=application, ethics_version=ethics
    )
    application = fresh(application)
    page = url("application_ethics", application)
    events = AuditEvent.objects.filter(verb="application_sign_ethics").count()

    html = applicant_client.get(page).content.decode()
    assert "You signed version 2025.1 on" in html
    assert 'name="agree"' not in html
    assert "Save and continue" in html

    response = applicant_client.post(page, {"then": "next"})

    assert response["Location"] == url("application_attestations", application)
    after = fresh(application)
    assert (after.version, after.ethics_signed_at) == (
        application.version,
        application.ethics_signed_at,
    )
    assert AuditEvent.objects.filter(verb="application_sign_ethics").count() == events
    later = applicant_client.post(page, {"then": "later"})
    assert later["Location"] == reverse("portal:home")


def test_a_code_signed_in_an_earlier_version_must_be_signed_again(
    cast, ethics, opted_in, applicant_client
):
    old = EthicsVersionFactory(version="2020.1", effective_on=datetime.date(2020, 1, 1))
    application = start_application(cast.applicant)
    Application.objects.filter(pk=application.pk).update(
        ethics_version=old, ethics_signed_at=timezone.now()
    )

    html = applicant_client.get(url("application_ethics", application)).content.decode()

    assert "You signed an earlier version (2020.1)" in html
    assert 'name="agree"' in html
    refused = applicant_client.post(
        url("application_ethics", application), {"ethics_version": ethics.pk, "version": 1}
    )
    assert refused.context["form"].errors["agree"] == ["Check the box to sign the Code of Ethics."]
    assert fresh(application).ethics_version == old


@pytest.mark.parametrize("step", ["application_ethics", "application_attestations"])
def test_required_checkboxes_are_marked_required(cast, ethics, opted_in, applicant_client, step):
    application = start_application(cast.applicant)

    html = applicant_client.get(url(step, application)).content.decode()

    assert "An asterisk (*) marks a required field." in html
    boxes = html.count('type="checkbox"')
    assert boxes >= 1
    marker = '<abbr title="required" class="usa-hint usa-hint--required">*</abbr>'
    assert html.count(marker) == boxes
    assert html.count(" required ") + html.count(" required>") >= boxes


# Step 4: attestations.


def test_attestations_are_saved_and_each_missing_one_is_reported(cast, opted_in, applicant_client):
    application = start_application(cast.applicant)
    page = url("application_attestations", application)

    refused = applicant_client.post(page, {"attest_recovery": "on", "version": 1})
    assert list(refused.context["form"].errors) == ["attest_share_experience"]
    assert fresh(application).attest_recovery is False

    saved = applicant_client.post(
        page,
        {"attest_recovery": "on", "attest_share_experience": "on", "version": 1, "then": "later"},
    )
    assert saved["Location"] == url("home")
    application.refresh_from_db()
    assert application.attest_recovery and application.attest_share_experience


def test_the_out_of_state_pathway_asks_for_the_other_certification(
    cast, opted_in, applicant_client
):
    application = start_application(cast.applicant, pathway="out_of_state")

    applicant_client.post(
        url("application_attestations", application),
        {
            "attest_recovery": "on",
            "attest_share_experience": "on",
            "other_state": "nv",
            "other_state_certification_number": "NV-1234",
            "other_state_expires_on": "2030-06-30",
            "peer_work_hours": "1600",
            "attest_no_pending_discipline": "on",
            "version": 1,
        },
    )

    application.refresh_from_db()
    assert (
        application.other_state,
        application.other_state_certification_number,
        application.other_state_expires_on,
        application.peer_work_hours,
        application.attest_no_pending_discipline,
    ) == ("NV", "NV-1234", datetime.date(2030, 6, 30), 1600, True)


# Step 6: review and submit.


def test_the_review_lists_what_is_missing_and_offers_no_submit(cast, opted_in, applicant_client):
    application = start_application(cast.applicant)

    response = applicant_client.get(url("application_review", application))

    html = response.content.decode()
    assert response.context["problems"] == [
        "Read and sign the Code of Ethics.",
        "Confirm that you are willing to share your lived experience.",
        "Confirm that you are dedicated to recovery.",
        "Upload a government photo ID.",
        "Upload proof of your high school diploma or its equivalent.",
    ]
    assert "Still missing" in html
    assert "The name on your photo ID must match your legal name exactly: Ana Reyes." in html
    assert "Submit my application" not in html


def test_submitting_refused_by_the_service_shows_its_reasons(cast, opted_in, applicant_client):
    application = start_application(cast.applicant)

    response = applicant_client.post(url("application_review", application))

    assert response.status_code == 200
    assert response.context["submit_error"].startswith("Read and sign the Code of Ethics.")
    assert fresh(application).status == "draft"


def test_a_complete_application_is_submitted_and_becomes_read_only(
    cast, ethics, opted_in, applicant_client
):
    application = complete_application(cast.applicant, ethics)
    review = applicant_client.get(url("application_review", application)).content.decode()
    assert "Submit my application" in review
    assert "Ana Reyes" in review and "photo_id.pdf" in review and "Version 2025.1" in review

    response = applicant_client.post(url("application_review", application))

    assert response["Location"] == url("application_status", application)
    application.refresh_from_db()
    assert application.status == "submitted"
    # Read-only now: every step shows its data and saves nothing.
    assert applicant_client.get(url("application", application))["Location"] == url(
        "application_status", application
    )
    version = application.version
    page = applicant_client.post(url("application_attestations", application), {"version": version})
    assert "Your application has been sent, so it can no longer be changed." in (
        page.content.decode()
    )
    assert fresh(application).attest_recovery is True and fresh(application).version == version
    documents = applicant_client.get(url("application_documents", application)).content.decode()
    assert "Remove photo_id.pdf" not in documents and 'type="file"' not in documents


# Changes requested: exactly the requested parts are editable, with the message shown.


@pytest.fixture
def sent_back(cast, ethics, opted_in):
    application = complete_application(cast.applicant, ethics)
    services.application_submit(actor=cast.applicant, application=application)
    services.application_start_review(actor=cast.reviewer, application=application)
    return services.application_request_changes(
        actor=cast.reviewer,
        application=application,
        parts=["photo_id", "attestations"],
        message="The photo ID is blurry. Please upload a clearer scan.",
    )


def test_the_reviewers_message_and_the_parts_are_shown(cast, sent_back, applicant_client):
    assert applicant_client.get(url("application", sent_back))["Location"] == url(
        "application_review", sent_back
    )
    html = applicant_client.get(url("application_review", sent_back)).content.decode()

    assert "Alameda asked for changes" in html
    assert "The photo ID is blurry. Please upload a clearer scan." in html
    assert "<li>Attestations</li>" in html and "<li>Photo ID</li>" in html
    assert "Send my changes" in html


def test_only_the_requested_parts_can_change(cast, sent_back, applicant_client):
    version = sent_back.version
    ethics_page = applicant_client.get(url("application_ethics", sent_back)).content.decode()
    assert "The reviewer did not ask for changes to this part" in ethics_page
    assert 'name="agree"' not in ethics_page

    documents = applicant_client.get(url("application_documents", sent_back))
    sections = {s["kind"]: s["editable"] for s in documents.context["sections"]}
    assert sections == {"photo_id": True, "diploma": False}

    refused = applicant_client.post(
        url("application_documents", sent_back), {"kind": "diploma", "diploma-file": pdf_file()}
    )
    assert refused.status_code == 302
    assert sent_back.documents.filter(kind="diploma", removed_at__isnull=True).count() == 1
    assert fresh(sent_back).version == version


def test_the_applicant_fixes_the_parts_and_resubmits(cast, sent_back, applicant_client):
    old_id = sent_back.documents.get(kind="photo_id", removed_at__isnull=True)

    applicant_client.post(
        url("application_documents", sent_back),
        {"kind": "photo_id", "photo_id-file": pdf_file("clear-id.pdf")},
    )
    applicant_client.post(
        url("application_attestations", sent_back),
        {
            "attest_recovery": "on",
            "attest_share_experience": "on",
            "version": fresh(sent_back).version,
        },
    )
    response = applicant_client.post(url("application_review", sent_back))

    assert response["Location"] == url("application_status", sent_back)
    sent_back.refresh_from_db()
    assert sent_back.status == "in_review" and sent_back.changes_requested_parts == []
    current = sent_back.documents.get(kind="photo_id", removed_at__isnull=True)
    assert current.original_name == "clear-id.pdf" and current.pk != old_id.pk


def test_a_reviewer_asking_for_the_code_again_gets_a_new_signature(
    cast, ethics, opted_in, applicant_client
):
    application = complete_application(cast.applicant, ethics)
    services.application_submit(actor=cast.applicant, application=application)
    services.application_start_review(actor=cast.reviewer, application=application)
    application = services.application_request_changes(
        actor=cast.reviewer, application=application, parts=["ethics"], message="Sign again."
    )
    page = url("application_ethics", application)

    assert 'name="agree"' in applicant_client.get(page).content.decode()
    response = applicant_client.post(
        page, {"agree": "on", "ethics_version": ethics.pk, "version": application.version}
    )

    assert response["Location"] == url("application_attestations", application)
    assert fresh(application).ethics_signed_at > application.ethics_signed_at
