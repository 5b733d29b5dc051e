"""The permission matrix over every portal URL (generated from the URLconf: a new URL without
a row here fails `test_every_portal_url_is_in_the_matrix`).

The portal is each person's own space: anonymous visitors are sent to sign in; the applicant
sees their own objects; anyone else (another applicant, county staff, state staff) gets 404
for the applicant's objects (staff read them in the county workspace) and their own, empty,
pages otherwise. A refused write changes nothing.
"""

import datetime
import io
import json
import zipfile
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases.models import Appeal, CaseResponseRequest
from cases.services import complaint_file, response_request, response_submit
from certification.models import Application
from documents.models import Document
from fees.models import FeeDue, FeePayment
from portal import urls as portal_urls
from providers.models import Completion
from tests.factories import MINIMAL_PDF, CertificationFactory
from tests.portal.conftest import client_for, complete_application, rendered_certificate
from tests.providers.completions_data import reported_completion_of

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Case:
    # "own": the URL names one of the applicant's objects; "person": a page of whoever asks;
    # "certified": a page of whoever asks that needs their own certification; "public": open;
    # "self": an action on whoever asks (their own data, never the applicant's);
    # "decision": a page about a decision named in the query (none here: 404; with one, only
    # its person: tests/portal/test_appeals.py).
    scope: str
    obj: str = (
        ""  # "application", "document", "appeal" or "payment": which of the applicant's objects
    )
    get_status: int = 200  # what the applicant gets on GET
    methods: tuple[str, ...] = ("GET",)


MATRIX = {
    "home": Case("person"),
    "profile": Case("person", methods=("GET", "POST")),
    "language": Case("public", get_status=405, methods=("POST",)),
    "application_new": Case("person", methods=("GET", "POST")),
    "application": Case("own", "application", get_status=302),
    "application_program": Case("own", "application", methods=("GET", "POST")),
    "application_details": Case("own", "application", methods=("GET", "POST")),
    "application_ethics": Case("own", "application", methods=("GET", "POST")),
    "application_attestations": Case("own", "application", methods=("GET", "POST")),
    "application_documents": Case("own", "application", methods=("GET", "POST")),
    "application_review": Case("own", "application", methods=("GET", "POST")),
    "application_status": Case("own", "application"),
    "application_transfer": Case("own", "application", methods=("GET", "POST")),
    "document": Case("own", "document"),
    "document_remove": Case("own", "document", get_status=405, methods=("POST",)),
    "training": Case("person", methods=("GET", "POST")),
    "reported_dispute": Case("own", "completion", methods=("GET", "POST")),
    "certification": Case("person"),
    "certificate": Case("certified"),
    "credential": Case("certified", methods=("GET", "POST")),
    "ce_log": Case("certified", methods=("GET", "POST")),
    "renewal": Case("certified", methods=("GET", "POST")),
    "specializations": Case("certified", methods=("GET", "POST")),
    "appeals": Case("person"),
    "appeal_new": Case("decision", get_status=404, methods=("GET", "POST")),
    "appeal": Case("own", "appeal"),
    "fees": Case("person"),
    "fee_receipt": Case("own", obj="payment"),
    "privacy": Case("person"),
    "privacy_download": Case("self", get_status=405, methods=("POST",)),
    "privacy_export_file": Case("self", get_status=404),
    "privacy_close": Case("person", methods=("GET", "POST")),
    "responses": Case("person"),
    "response": Case("own", "response_request", methods=("GET", "POST")),
    "response_document": Case("own", "response_document"),
}
OTHERS = ("other_applicant", "reviewer", "admin", "other_admin", "state")


def test_every_portal_url_is_in_the_matrix():
    assert {pattern.name for pattern in portal_urls.urlpatterns} == set(MATRIX)


@pytest.fixture
def world(cast, ethics, opted_in):
    application = complete_application(cast.applicant, ethics)
    document = application.documents.get(kind="photo_id")
    certification = CertificationFactory(holder=cast.applicant, issuing_county=cast.county)
    rendered_certificate(certification)
    fee = FeeDue.objects.create(
        county=application.county,
        person=cast.applicant,
        kind="application",
        amount_cents=10000,
        application=application,
    )
    payment = FeePayment.objects.create(
        fee=fee,
        county=fee.county,
        person=cast.applicant,
        amount_cents=4000,
        method="cash",
        paid_on=fee.created_at.date(),
        recorded_by=cast.reviewer,
    )
    request = _response_request(cast, certification)
    profile = cast.applicant.applicant_profile
    completion = reported_completion_of(
        cast.applicant,
        email=cast.applicant.email,
        first=profile.legal_first_name,
        last=profile.legal_last_name,
        born=profile.date_of_birth,
    )
    assert completion.status == "attached"
    return {
        "completion": completion,
        "payment": payment,
        "application": application,
        "document": document,
        "response_request": request,
        "response_document": (request.pk, _answer(cast, request).pk),
        "appeal": Appeal.objects.create(
            appellant=cast.applicant,
            county=application.county,
            kind="denial",
            application=application,
            decision_ref="test:1",
            decision_on=application.created_at.date(),
            statement="Please look again.",
        ),
    }


def _response_request(cast, certification) -> CaseResponseRequest:
    """A request to the applicant (as a certified peer) for their response to a complaint."""
    complaint = complaint_file(
        actor=None,
        form_key="p" * 30,
        subject_kind="peer",
        subject_number=certification.number,
        category="respect",
        summary="A complaint.",
        incident_on=timezone.localdate(),
        complainant_name="Carla Complainant",
    )
    return response_request(
        actor=cast.admin,
        case=complaint.case,
        message="Tell us about the group.",
        due_on=timezone.localdate() + datetime.timedelta(days=14),
    )


def _answer(cast, request: CaseResponseRequest):
    """The applicant's answer to `request`, with a file: the file they sent."""
    pdf = SimpleUploadedFile("side.pdf", MINIMAL_PDF, content_type="application/pdf")
    response_submit(actor=cast.applicant, request=request, text="My side.", attachments=[pdf])
    return request.documents.get()


def _url(name: str, world) -> str:
    case = MATRIX[name]
    obj = world[case.obj] if case.obj else None
    args = list(obj) if isinstance(obj, tuple) else [obj.pk] if obj is not None else []
    return reverse(f"portal:{name}", args=args)


def _snapshot(world) -> tuple:
    application = Application.objects.get(pk=world["application"].pk)
    return (
        application.version,
        application.status,
        list(Document.objects.order_by("pk").values_list("pk", "removed_at")),
        AuditEvent.objects.count(),
        list(CaseResponseRequest.objects.order_by("pk").values_list("pk", "responded_at")),
        list(Completion.objects.order_by("pk").values_list("pk", "disputed_at")),
    )


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_anonymous_is_sent_to_sign_in_and_changes_nothing(name, cast, world):
    url = _url(name, world)
    before = _snapshot(world)
    client = client_for(cast.anonymous)
    for method in MATRIX[name].methods:
        response = getattr(client, method.lower())(url, {"next": "/"} if name == "language" else {})
        if name == "language":
            assert response.status_code == 302 and response["Location"] == "/"
            continue
        assert response.status_code == 302, method
        assert response["Location"].startswith("/accounts/login/?next=" + quote(url, safe="/"))
    assert _snapshot(world) == before


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_the_applicant_opens_their_own_pages(name, cast, world):
    response = client_for(cast.applicant).get(_url(name, world))
    assert response.status_code == MATRIX[name].get_status


@pytest.mark.parametrize("name", sorted(n for n, c in MATRIX.items() if c.scope == "own"))
def test_anyone_else_gets_404_for_the_applicants_objects_and_changes_nothing(name, cast, world):
    url = _url(name, world)
    before = _snapshot(world)
    for member in OTHERS:
        client = client_for(getattr(cast, member))
        for method in MATRIX[name].methods:
            response = getattr(client, method.lower())(url, {"kind": "photo_id", "agree": "on"})
            assert response.status_code == 404, (member, method)
    assert _snapshot(world) == before


@pytest.mark.parametrize("name", sorted(n for n, c in MATRIX.items() if c.scope == "person"))
def test_anyone_signed_in_sees_their_own_version_of_person_pages(name, cast, world):
    for member in OTHERS:
        response = client_for(getattr(cast, member)).get(_url(name, world))
        assert response.status_code == 200, member
        assert cast.applicant.applicant_profile.legal_last_name not in response.content.decode()


@pytest.mark.parametrize("name", sorted(n for n, c in MATRIX.items() if c.scope == "certified"))
def test_pages_of_a_certification_are_404_for_someone_without_one(name, cast, world):
    before = _snapshot(world)
    for member in OTHERS:
        client = client_for(getattr(cast, member))
        for method in MATRIX[name].methods:
            assert getattr(client, method.lower())(_url(name, world)).status_code == 404, member
    assert _snapshot(world) == before


@pytest.mark.parametrize("name", sorted(n for n, c in MATRIX.items() if c.scope == "self"))
def test_actions_on_oneself_act_on_whoever_asks_never_the_applicant(
    name, cast, world, django_capture_on_commit_callbacks
):
    """The data export: asked for (privacy_download) and fetched (privacy_export_file) by
    whoever asks, holding only their own data."""
    from jobs.models import OutboxMessage
    from privacy.services import personal_data_export_build

    for member in OTHERS:
        user = getattr(cast, member)
        client = client_for(user)
        assert client.post(reverse("portal:privacy_download")).status_code == 302
        task = OutboxMessage.objects.filter(
            task_name="privacy.tasks.personal_data_export_build", kwargs__user_id=user.pk
        ).get()
        assert task.kwargs["user_id"] == user.pk
        with django_capture_on_commit_callbacks(execute=True):
            personal_data_export_build(**task.kwargs)
        response = client.get(reverse("portal:privacy_export_file"))
        assert response.status_code == 200, member
        archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
        data = json.loads(archive.read("personal-data.json"))
        assert data["account"]["email"] == user.email
        assert data["applications"] == [] and data["documents"] == []
        assert cast.applicant.applicant_profile.legal_last_name.encode() not in b"".join(
            archive.read(entry) for entry in archive.namelist()
        )
