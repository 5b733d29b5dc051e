"""The permission matrix over EVERY URL of the provider pages (providers_portal.urls).

`SPECS` must name every pattern: a new URL without a line here fails the suite. Against the
test cast and the provider cast (tests/providers/cast.py):

- provider-scoped URLs (/provider/<id>/...): anonymous → sign-in; the cast's applicant, county
  admin, state staff, the reviewer and another provider's administrator → 404 (GET and POST),
  as if Hope Works did not exist; Hope's staff member → 200, 403 on administrators' pages;
  Hope's administrator → 200;
- review URLs (/provider/review/...): anonymous → sign-in; applicant, county staff and provider
  staff → 404; state staff → 200 on the pages they read, 403 where reviewers act; the reviewer
  → 200.

Every denied request also asserts that nothing in the database changed.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, reverse

from audit.models import AuditEvent
from providers import imports, services
from providers.models import (
    ApprovalCycle,
    CompetencyCoverage,
    Completion,
    CourseApplication,
    CourseApproval,
    ProviderApiKey,
    ProviderInvitation,
    ProviderMembership,
    ProviderOrganisation,
)
from providers_portal.urls import urlpatterns
from tests.providers.cast import FULL_COVERAGE
from training.models import TrainingProvider

pytestmark = pytest.mark.django_db

PAGE = "page"  # Hope's members and administrators
ADMIN = "admin"  # Hope's administrators only: members get 403
READ = "read"  # review pages state staff read
ACT = "act"  # review pages only reviewers use
SPECIAL = "special"


@dataclass(frozen=True)
class Spec:
    kind: str
    args: Callable[[Any], list] = lambda p: []
    post: Callable[[Any], dict] = field(default=lambda p: {})


def _application(p) -> CourseApplication:
    application = CourseApplication.objects.filter(provider=p.hope).first()
    if application is None:
        application = services.course_application_start(
            actor=p.clerk,
            provider=p.hope,
            cycle=p.core_cycle,
            title="Peer core",
            hours=80,
            languages=["en"],
            delivery_modes=["in_person"],
        )
        services.course_application_save(
            actor=p.clerk,
            application=application,
            hours=80,
            languages=["en"],
            delivery_modes=["in_person"],
            coverage=FULL_COVERAGE,
        )
        services.course_application_submit(actor=p.clerk, application=application)
    return application


def _invitation(p) -> ProviderInvitation:
    invitation = ProviderInvitation.objects.filter(provider=p.hope, revoked_at=None).first()
    if invitation is None:
        invitation, _token = services.provider_invite(
            actor=p.boss, provider=p.hope, email="new@hope.test", role="member"
        )
    return invitation


def _api_key(p) -> ProviderApiKey:
    key = ProviderApiKey.objects.filter(provider=p.hope, revoked_at=None).first()
    if key is None:
        key = services.provider_api_key_create(actor=p.boss, provider=p.hope, name="LMS").api_key
    return key


APPLICATION_POST = {
    "hours": "90",
    "languages": ["es"],
    "delivery_modes": ["self_paced"],
    "submit": "1",
}

SPECS: dict[str, Spec] = {
    "pick": Spec(SPECIAL),
    "invitation_accept": Spec(SPECIAL),
    "invitation_link": Spec(SPECIAL),
    "overview": Spec(PAGE),
    "outcomes": Spec(PAGE),
    "apply": Spec(
        PAGE,
        lambda p: [p.ce_cycle.pk],
        lambda p: {
            "title": "New ethics",
            "hours": "6",
            "languages": ["en"],
            "delivery_modes": ["online_live"],
        },
    ),
    "application": Spec(PAGE, lambda p: [_application(p).pk], lambda p: APPLICATION_POST),
    "application_withdraw": Spec(PAGE, lambda p: [_application(p).pk]),
    "profile": Spec(
        ADMIN,
        post=lambda p: {"contact_name": "X", "contact_email": "x@hope.test", "languages": ["es"]},
    ),
    "completions": Spec(PAGE),
    "completions_upload": Spec(PAGE),
    "completions_template": Spec(PAGE),
    # A preview belongs to the person who uploaded the file: its own test below.
    "completions_preview": Spec(SPECIAL),
    "api_keys": Spec(ADMIN, post=lambda p: {"name": "Forged"}),
    "api_key_revoke": Spec(ADMIN, lambda p: [_api_key(p).pk]),
    "staff": Spec(ADMIN, post=lambda p: {"email": "z@hope.test", "role": "member"}),
    "membership_remove": Spec(
        ADMIN, lambda p: [ProviderMembership.objects.get(provider=p.hope, user=p.clerk).pk]
    ),
    "invitation_revoke": Spec(ADMIN, lambda p: [_invitation(p).pk]),
    "review": Spec(READ),
    "review_outcomes": Spec(READ),
    "review_application": Spec(
        READ, lambda p: [_application(p).pk], lambda p: {"decision": "deny", "note": "No."}
    ),
    "cycle_open": Spec(
        ACT,
        post=lambda p: {
            "course_type": "core_80",
            "opens_on": "2030-07-01",
            "closes_on": "2030-07-31",
        },
    ),
    "cycle_close": Spec(ACT, lambda p: [p.core_cycle.pk]),
    "provider_register": Spec(
        ACT, post=lambda p: {"name": "Sneaky Academy", "admin_email": "a@sneaky.test"}
    ),
}


def snapshot() -> tuple:
    return (
        list(ProviderOrganisation.objects.order_by("pk").values_list("pk", "contact_name")),
        list(TrainingProvider.objects.order_by("pk").values_list("pk", "name")),
        list(ProviderMembership.objects.order_by("pk").values_list("pk", "role")),
        list(
            ProviderInvitation.objects.order_by("pk").values_list("pk", "accepted_at", "revoked_at")
        ),
        list(ApprovalCycle.objects.order_by("pk").values_list("pk", "closed_at")),
        list(
            CourseApplication.objects.order_by("pk").values_list(
                "pk", "status", "hours", "languages"
            )
        ),
        list(CompetencyCoverage.objects.order_by("pk").values_list("pk", "curriculum")),
        list(CourseApproval.objects.order_by("pk").values_list("pk", "ends_on")),
        list(ProviderApiKey.objects.order_by("pk").values_list("pk", "name", "revoked_at")),
        list(Completion.objects.order_by("pk").values_list("pk")),
        AuditEvent.objects.count(),
    )


def test_every_provider_url_has_a_spec():
    names = {p.name for p in urlpatterns if isinstance(p, URLPattern)}
    assert names == set(SPECS)


def _url(name: str, p) -> str:
    args = SPECS[name].args(p)
    if SPECS[name].kind in (PAGE, ADMIN):
        args = [p.hope.pk, *args]
    return reverse(f"providers_portal:{name}", args=args)


SCOPED = [name for name, spec in SPECS.items() if spec.kind in (PAGE, ADMIN)]
REVIEW = [name for name, spec in SPECS.items() if spec.kind in (READ, ACT)]


@pytest.mark.parametrize("name", SCOPED + REVIEW)
def test_anonymous_visitors_are_sent_to_sign_in(client, providers, name):
    url = _url(name, providers)
    before = snapshot()
    for response in (client.get(url), client.post(url, SPECS[name].post(providers))):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert snapshot() == before


@pytest.mark.parametrize("name", SCOPED)
@pytest.mark.parametrize("who", ["applicant", "admin", "state", "reviewer", "rival"])
def test_outsiders_get_404_on_a_providers_pages_and_change_nothing(
    client, cast, providers, name, who
):
    user = getattr(providers, who, None) or getattr(cast, who)
    url = _url(name, providers)
    client.force_login(user)
    before = snapshot()
    assert client.get(url).status_code == 404
    assert client.post(url, SPECS[name].post(providers)).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("name", SCOPED)
def test_members_work_and_administrators_manage(client, providers, name):
    p = providers
    client.force_login(p.clerk)
    url = _url(name, p)
    if SPECS[name].kind == ADMIN:
        before = snapshot()
        assert client.get(url).status_code == 403
        assert client.post(url, SPECS[name].post(p)).status_code == 403
        assert snapshot() == before
    else:
        assert client.get(url).status_code == 200
    client.force_login(p.boss)
    assert client.get(_url(name, p)).status_code == 200


@pytest.mark.parametrize("name", REVIEW)
@pytest.mark.parametrize("who", ["applicant", "admin", "boss", "rival"])
def test_review_pages_are_not_found_for_anyone_but_state_staff(client, cast, providers, name, who):
    user = getattr(providers, who, None) or getattr(cast, who)
    url = _url(name, providers)
    client.force_login(user)
    before = snapshot()
    assert client.get(url).status_code == 404
    assert client.post(url, SPECS[name].post(providers)).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("name", REVIEW)
def test_state_staff_read_and_reviewers_act(client, cast, providers, name):
    url = _url(name, providers)
    client.force_login(cast.state)
    before = snapshot()
    if SPECS[name].kind == ACT:
        assert client.get(url).status_code == 403
    else:
        assert client.get(url).status_code == 200
    assert client.post(url, SPECS[name].post(providers)).status_code in (403, 405)
    assert snapshot() == before
    client.force_login(providers.reviewer)
    assert client.get(url).status_code == 200


def test_the_picker_sends_each_to_their_pages(client, cast, providers):
    p = providers
    client.force_login(p.boss)
    assert client.get(reverse("providers_portal:pick"))["Location"] == reverse(
        "providers_portal:overview", args=[p.hope.pk]
    )
    client.force_login(cast.state)
    assert client.get(reverse("providers_portal:pick"))["Location"] == reverse(
        "providers_portal:review"
    )
    client.force_login(cast.applicant)
    assert client.get(reverse("providers_portal:pick")).status_code == 200


def test_a_provider_sees_none_of_another_providers_courses_or_applications(client, providers):
    p = providers
    application = _application(p)
    services.course_application_approve(actor=p.reviewer, application=application)
    client.force_login(p.rival)
    page = client.get(reverse("providers_portal:overview", args=[p.rival_org.pk])).content.decode()
    assert "Peer core" not in page
    other = reverse("providers_portal:application", args=[p.rival_org.pk, application.pk])
    assert client.get(other).status_code == 404
    client.force_login(p.clerk)
    page = client.get(reverse("providers_portal:overview", args=[p.hope.pk])).content.decode()
    assert "Peer core" in page


def test_an_invitation_link_for_someone_else_changes_nothing(client, cast, providers):
    p = providers
    _invitation_row, token = services.provider_invite(
        actor=p.boss, provider=p.hope, email="applicant@cast.test", role="member"
    )
    url = reverse("providers_portal:invitation_accept")
    client.force_login(cast.other_applicant)
    before = snapshot()
    link = client.get(reverse("providers_portal:invitation_link", args=[token]))
    assert link["Location"] == url
    response = client.post(url)
    assert response.status_code == 200
    assert "This invitation link is not valid." in response.content.decode()
    assert snapshot() == before
    client.force_login(cast.applicant)
    client.get(reverse("providers_portal:invitation_link", args=[token]))
    response = client.post(url)
    assert response.status_code == 302
    assert ProviderMembership.objects.filter(provider=p.hope, user=cast.applicant).exists()


def test_an_upload_preview_opens_only_for_the_person_who_uploaded_it(client, cast, providers):
    p = providers
    stored = imports.store_file(
        user=p.clerk,
        provider=p.hope,
        filename="completions.csv",
        # One row (whatever its problems, the preview shows them).
        data=(
            ",".join(imports.COLUMNS) + "\n" + ",".join("x" for _ in imports.COLUMNS) + "\n"
        ).encode(),
    )
    url = reverse("providers_portal:completions_preview", args=[p.hope.pk, stored.token])
    before = snapshot()
    for user in (p.boss, p.rival, p.reviewer, cast.state, cast.admin, cast.applicant):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"commit": "1"}).status_code == 404
    assert snapshot() == before
    client.force_login(p.clerk)
    assert client.get(url).status_code == 200
