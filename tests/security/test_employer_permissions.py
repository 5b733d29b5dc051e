"""The permission matrix over EVERY URL of the employer pages (employers_portal.urls), and
the second wall (row-level security) of the employer tables.

`SPECS` must name every pattern: a new URL without a line here fails the suite. For each
employer-scoped URL, against the test cast and the employer cast (tests/employers/cast.py):

- anonymous → the sign-in page (GET and POST);
- the cast's applicant, county admin, state staff and another employer's administrator →
  404 (GET and POST), as if Bayview did not exist;
- Bayview's staff member → 200 (GET), 403 on administrators' pages (GET and POST);
- Bayview's administrator → 200 (GET).

Every denied request also asserts that nothing in the database changed.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import ProgrammingError, connection, transaction
from django.urls import URLPattern, reverse

from audit.models import AuditEvent
from core.rls import rls_context
from employers import services
from employers.models import (
    Employer,
    EmployerInvitation,
    EmployerMembership,
    RegistryChange,
    Watch,
    WebhookDelivery,
    WebhookEndpoint,
)
from employers.selectors import employers_for, watches_for, watching_employers_of
from employers_portal.urls import urlpatterns

pytestmark = pytest.mark.django_db

PAGE = "page"  # members and administrators
ADMIN = "admin"  # administrators only: members get 403
SPECIAL = "special"  # not employer-scoped: tested below


@dataclass(frozen=True)
class Spec:
    kind: str
    args: Callable[[Any, Any], list] = lambda e, user: []
    post: Callable[[Any], dict] = field(default=lambda e: {})


def _upload_token(e, user) -> list:
    owner = user if user.is_authenticated and user in (e.boss, e.clerk) else e.clerk
    plan = services.watch_upload_plan(
        actor=owner,
        employer=e.bayview,
        data=f"certification_number,last_name\n{e.okafor.number},Okafor\n".encode(),
    )
    return [services.watch_upload_store(plan)]


def _invitation(e) -> EmployerInvitation:
    invitation, _token = services.employer_invite(
        actor=e.boss, employer=e.bayview, email="new@bayview.test", role="member"
    )
    return invitation


def _endpoint(e) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.filter(employer=e.bayview).first()
    return endpoint or WebhookEndpoint.objects.create(
        employer=e.bayview, url="http://127.0.0.1:9/", secret="whsec_" + "A" * 44
    )


def _delivery(e) -> WebhookDelivery:
    return WebhookDelivery.objects.create(
        endpoint=_endpoint(e),
        message_id="msg_test",
        event_type="webhook.test",
        payload={"type": "webhook.test"},
        status="failed",
    )


SPECS: dict[str, Spec] = {
    "pick": Spec(SPECIAL),
    "signup": Spec(SPECIAL),
    "invitation_accept": Spec(SPECIAL),
    "invitation_link": Spec(SPECIAL),
    "watchlist": Spec(PAGE, post=lambda e: {"number": e.okafor.number, "last_name": "Okafor"}),
    "watchlist_csv": Spec(PAGE),
    "watch_remove": Spec(PAGE, lambda e, u: [e.watch.pk]),
    "watch_upload": Spec(
        PAGE,
        post=lambda e: {
            "file": SimpleUploadedFile(
                "w.csv", f"certification_number,last_name\n{e.okafor.number},Okafor\n".encode()
            )
        },
    ),
    "watch_upload_template": Spec(PAGE),
    "watch_upload_preview": Spec(PAGE, _upload_token),
    "settings": Spec(
        ADMIN,
        post=lambda e: {
            "notice_mode": "digest",
            "contact_name": "X",
            "contact_email": "x@bayview.test",
        },
    ),
    "staff": Spec(ADMIN, post=lambda e: {"email": "z@bayview.test", "role": "member"}),
    "membership_remove": Spec(
        ADMIN,
        lambda e, u: [EmployerMembership.objects.get(employer=e.bayview, user=e.clerk).pk],
    ),
    "invitation_revoke": Spec(ADMIN, lambda e, u: [_invitation(e).pk]),
    "notices": Spec(PAGE),
    "webhooks": Spec(ADMIN, post=lambda e: {"url": "https://hooks.bayview.test/peers"}),
    "webhook": Spec(ADMIN, lambda e, u: [_endpoint(e).pk], lambda e: {"enabled": "false"}),
    "webhook_test": Spec(ADMIN, lambda e, u: [_endpoint(e).pk]),
    "webhook_resend": Spec(ADMIN, lambda e, u: [_delivery(e).pk]),
}


def snapshot() -> tuple:
    return (
        list(Employer.objects.order_by("pk").values_list("pk", "notice_mode", "contact_email")),
        list(EmployerMembership.objects.order_by("pk").values_list("pk", "role")),
        list(
            EmployerInvitation.objects.order_by("pk").values_list("pk", "accepted_at", "revoked_at")
        ),
        list(Watch.objects.order_by("pk").values_list("pk", "employer_id", "certification_id")),
        list(WebhookEndpoint.objects.order_by("pk").values_list("pk", "enabled")),
        list(WebhookDelivery.objects.order_by("pk").values_list("pk", "status")),
        AuditEvent.objects.count(),
    )


def test_every_employer_url_has_a_spec():
    names = {p.name for p in urlpatterns if isinstance(p, URLPattern)}
    assert names == set(SPECS)


def _url(name: str, e, user) -> str:
    return reverse(f"employers_portal:{name}", args=[e.bayview.pk, *SPECS[name].args(e, user)])


SCOPED = [name for name, spec in SPECS.items() if spec.kind != SPECIAL]


@pytest.mark.parametrize("name", SCOPED)
def test_anonymous_visitors_are_sent_to_sign_in(client, cast, employers, name):
    url = _url(name, employers, cast.anonymous)
    before = snapshot()
    for response in (client.get(url), client.post(url, SPECS[name].post(employers))):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert snapshot() == before


@pytest.mark.parametrize("name", SCOPED)
@pytest.mark.parametrize("who", ["applicant", "admin", "state", "rival"])
def test_outsiders_get_404_and_change_nothing(client, cast, employers, name, who):
    user = getattr(employers, who, None) or getattr(cast, who)
    url = _url(name, employers, user)
    client.force_login(user)
    before = snapshot()
    assert client.get(url).status_code == 404
    assert client.post(url, SPECS[name].post(employers)).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("name", SCOPED)
def test_members_read_and_administrators_manage(client, employers, name):
    client.force_login(employers.clerk)
    url = _url(name, employers, employers.clerk)
    if SPECS[name].kind == ADMIN:
        before = snapshot()
        assert client.get(url).status_code == 403
        assert client.post(url, SPECS[name].post(employers)).status_code == 403
        assert snapshot() == before
    else:
        assert client.get(url).status_code == 200
    client.force_login(employers.boss)
    assert client.get(_url(name, employers, employers.boss)).status_code == 200


def test_the_picker_and_signup_need_a_sign_in(client, cast):
    for name in ("pick", "signup"):
        response = client.get(reverse(f"employers_portal:{name}"))
        assert response.status_code == 302
    client.force_login(cast.applicant)
    assert client.get(reverse("employers_portal:pick")).status_code == 200
    response = client.post(
        reverse("employers_portal:signup"),
        {"name": "Eastside", "contact_name": "Ana", "contact_email": "ana@eastside.test"},
    )
    employer = Employer.objects.get(name="Eastside")
    assert response["Location"] == reverse("employers_portal:watchlist", args=[employer.pk])


def test_an_invitation_link_for_someone_else_changes_nothing(client, cast, employers):
    _invitation_row, token = services.employer_invite(
        actor=employers.boss, employer=employers.bayview, email="applicant@cast.test", role="member"
    )
    url = reverse("employers_portal:invitation_accept")
    client.force_login(cast.other_applicant)
    before = snapshot()
    link = client.get(reverse("employers_portal:invitation_link", args=[token]))
    assert link["Location"] == url  # the token traded for the session (issue 18, item 8)
    response = client.post(url)
    assert response.status_code == 200
    # Under the wall the invitation of another address is not even found.
    assert "This invitation link is not valid." in response.content.decode()
    assert snapshot() == before
    client.force_login(cast.applicant)
    client.get(reverse("employers_portal:invitation_link", args=[token]))
    response = client.post(url)
    assert response.status_code == 302
    assert EmployerMembership.objects.filter(
        employer=employers.bayview, user=cast.applicant
    ).exists()


# --- the second wall -----------------------------------------------------------------------

TABLES = {
    "employers": Employer,
    "memberships": EmployerMembership,
    "invitations": EmployerInvitation,
    "watches": Watch,
    "endpoints": WebhookEndpoint,
    "deliveries": WebhookDelivery,
}


def _wall_ids(user) -> dict[str, set[int]]:
    """What the database itself shows `user` (no selector involved)."""
    with rls_context(user):
        return {
            name: set(model.objects.values_list("pk", flat=True)) for name, model in TABLES.items()
        }


def test_row_level_security_repeats_the_selectors(cast, employers):
    _invitation(employers)
    everyone = {**cast.everyone, **employers.everyone}
    for name, user in everyone.items():
        seen = _wall_ids(user)
        assert seen["employers"] >= set(employers_for(user).values_list("pk", flat=True)), name
        assert seen["watches"] == set(watches_for(user).values_list("pk", flat=True)) | set(
            Watch.objects.filter(certification__holder_id=getattr(user, "pk", None)).values_list(
                "pk", flat=True
            )
        ), name
    bay = employers.bayview.pk
    delivery = _delivery(employers)
    # Endpoints (their secrets) and deliveries: the employer's administrators only.
    assert _wall_ids(employers.boss)["deliveries"] == {delivery.pk}
    assert _wall_ids(employers.clerk)["endpoints"] == set()
    assert _wall_ids(employers.rival)["deliveries"] == set()
    assert _wall_ids(employers.rival)["watches"] == set()
    assert _wall_ids(employers.clerk)["watches"] == {employers.watch.pk}
    assert _wall_ids(cast.state) == {name: set() for name in TABLES}
    assert _wall_ids(cast.anonymous) == {name: set() for name in TABLES}
    # The watched peer sees the watch and the employer's name, nothing else of it.
    peer = _wall_ids(cast.applicant)
    assert (peer["watches"], peer["employers"], peer["memberships"]) == (
        {employers.watch.pk},
        {bay},
        set(),
    )
    assert list(watching_employers_of(cast.applicant)) == [employers.bayview]


def test_the_wall_refuses_writes_in_another_employers_name(employers):
    before = snapshot()
    with rls_context(employers.rival):
        assert Watch.objects.filter(pk=employers.watch.pk).delete()[0] == 0
        assert Employer.objects.filter(pk=employers.bayview.pk).update(name="Taken") == 0
        with pytest.raises(ProgrammingError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO employers_watch (employer_id, certification_id, added_at) "
                "VALUES (%s, %s, now())",
                [employers.bayview.pk, employers.okafor.pk],
            )
    assert snapshot() == before


def test_registry_changes_are_public_and_written_by_the_system_only(cast, employers):
    with rls_context(system=True):
        RegistryChange.objects.create(
            event_id="00000000-0000-0000-0000-000000000001",
            certification=employers.reyes,
            kind="suspended",
            occurred_at="2025-01-01T00:00:00Z",
        )
    with rls_context(cast.anonymous):
        assert RegistryChange.objects.count() == 1
        with pytest.raises(ProgrammingError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO employers_registrychange (event_id, certification_id, kind, "
                "occurred_at, data, created_at) VALUES (gen_random_uuid(), %s, 'revoked', "
                "now(), '{}', now())",
                [employers.reyes.pk],
            )


def test_the_wall_of_the_exclusion_queue(cast, employers):
    """Possible matches: the certifying county's staff and state staff; a watching employer
    only once confirmed; nobody else. Only county staff of that county change them."""
    from employers.models import ExclusionEntry, ExclusionListLoad, ExclusionMatch

    load = ExclusionListLoad.objects.create(source="oig_leie", file_name="UPDATED.csv")
    entry = ExclusionEntry.objects.create(
        load=load, line=2, last_name="REYES", first_name="ANA", last_key="reyes", first_key="ana"
    )
    match = ExclusionMatch.objects.create(
        certification=employers.reyes,
        county=employers.reyes.issuing_county,
        entry=entry,
        source="oig_leie",
        fingerprint="f",
        score=70,
    )

    def seen(user) -> tuple[int, int]:
        with rls_context(user):
            return ExclusionMatch.objects.count(), ExclusionListLoad.objects.count()

    assert seen(cast.reviewer) == (1, 1)
    assert seen(cast.state) == (1, 1)
    assert seen(cast.other_admin) == (0, 1)
    for outsider in (employers.boss, cast.applicant, cast.anonymous):
        assert seen(outsider) == (0, 0)
    with rls_context(cast.other_admin):
        assert ExclusionMatch.objects.filter(pk=match.pk).update(status="dismissed") == 0
    ExclusionMatch.objects.filter(pk=match.pk).update(status="confirmed")
    assert seen(employers.boss)[0] == 1
    assert seen(employers.rival)[0] == 0
    match.refresh_from_db()
    assert match.status == "confirmed"
