"""County administration: staff (invite by email, accept, change roles, remove, withdraw an
invitation) and opt-in settings. Reviewers and state staff manage nothing."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from core.errors import DomainError
from counties.models import CountyMembership, OptInPeriod, StaffInvitation
from counties.services import invitations as invitation_services
from tests.factories import MembershipFactory, UserFactory


def _url(name: str, *args) -> str:
    return reverse(f"workspace:{name}", args=["alameda", *args])


def _invite(cast, email="new.person@example.org", role="reviewer"):
    return invitation_services.staff_invite(
        actor=cast.admin, county=cast.county, email=email, role=role
    )


def test_invite_by_email_from_the_staff_page(cast, client, django_capture_on_commit_callbacks):
    client.force_login(cast.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url("staff"), {"email": "New.Person@Example.org", "role": "reviewer"}
        )
    assert response.status_code == 302
    invitation = StaffInvitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "new.person@example.org",
        "reviewer",
        cast.admin,
    )
    assert invitation.expires_at > timezone.now() + datetime.timedelta(days=13)
    (message,) = mail.outbox
    assert message.to == ["new.person@example.org"]
    assert "Alameda" in message.subject
    assert "/county/invitations/" in message.body
    assert message.extra_headers["X-Peercert-Kind"] == "staff_invitation"
    page = client.get(_url("staff"))
    assert [i.pk for i in page.context["invitations"]] == [invitation.pk]


def test_accepting_adds_the_membership(cast, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _invitation, token = _invite(cast)
    link = mail.outbox[0].body.split("http://127.0.0.1:8000")[1].split()[0]
    assert link == reverse("workspace:invitation_link", args=[token])
    accept = reverse("workspace:invitation_accept")

    # The link's token is exchanged for the session at once: the sign-in's `next=` and every
    # later URL are key-less (issue 18, item 8).
    client.logout()
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == accept
    response = client.get(accept)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert token not in response["Location"]

    newcomer = UserFactory(email="new.person@example.org")
    client.force_login(newcomer)
    page = client.get(link, follow=True)
    assert page.redirect_chain == [(accept, 302)]
    assert page.status_code == 200
    assert b"Accept the invitation" in page.content
    response = client.post(accept)
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:dashboard", args=["alameda"])
    assert CountyMembership.objects.get(user=newcomer).role == "reviewer"
    assert StaffInvitation.objects.get().accepted_by == newcomer
    # The link works once.
    client.get(link)
    again = client.post(accept)
    assert again.status_code == 409
    assert CountyMembership.objects.filter(user=newcomer).count() == 1


def test_the_link_refuses_another_address_expired_and_withdrawn(cast, client):
    invitation, token = _invite(cast)
    link = reverse("workspace:invitation_accept")
    client.force_login(cast.applicant)
    client.get(reverse("workspace:invitation_link", args=[token]))
    response = client.post(link)
    assert response.status_code == 409
    assert b"another email address" in response.content
    assert not CountyMembership.objects.filter(user=cast.applicant).exists()

    newcomer = UserFactory(email="new.person@example.org")
    client.force_login(newcomer)
    client.get(reverse("workspace:invitation_link", args=[token]))
    StaffInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert client.post(link).status_code == 409
    StaffInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() + datetime.timedelta(days=1), revoked_at=timezone.now()
    )
    assert client.post(link).status_code == 409
    client.get(reverse("workspace:invitation_link", args=["nonsense"]))
    assert client.post(link).status_code == 404
    assert not CountyMembership.objects.filter(user=newcomer).exists()


def test_inviting_again_replaces_the_pending_invitation(cast):
    first, first_token = _invite(cast)
    second, _token = _invite(cast, role="admin")
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert invitation_services.staff_invitation_find(first_token).revoked_at is not None
    assert StaffInvitation.objects.filter(revoked_at__isnull=True).get() == second


def test_members_cannot_be_invited_again(cast):
    with pytest.raises(DomainError) as refused:
        _invite(cast, email=cast.reviewer.email)
    assert refused.value.field == "email"
    assert not StaffInvitation.objects.exists()


@pytest.mark.parametrize("who", ["reviewer", "state", "other_admin"])
def test_only_admins_invite(who, cast):
    with pytest.raises(PermissionDenied):
        invitation_services.staff_invite(
            actor=getattr(cast, who), county=cast.county, email="x@example.org", role="reviewer"
        )
    assert not StaffInvitation.objects.exists()


def test_invitation_dies_with_the_inviters_admin_role(cast, client):
    _invitation, token = _invite(cast)
    second_admin = MembershipFactory(county=cast.county, role="admin").user
    CountyMembership.objects.filter(user=cast.admin).update(role="reviewer")
    newcomer = UserFactory(email="new.person@example.org")
    with pytest.raises(DomainError):
        invitation_services.staff_invitation_accept(user=newcomer, token=token)
    assert not CountyMembership.objects.filter(user=newcomer).exists()
    assert second_admin


def test_change_role_and_remove(cast, world, client):
    client.force_login(cast.admin)
    membership = world.reviewer_membership
    response = client.post(_url("membership_role", membership.pk), {"role": "admin"})
    assert response.status_code == 302
    assert CountyMembership.objects.get(pk=membership.pk).role == "admin"
    response = client.post(_url("membership_remove", membership.pk), {})
    assert response.status_code == 302
    assert not CountyMembership.objects.filter(user=cast.reviewer, county=cast.county).exists()
    client.force_login(cast.reviewer)
    assert client.get(_url("dashboard")).status_code == 404


def test_the_last_admin_cannot_leave(cast, client):
    membership = CountyMembership.objects.get(user=cast.admin)
    client.force_login(cast.admin)
    response = client.post(_url("membership_remove", membership.pk), {})
    assert response.status_code == 302
    assert CountyMembership.objects.filter(pk=membership.pk).exists()


def test_withdraw_an_invitation(cast, client):
    invitation, token = _invite(cast)
    client.force_login(cast.admin)
    response = client.post(_url("invitation_revoke", invitation.pk), {})
    assert response.status_code == 302
    assert StaffInvitation.objects.get(pk=invitation.pk).revoked_at is not None
    assert invitation_services.invitation_problem(
        invitation_services.staff_invitation_find(token), cast.admin
    )


def test_other_county_membership_is_404(cast, client):
    fresno = CountyMembership.objects.get(user=cast.other_admin)
    client.force_login(cast.admin)
    assert client.post(_url("membership_remove", fresno.pk), {}).status_code == 404
    assert CountyMembership.objects.filter(pk=fresno.pk).exists()


def test_opt_in_change_keeps_history(cast, client):
    client.force_login(cast.admin)
    today = timezone.localdate()
    response = client.post(
        _url("opt_in"),
        {
            "delivery_system": "dmc",
            "opted_in": "true",
            "effective_from": (today - datetime.timedelta(days=30)).isoformat(),
            "reason": "Board resolution 2025-14.",
        },
    )
    assert response.status_code == 302
    response = client.post(
        _url("opt_in"),
        {
            "delivery_system": "dmc",
            "opted_in": "false",
            "effective_from": today.isoformat(),
            "reason": "Board resolution 2025-30.",
        },
    )
    assert response.status_code == 302
    periods = list(
        OptInPeriod.objects.filter(county=cast.county, delivery_system="dmc").order_by(
            "effective_from", "pk"
        )
    )
    assert [(p.opted_in, p.effective_to) for p in periods[-2:]] == [
        (True, today - datetime.timedelta(days=1)),
        (False, None),
    ]
    page = client.get(_url("opt_in"))
    assert b"Board resolution 2025-14." in page.content
    current = dict(page.context["current"])
    assert current["Drug Medi-Cal State Plan"].opted_in is False


def test_opt_in_reason_required_and_reviewer_refused(cast, client):
    count = OptInPeriod.objects.count()
    events = AuditEvent.objects.count()
    client.force_login(cast.admin)
    data = {
        "delivery_system": "smhs",
        "opted_in": "false",
        "effective_from": timezone.localdate().isoformat(),
        "reason": "",
    }
    response = client.post(_url("opt_in"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    client.force_login(cast.reviewer)
    assert client.get(_url("opt_in")).status_code == 403
    assert client.post(_url("opt_in"), {**data, "reason": "x"}).status_code == 403
    assert (OptInPeriod.objects.count(), AuditEvent.objects.count()) == (count, events)


def test_the_accept_page_without_a_link_in_the_session_is_404_and_changes_nothing(cast, client):
    _invite(cast)
    newcomer = UserFactory(email="new.person@example.org")
    client.force_login(newcomer)
    assert client.post(reverse("workspace:invitation_accept")).status_code == 404
    assert not CountyMembership.objects.filter(user=newcomer).exists()
