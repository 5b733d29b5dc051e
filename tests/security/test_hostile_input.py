"""Hostile text in every form of the applicant portal: never a server
error; a refusal is shown on the form; what is saved is exactly what was typed (less the
surrounding spaces forms strip) or it is refused, never cut short by the database; text with
NUL (which PostgreSQL cannot store) is refused by the form."""

import datetime
import importlib
import posixpath

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import ProhibitNullCharactersValidator
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from hypothesis import example, given
from hypothesis import strategies as st

from accounts.models import User
from audit.models import AuditEvent
from certification.models import ApplicantProfile, Application
from continuing_ed.models import CeCredit
from documents.models import Document
from tests.cast import CAST_PASSWORD
from tests.factories import (
    MINIMAL_PDF,
    CertificationFactory,
    EthicsVersionFactory,
    ProviderFactory,
)
from tests.portal.conftest import client_for, start_application
from tests.security.hostile import (
    HOSTILE,
    STORABLE,
    UNSTORABLE,
    assert_answered,
    assert_refused_clearly,
    has_nul,
    hostile_text,
    some_hostile,
    stored_text,
    valid_or_hostile,
)
from training.models import TrainingRecord

pytestmark = pytest.mark.django_db

PROFILE_TEXT = {
    "legal_first_name": ("Ana", 100),
    "legal_last_name": ("Reyes", 100),
    "preferred_name": ("", 100),
    "phone": ("510-555-0100", 30),
    "address_line1": ("1 Main St", 200),
    "address_line2": ("", 200),
    "city": ("Oakland", 100),
    "state": ("CA", 2),
    "postal_code": ("94601", 10),
}


@pytest.fixture
def ethics(db):
    return EthicsVersionFactory(version="2025.1", effective_on=datetime.date(2025, 1, 1))


@pytest.fixture
def portal(cast, ethics, opted_in):
    """The applicant with a standard draft (Alameda) and then an active certification (for
    the CE log), signed in; the other applicant with an out-of-state draft (Fresno), signed in
    (a person has one open application at a time)."""
    standard = start_application(cast.applicant)
    out_of_state = start_application(cast.other_applicant, "fresno", pathway="out_of_state")
    certification = CertificationFactory(holder=cast.applicant)
    ProviderFactory(name="Peer Academy")
    return {
        "client": client_for(cast.applicant),
        "out_of_state_client": client_for(cast.other_applicant),
        "standard": standard,
        "out_of_state": out_of_state,
        "certification": certification,
    }


def pdf_upload(name: str = "proof.pdf") -> SimpleUploadedFile:
    """A small PDF named `name`. A name whose last path part is empty, "." or ".." cannot
    even be sent (Django's file objects refuse it before any request), so it becomes "x"."""
    if posixpath.basename(name) in {"", ".", ".."}:
        name = "x"
    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")


def _refused_if_unstorable(response, values: dict, limits: dict[str, int]) -> bool:
    """Check the answer; True when the form was saved. NUL, or text longer than its column,
    must have been refused."""
    assert_answered(response)
    unstorable = any(
        has_nul(values[name]) or len(stored_text(values[name])) > limit
        for name, limit in limits.items()
        if isinstance(values.get(name), str)
    )
    if response.status_code == 302:
        assert not unstorable, values
        return True
    assert_refused_clearly(response)
    return False


PROFILE_VALID = {
    **{name: valid for name, (valid, _limit) in PROFILE_TEXT.items()},
    "date_of_birth": "1985-04-12",
    "preferred_language": "en",
    "lived_experience": "consumer",
    "education": "high_school_diploma",
    "education_attested": "on",
    "county_of_residence": "",
}


def _profile_url(portal, page: str) -> str:
    if page == "profile":
        return reverse("portal:profile")
    return reverse("portal:application_details", args=[portal["standard"].pk])


@HOSTILE
@given(values=some_hostile(PROFILE_VALID), page=st.sampled_from(["profile", "details"]))
def test_profile_saves_exactly_what_was_typed_or_refuses_it(portal, cast, values, page):
    response = portal["client"].post(_profile_url(portal, page), values)

    limits = {name: limit for name, (_valid, limit) in PROFILE_TEXT.items()}
    if _refused_if_unstorable(response, values, limits):
        profile = ApplicantProfile.objects.get(user=cast.applicant)
        for name in PROFILE_TEXT:
            assert getattr(profile, name) == stored_text(values[name]), name


@pytest.mark.parametrize("page", ["profile", "details"])
def test_profile_keeps_hostile_but_storable_text_exactly(portal, cast, page):
    typed = {name: STORABLE[:limit].strip() for name, (_valid, limit) in PROFILE_TEXT.items()}

    response = portal["client"].post(_profile_url(portal, page), {**PROFILE_VALID, **typed})

    assert response.status_code == 302
    profile = ApplicantProfile.objects.get(user=cast.applicant)
    assert {name: getattr(profile, name) for name in PROFILE_TEXT} == typed


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("legal_last_name", UNSTORABLE, "Null characters are not allowed."),
        ("legal_last_name", "x" * 10_000, "Ensure this value has at most 100 characters"),
        ("city", "🙂" * 101, "Ensure this value has at most 100 characters"),
        ("state", "CAL", "Ensure this value has at most 2 characters"),
    ],
)
def test_profile_refuses_unstorable_text_at_its_field(portal, cast, name, value, message):
    response = portal["client"].post(
        _profile_url(portal, "profile"), {**PROFILE_VALID, name: value}
    )

    assert response.status_code == 200
    assert response.context["form"].errors[name][0].startswith(message)
    assert f'id="id_{name}_error"' in response.content.decode()
    profile = ApplicantProfile.objects.get(user=cast.applicant)
    assert getattr(profile, name) == cast.applicant.applicant_profile.__dict__[name]


@HOSTILE
@given(
    county=valid_or_hostile("alameda"),
    pathway=valid_or_hostile("standard"),
    then=hostile_text,
)
def test_a_new_application_refuses_hostile_choices(portal, cast, county, pathway, then):
    if county == "alameda":
        county = str(cast.county.pk)
    before = Application.objects.count()

    response = portal["client"].post(
        reverse("portal:application_new"), {"county": county, "pathway": pathway, "then": then}
    )

    assert_answered(response)
    # The applicant already has an open application with Alameda: nothing new, ever.
    assert Application.objects.count() == before
    assert_refused_clearly(response)


OUT_OF_STATE_VALID = {
    "other_state": "nv",
    "other_state_certification_number": "NV-1234",
    "other_state_expires_on": "2030-06-30",
    "peer_work_hours": "1600",
    "attest_no_pending_discipline": "on",
    "attest_share_experience": "on",
    "attest_recovery": "on",
    "version": "current",
}


def _post_out_of_state(portal, values: dict):
    application = Application.objects.get(pk=portal["out_of_state"].pk)
    posted = {**values}
    if posted["version"] == "current":
        posted["version"] = str(application.version)
    url = reverse("portal:application_attestations", args=[application.pk])
    return portal["out_of_state_client"].post(url, posted)


@HOSTILE
@given(values=some_hostile(OUT_OF_STATE_VALID))
def test_out_of_state_answers_are_saved_exactly_or_refused(portal, values):
    response = _post_out_of_state(portal, values)

    limits = {"other_state": 2, "other_state_certification_number": 50}
    if _refused_if_unstorable(response, values, limits):
        application = Application.objects.get(pk=portal["out_of_state"].pk)
        assert application.other_state == stored_text(values["other_state"]).upper()
        assert len(application.other_state) == 2 and application.other_state.isascii()
        assert application.other_state_certification_number == stored_text(
            values["other_state_certification_number"]
        )
        # Read the way the form's IntegerField reads it ("1600.0" and " 1600 " are 1600).
        assert application.peer_work_hours == forms.IntegerField().clean(values["peer_work_hours"])


def test_out_of_state_answers_keep_hostile_but_storable_text_exactly(portal):
    values = {**OUT_OF_STATE_VALID, "other_state_certification_number": STORABLE[:50]}

    assert _post_out_of_state(portal, values).status_code == 302

    application = Application.objects.get(pk=portal["out_of_state"].pk)
    assert application.other_state_certification_number == STORABLE[:50]


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"other_state": "ßa"}, "other_state", "Enter the two-letter code of the state"),
        ({"other_state": "<b"}, "other_state", "Enter the two-letter code of the state"),
        ({"other_state": "N\x00"}, "other_state", "Null characters are not allowed."),
        ({"peer_work_hours": "9" * 12}, "peer_work_hours", "Ensure this value is less than"),
    ],
)
def test_out_of_state_answers_refuse_what_cannot_be_stored(portal, values, field, message):
    version = Application.objects.get(pk=portal["out_of_state"].pk).version

    response = _post_out_of_state(portal, {**OUT_OF_STATE_VALID, **values})

    assert response.status_code == 200
    assert response.context["form"].errors[field][0].startswith(message)
    assert Application.objects.get(pk=portal["out_of_state"].pk).version == version


@HOSTILE
@given(
    step=st.sampled_from(["application_program", "application_ethics", "application_review"]),
    values=st.fixed_dictionaries(
        {
            "pathway": valid_or_hostile("standard"),
            "version": hostile_text,
            "ethics_version": hostile_text,
            "agree": valid_or_hostile("on"),
        }
    ),
)
def test_wizard_steps_refuse_hostile_hidden_fields(portal, step, values):
    application = Application.objects.get(pk=portal["standard"].pk)

    response = portal["client"].post(reverse(f"portal:{step}", args=[application.pk]), values)

    assert_answered(response)
    if step != "application_review":
        # A hostile version number or Code of Ethics id is never accepted.
        assert_refused_clearly(response)
    assert Application.objects.get(pk=application.pk).version == application.version


@HOSTILE
@given(
    kind=valid_or_hostile("photo_id"),
    file_name=valid_or_hostile("id.pdf"),
)
def test_uploads_with_hostile_kinds_and_file_names(portal, cast, kind, file_name):
    application = portal["standard"]
    url = reverse("portal:application_documents", args=[application.pk])
    before = Document.objects.count()

    response = portal["client"].post(url, {"kind": kind, f"{kind}-file": pdf_upload(file_name)})

    assert_answered(response)
    if kind != "photo_id":
        assert Document.objects.count() == before
        return
    if Document.objects.count() > before:
        document = Document.objects.latest("pk")
        assert 0 < len(document.original_name) <= 255
        assert "\x00" not in document.original_name and "/" not in document.original_name


@HOSTILE
@given(
    values=some_hostile(
        {"course": "core_80", "provider": "provider", "hours": "80", "completed_on": "2024-05-01"}
    )
)
def test_training_records_refuse_hostile_input(portal, values):
    posted = {**values, "certificate": pdf_upload()}
    if posted["provider"] == "provider":
        posted["provider"] = str(ProviderFactory(name="Peer Academy").pk)
    before = TrainingRecord.objects.count()

    response = portal["client"].post(reverse("portal:training"), posted)

    if _refused_if_unstorable(response, values, {}):
        assert TrainingRecord.objects.count() == before + 1
    else:
        assert TrainingRecord.objects.count() == before


CE_VALID = {
    "title": "Ethics in peer work",
    "provider_name": "Peer Academy",
    "hours": "6",
    "category": "law_and_ethics",
    "completed_on": "recent",
}


@HOSTILE
@given(values=some_hostile(CE_VALID))
@example(values={**CE_VALID, "title": STORABLE, "provider_name": STORABLE})
@example(values={**CE_VALID, "title": UNSTORABLE})
def test_ce_credits_are_saved_exactly_or_refused(portal, values):
    posted = {**values, "proof": pdf_upload()}
    if posted["completed_on"] == "recent":
        posted["completed_on"] = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    before = set(CeCredit.objects.values_list("pk", flat=True))

    response = portal["client"].post(reverse("portal:ce_log"), posted)

    if _refused_if_unstorable(response, values, {"title": 200, "provider_name": 200}):
        (credit,) = CeCredit.objects.exclude(pk__in=before)
        assert credit.title == stored_text(values["title"])
        assert credit.provider_name == stored_text(values["provider_name"])
    else:
        assert set(CeCredit.objects.values_list("pk", flat=True)) == before


@HOSTILE
@given(
    page=st.sampled_from(["renewal", "specializations"]),
    values=st.fixed_dictionaries(
        {
            "ethics_version": hostile_text,
            "affirm": valid_or_hostile("on"),
            "training_record": hostile_text,
        }
    ),
)
def test_renewal_and_specializations_refuse_hostile_input(portal, page, values):
    certification = portal["certification"]
    before = (certification.expires_on, certification.specializations.count())

    response = portal["client"].post(reverse(f"portal:{page}"), values)

    assert_answered(response)
    certification.refresh_from_db()
    assert (certification.expires_on, certification.specializations.count()) == before


@HOSTILE
@given(language=valid_or_hostile("es"), next_url=valid_or_hostile("/me/"))
def test_the_language_switch_refuses_hostile_choices(portal, cast, language, next_url):
    response = portal["client"].post(
        reverse("portal:language"), {"language": language, "next": next_url}
    )

    assert_answered(response)
    assert response.status_code == 302
    # Wherever it goes, it stays on this site.
    assert url_has_allowed_host_and_scheme(response["Location"], allowed_hosts={"testserver"})
    assert User.objects.get(pk=cast.applicant.pk).preferred_language in ("en", "es")


@pytest.fixture
def unlimited_password_attempts(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reauthenticate": False}


@HOSTILE
@given(password=valid_or_hostile(CAST_PASSWORD), reason=hostile_text, understand=hostile_text)
def test_closing_an_account_keeps_the_reason_exactly_or_refuses_it(
    portal, cast, unlimited_password_attempts, password, reason, understand
):
    User.objects.filter(pk=cast.applicant.pk).update(is_active=True)
    client = client_for(User.objects.get(pk=cast.applicant.pk))
    before = set(AuditEvent.objects.filter(verb="account_close").values_list("pk", flat=True))

    response = client.post(
        reverse("portal:privacy_close"),
        {"password": password, "reason": reason, "understand": understand},
    )

    assert_answered(response)
    closed = AuditEvent.objects.filter(verb="account_close").exclude(pk__in=before)
    if closed.exists():
        assert password == CAST_PASSWORD and not has_nul(reason)
        assert closed.get().reason == stored_text(reason)
    else:
        assert_refused_clearly(response)
        assert User.objects.get(pk=cast.applicant.pk).is_active


FORM_MODULES = (
    "accounts.admin",
    "accounts.forms",
    "certification.admin",
    "api.filters",
    "portal.forms",
    "api.views_public",
    "workspace.forms",
    "employers_portal.forms",
)
# Text that goes to an unbounded column (TextField) or is only hashed needs no length limit.
UNBOUNDED = {
    ("certification.admin", "ReasonForm", "reason"),
    ("certification.admin", "OptionalReasonForm", "reason"),
    ("certification.admin", "ChangesForm", "message"),
    ("accounts.admin", "UserCreationAdminForm", "password1"),
    ("accounts.admin", "UserCreationAdminForm", "password2"),
    # allauth's own password field of the sign-in form: only checked against the hash.
    ("accounts.forms", "SignInForm", "password"),
    # allauth's new-password fields of the reset link's form: only hashed.
    ("accounts.forms", "NewPasswordForm", "password1"),
    ("accounts.forms", "NewPasswordForm", "password2"),
    # allauth's username field of the sign-up form: declared by allauth, removed from every
    # instance (accounts have no username, ACCOUNT_USER_MODEL_USERNAME_FIELD = None).
    ("accounts.forms", "SignupForm", "username"),
}


def _form_classes():
    for module in FORM_MODULES:
        importlib.import_module(module)
    pending, found = [forms.BaseForm], set()
    while pending:
        for subclass in pending.pop().__subclasses__():
            pending.append(subclass)
            if subclass.__module__ in FORM_MODULES:
                found.add(subclass)
    return sorted(found, key=lambda c: (c.__module__, c.__name__))


def test_every_text_field_of_the_products_forms_refuses_nul_and_overlong_text():
    text_fields = [
        (form.__module__, form.__name__, name, field)
        for form in _form_classes()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.CharField)
    ]

    assert len(text_fields) >= 30  # the forms were found
    for module, form, name, field in text_fields:
        assert any(isinstance(v, ProhibitNullCharactersValidator) for v in field.validators), (
            form,
            name,
        )
        assert field.max_length is not None or (module, form, name) in UNBOUNDED, (form, name)
