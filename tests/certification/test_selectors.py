"""Access layer for applications, documents and certifications, against the whole cast.

The world below: the applicant has a draft in Alameda and an earlier application withdrawn in
Fresno; the other applicant an application denied in Alameda and a draft in Fresno; a "drafter" has
only a draft in Alameda; a Los Angeles applicant an approved application; a Fresno peer holds a
certification and never applied through this system; an Alameda peer holds a revoked and an
active certification (a person may hold several over time).
"""

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth import authenticate
from django.http import Http404
from django.utils import timezone

from certification.selectors import (
    application_get,
    applications_for,
    certification_by_number_public,
    certification_get,
    certifications_for,
    document_get,
    documents_for,
)
from counties.selectors import staff_county_ids
from tests.cast import CAST_PASSWORD
from tests.factories import (
    ApplicationFactory,
    CertificationFactory,
    DocumentFactory,
    MembershipFactory,
    SpecializationFactory,
    UserFactory,
    county,
)

APPROVED = {
    "status": "approved",
    "approved_on": datetime.date(2025, 1, 10),
    "window_ends_on": datetime.date(2026, 1, 9),
}


@pytest.fixture
def world(cast):
    drafter = UserFactory(email="drafter@example.org")
    la_applicant = UserFactory(email="la@example.org")
    fresno_peer = UserFactory(email="fresno.peer@example.org")
    alameda_peer = UserFactory(email="alameda.peer@example.org")
    apps = SimpleNamespace(
        own_draft=ApplicationFactory(applicant=cast.applicant, county=cast.county),
        own_fresno=ApplicationFactory(
            applicant=cast.applicant, county=cast.other_county, status="withdrawn"
        ),
        other_alameda=ApplicationFactory(
            applicant=cast.other_applicant, county=cast.county, status="denied"
        ),
        other_draft_fresno=ApplicationFactory(
            applicant=cast.other_applicant, county=cast.other_county
        ),
        drafter=ApplicationFactory(applicant=drafter, county=cast.county),
        la=ApplicationFactory(applicant=la_applicant, county=county("los-angeles"), **APPROVED),
    )
    docs = SimpleNamespace(
        own_id=DocumentFactory(owner=cast.applicant, application=apps.own_fresno),
        own_removed=DocumentFactory(owner=cast.applicant, removed_at=timezone.now()),
        other_diploma=DocumentFactory(owner=cast.other_applicant, kind="diploma"),
        drafter=DocumentFactory(owner=drafter, application=apps.drafter),
        la=DocumentFactory(owner=la_applicant),
        fresno_peer=DocumentFactory(owner=fresno_peer, kind="ce_certificate"),
        alameda_peer=DocumentFactory(owner=alameda_peer, kind="training_certificate"),
    )
    certs = SimpleNamespace(
        fresno_peer=CertificationFactory(holder=fresno_peer, issuing_county=cast.other_county),
        alameda_revoked=CertificationFactory(
            holder=alameda_peer, issuing_county=cast.county, status="revoked"
        ),
        alameda_active=CertificationFactory(holder=alameda_peer, issuing_county=cast.county),
        la=CertificationFactory(holder=la_applicant, issuing_county=county("los-angeles")),
    )
    return SimpleNamespace(apps=apps, docs=docs, certs=certs)


def ids(rows) -> set[int]:
    return {row.pk for row in rows}


def visible(namespace, *names: str) -> set[int]:
    return {getattr(namespace, name).pk for name in names}


def test_cast_members_sign_in_with_the_cast_password(cast):
    for name, user in cast.everyone.items():
        if name == "anonymous":
            assert not user.is_authenticated
            continue
        assert authenticate(email=user.email, password=CAST_PASSWORD) == user
    assert cast.applicant.applicant_profile.legal_first_name == "Ana"
    assert cast.other_applicant.applicant_profile.legal_last_name == "Okafor"
    assert set(cast.reviewer.county_memberships.values_list("county__code", "role")) == {
        ("alameda", "reviewer")
    }
    assert set(cast.admin.county_memberships.values_list("county__code", "role")) == {
        ("alameda", "admin")
    }
    assert set(cast.other_admin.county_memberships.values_list("county__code", "role")) == {
        ("fresno", "admin")
    }
    assert cast.state.is_state_staff and not cast.state.county_memberships.exists()
    assert (cast.county.code, cast.other_county.code) == ("alameda", "fresno")


APPLICATIONS_VISIBLE = {
    "anonymous": (),
    "applicant": ("own_draft", "own_fresno"),
    "other_applicant": ("other_alameda", "other_draft_fresno"),
    "reviewer": ("other_alameda",),
    "admin": ("other_alameda",),
    "other_admin": ("own_fresno",),
    "state": ("own_fresno", "other_alameda", "la"),
}


@pytest.mark.parametrize(("member", "expected"), APPLICATIONS_VISIBLE.items())
def test_applications_for_each_cast_member(cast, world, member, expected):
    user = cast.everyone[member]
    assert ids(applications_for(user)) == visible(world.apps, *expected)
    for name in vars(world.apps):
        application = getattr(world.apps, name)
        if name in expected:
            assert application_get(user, application.pk) == application
        else:
            with pytest.raises(Http404):
                application_get(user, application.pk)


def test_application_drafts_become_visible_to_staff_once_submitted(cast, world):
    world.apps.own_draft.status = "submitted"
    world.apps.own_draft.save()
    assert ids(applications_for(cast.reviewer).filter(county=cast.county)) == visible(
        world.apps, "other_alameda", "own_draft"
    )
    assert world.apps.own_draft.pk in ids(applications_for(cast.state))


def test_staff_see_the_earlier_applications_of_a_person_who_applied_to_their_county(cast, world):
    """A person's applications go with the person, like their documents: once the applicant
    submits in Alameda, Alameda's staff see the earlier one withdrawn in Fresno (the review
    page's history), and Fresno's staff the new one; a draft elsewhere stays private."""
    world.apps.own_draft.status = "submitted"
    world.apps.own_draft.save()

    assert ids(applications_for(cast.reviewer)) == visible(
        world.apps, "other_alameda", "own_draft", "own_fresno"
    )
    assert ids(applications_for(cast.other_admin)) == visible(world.apps, "own_fresno", "own_draft")
    # The other applicant applied in Alameda; their Fresno draft stays theirs alone.
    assert world.apps.other_draft_fresno.pk not in ids(applications_for(cast.reviewer))
    # Los Angeles's applicant never applied in Alameda or Fresno.
    assert world.apps.la.pk not in ids(applications_for(cast.reviewer))


def test_a_certification_issued_by_the_county_shares_the_holders_applications(cast, world):
    la_applicant = world.apps.la.applicant
    CertificationFactory(holder=la_applicant, issuing_county=cast.county, status="revoked")

    assert world.apps.la.pk in ids(applications_for(cast.reviewer))
    assert world.apps.la.pk not in ids(applications_for(cast.other_admin))


DOCUMENTS_VISIBLE = {
    "anonymous": (),
    "applicant": ("own_id",),
    "other_applicant": ("other_diploma",),
    "reviewer": ("other_diploma", "alameda_peer"),
    "admin": ("other_diploma", "alameda_peer"),
    "other_admin": ("own_id", "fresno_peer"),
    "state": ("own_id", "other_diploma", "la", "fresno_peer", "alameda_peer"),
}


@pytest.mark.parametrize(("member", "expected"), DOCUMENTS_VISIBLE.items())
def test_documents_for_each_cast_member(cast, world, member, expected):
    user = cast.everyone[member]
    assert ids(documents_for(user)) == visible(world.docs, *expected)
    for name in vars(world.docs):
        document = getattr(world.docs, name)
        if name in expected:
            assert document_get(user, document.pk) == document
        else:
            with pytest.raises(Http404):
                document_get(user, document.pk)


@pytest.mark.parametrize(
    ("member", "sees_removed"),
    [("anonymous", False), ("applicant", True), ("other_applicant", False), ("reviewer", False),
     ("other_admin", True), ("state", True)],
)  # fmt: skip
def test_removed_documents_only_on_request(cast, world, member, sees_removed):
    user = cast.everyone[member]
    removed = world.docs.own_removed
    assert removed.pk not in ids(documents_for(user))
    assert (removed.pk in ids(documents_for(user, include_removed=True))) is sees_removed
    with pytest.raises(Http404):
        document_get(user, removed.pk)
    if sees_removed:
        assert document_get(user, removed.pk, include_removed=True) == removed


CERTIFICATIONS_VISIBLE = {
    "anonymous": (),
    "applicant": (),
    "other_applicant": (),
    "reviewer": ("alameda_revoked", "alameda_active"),
    "admin": ("alameda_revoked", "alameda_active"),
    "other_admin": ("fresno_peer",),
    "state": ("fresno_peer", "alameda_revoked", "alameda_active", "la"),
}


@pytest.mark.parametrize(("member", "expected"), CERTIFICATIONS_VISIBLE.items())
def test_certifications_for_each_cast_member(cast, world, member, expected):
    user = cast.everyone[member]
    assert ids(certifications_for(user)) == visible(world.certs, *expected)
    for name in vars(world.certs):
        certification = getattr(world.certs, name)
        if name in expected:
            assert certification_get(user, certification.pk) == certification
        else:
            with pytest.raises(Http404):
                certification_get(user, certification.pk)


def test_holder_sees_own_certifications_including_revoked(world):
    peer = world.certs.alameda_active.holder
    assert ids(certifications_for(peer)) == visible(
        world.certs, "alameda_revoked", "alameda_active"
    )
    assert ids(certifications_for(world.certs.la.holder)) == {world.certs.la.pk}


def test_inactive_users_see_nothing(cast, world):
    for user in (cast.applicant, cast.admin, cast.state):
        user.is_active = False
        assert not applications_for(user).exists()
        assert not documents_for(user, include_removed=True).exists()
        assert not certifications_for(user).exists()


def test_staff_of_several_counties_see_each_row_once(cast, world):
    """A person who applied to two of an agency's counties and holds a certification from a
    third appears once per row, not once per matching county."""
    agency = UserFactory(email="agency@example.org")
    for code in ("alameda", "fresno", "los-angeles"):
        MembershipFactory(user=agency, county=county(code), role="reviewer")
    applicant = cast.applicant
    ApplicationFactory(applicant=applicant, county=county("los-angeles"), status="denied")
    CertificationFactory(holder=applicant, issuing_county=county("los-angeles"))

    documents = list(documents_for(agency))
    assert len(documents) == len(set(documents))
    assert ids(documents) == visible(
        world.docs, "own_id", "other_diploma", "la", "fresno_peer", "alameda_peer"
    )
    applications = list(applications_for(agency))
    assert len(applications) == len(set(applications)) == 4
    certifications = list(certifications_for(agency))
    assert len(certifications) == len(set(certifications)) == 5


def test_a_person_who_is_also_staff_sees_own_rows_and_county_rows(cast, world):
    MembershipFactory(user=cast.applicant, county=county("los-angeles"), role="reviewer")
    assert ids(applications_for(cast.applicant)) == visible(
        world.apps, "own_draft", "own_fresno", "la"
    )
    assert ids(documents_for(cast.applicant)) == visible(world.docs, "own_id", "la")


@pytest.mark.parametrize("bad_pk", ["abc", None, "", "1; drop table", 10**20, -1, [1]])
def test_malformed_or_missing_pk_is_404(cast, world, bad_pk):
    for getter in (application_get, document_get, certification_get):
        with pytest.raises(Http404):
            getter(cast.state, bad_pk)


def test_lists_take_one_query_each(cast, world, django_assert_num_queries):
    for user in (cast.applicant, cast.admin, cast.state):
        staff_county_ids(user)  # asked once per request (cached on the user), not per list
        with django_assert_num_queries(1):
            [(a.applicant.email, a.county.code) for a in applications_for(user)]
        with django_assert_num_queries(1):
            [d.owner.email for d in documents_for(user)]
        # The certifications and, when there are any, their specializations.
        with django_assert_num_queries(2 if certifications_for(user).exists() else 1):
            [
                (c.holder.email, c.issuing_county.code, [s.code for s in c.specializations.all()])
                for c in certifications_for(user)
            ]


def test_public_lookup_by_number_finds_any_status(world):
    revoked = world.certs.alameda_revoked
    SpecializationFactory(certification=revoked, code="crisis")
    found = certification_by_number_public(revoked.number)
    assert found == revoked and found.status == "revoked"
    assert [s.code for s in found.specializations.all()] == ["crisis"]
    assert certification_by_number_public(f"  {revoked.number.lower()} ") == revoked


@pytest.mark.parametrize(
    "number", ["", "   ", "PSS-9999999", "x" * 500, None, 12, "PSS-\x000001000"]
)
def test_public_lookup_of_unknown_or_malformed_number_is_none(world, number):
    assert certification_by_number_public(number) is None


def test_people_who_are_not_staff_get_a_plain_filter_on_their_own_rows(cast, world):
    """No OR with a subquery (which makes PostgreSQL scan the whole table) for applicants."""
    for queryset in (
        applications_for(cast.applicant),
        documents_for(cast.applicant),
        certifications_for(cast.applicant),
    ):
        assert "SELECT" not in str(queryset.query).split("WHERE", 1)[1]
    assert "SELECT" in str(documents_for(cast.admin).query).split("WHERE", 1)[1]


def test_a_fresh_staff_user_object_asks_for_its_memberships_once(
    cast, world, django_assert_num_queries
):
    admin = type(cast.admin).objects.get(pk=cast.admin.pk)
    with django_assert_num_queries(2):
        list(applications_for(admin))
    with django_assert_num_queries(1):
        list(documents_for(admin))


def test_discipline_history_lists_suspensions_lifts_and_revocations_in_any_county(cast):
    from certification.selectors import DisciplineEntry, discipline_history
    from certification.services import (
        certification_lift_suspension,
        certification_revoke,
        certification_suspend,
    )

    person = UserFactory(email="disciplined@example.org")
    fresno = CertificationFactory(
        holder=person, issuing_county=cast.other_county, number="PSS-0000077"
    )
    certification_suspend(actor=cast.other_admin, certification=fresno, reason="Inquiry")
    certification_lift_suspension(actor=cast.other_admin, certification=fresno)
    certification_revoke(actor=cast.other_admin, certification=fresno, reason="Found")
    today = timezone.localdate()

    assert discipline_history(person) == [
        DisciplineEntry("PSS-0000077", "Fresno", "suspended", today),
        DisciplineEntry("PSS-0000077", "Fresno", "lifted", today),
        DisciplineEntry("PSS-0000077", "Fresno", "revoked", today),
    ]
    assert discipline_history(cast.applicant) == []
