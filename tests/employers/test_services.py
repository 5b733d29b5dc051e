"""The employer services: signing up, staff, the watchlist by number and last name, and the
CSV upload. Every refusal leaves everything as it was."""

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from core.errors import DomainError
from employers import services
from employers.models import Employer, EmployerInvitation, EmployerMembership, Watch

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        list(Watch.objects.order_by("pk").values_list("pk", "employer_id", "certification_id")),
        list(EmployerMembership.objects.order_by("pk").values_list("pk", "role")),
        Employer.objects.count(),
        AuditEvent.objects.count(),
    )


def test_registering_makes_the_person_its_administrator(cast):
    employer = services.employer_register(
        actor=cast.other_applicant,
        name="  Eastside   Recovery ",
        contact_name="Dee Lee",
        contact_email="DEE@Eastside.test",
    )
    assert (employer.name, employer.contact_email) == ("Eastside Recovery", "dee@eastside.test")
    membership = EmployerMembership.objects.get(employer=employer)
    assert (membership.user, membership.role) == (cast.other_applicant, "admin")
    assert AuditEvent.objects.filter(verb="employer_register", object_id=employer.pk).count() == 1


@pytest.mark.parametrize("who", ["anonymous", "state"])
def test_anonymous_and_state_staff_cannot_register(cast, who):
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        services.employer_register(
            actor=getattr(cast, who), name="X", contact_name="Y", contact_email="y@x.test"
        )
    assert _snapshot() == before


def test_a_blank_name_is_refused_at_its_field(cast):
    with pytest.raises(DomainError) as caught:
        services.employer_register(
            actor=cast.applicant, name=" ", contact_name="Y", contact_email="y@x.test"
        )
    assert caught.value.field == "name"
    assert Employer.objects.count() == 0


def test_adding_needs_the_number_and_the_last_name_both(employers):
    watch = services.watch_add(
        actor=employers.clerk,
        employer=employers.bayview,
        number=f" {employers.other.number.lower()} ",
        last_name="DIAZ",
    )
    assert watch.certification == employers.other
    before = _snapshot()
    for number, last_name in (
        (employers.okafor.number, "Reyes"),
        ("PSS-9999999", "Okafor"),
        (employers.okafor.number, ""),
    ):
        with pytest.raises(DomainError) as caught:
            services.watch_add(
                actor=employers.clerk,
                employer=employers.bayview,
                number=number,
                last_name=last_name,
            )
        assert caught.value.field == "number"
    assert _snapshot() == before


def test_a_wrong_name_and_an_unknown_number_are_refused_alike(employers):
    messages = set()
    for number, last_name in ((employers.okafor.number, "Smith"), ("PSS-9999999", "Okafor")):
        with pytest.raises(DomainError) as caught:
            services.watch_add(
                actor=employers.boss, employer=employers.bayview, number=number, last_name=last_name
            )
        messages.add(caught.value.message)
    assert messages == {"No certification matches that number and last name."}


def test_watching_twice_is_a_conflict(employers):
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        services.watch_add(
            actor=employers.boss,
            employer=employers.bayview,
            number=employers.reyes.number,
            last_name="Reyes",
        )
    assert caught.value.code == "conflict"
    assert _snapshot() == before


@pytest.mark.parametrize("who", ["rival", "applicant", "admin", "state"])
def test_outsiders_keep_no_one_elses_watchlist(employers, cast, who):
    actor = getattr(employers, who, None) or getattr(cast, who)
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        services.watch_add(
            actor=actor,
            employer=employers.bayview,
            number=employers.okafor.number,
            last_name="Okafor",
        )
    with pytest.raises(PermissionDenied):
        services.watch_remove(actor=actor, watch=employers.watch)
    assert _snapshot() == before


def test_removing_a_watch(employers):
    services.watch_remove(actor=employers.clerk, watch=employers.watch)
    assert not Watch.objects.filter(pk=employers.watch.pk).exists()


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def test_the_upload_previews_every_row_then_adds_the_good_ones(employers):
    data = _csv(
        "Certification Number,Last Name",
        f"{employers.okafor.number},okafor",
        f"{employers.reyes.number},Reyes",
        f"{employers.okafor.number},Okafor",
        "PSS-9999999,Nobody",
        f"{employers.other.number},",
        f"{employers.other.number.lower()},Díaz",
    )
    plan = services.watch_upload_plan(actor=employers.clerk, employer=employers.bayview, data=data)
    assert [(row.line, row.outcome) for row in plan.rows] == [
        (2, "ok"),
        (3, "already"),
        (4, "duplicate"),
        (5, "no_match"),
        (6, "malformed"),
        (7, "ok"),
    ]
    assert Watch.objects.filter(employer=employers.bayview).count() == 1
    token = services.watch_upload_store(plan)
    added = services.watch_upload_commit(
        actor=employers.clerk, employer=employers.bayview, token=token
    )
    assert added == 2
    assert set(
        Watch.objects.filter(employer=employers.bayview).values_list("certification", flat=True)
    ) == {employers.reyes.pk, employers.okafor.pk, employers.other.pk}
    with pytest.raises(DomainError):  # a plan is used once
        services.watch_upload_commit(actor=employers.clerk, employer=employers.bayview, token=token)


def test_another_person_cannot_confirm_someone_elses_upload(employers):
    plan = services.watch_upload_plan(
        actor=employers.clerk,
        employer=employers.bayview,
        data=_csv("certification_number,last_name", f"{employers.okafor.number},Okafor"),
    )
    token = services.watch_upload_store(plan)
    assert (
        services.watch_upload_get(actor=employers.boss, employer=employers.bayview, token=token)
        is None
    )
    before = _snapshot()
    with pytest.raises(DomainError):
        services.watch_upload_commit(actor=employers.boss, employer=employers.bayview, token=token)
    assert _snapshot() == before


@pytest.mark.parametrize(
    "data, message",
    [
        (b"\xff\xfe\x00bad", "The file is not UTF-8 text. Save it as CSV (UTF-8)."),
        (
            b"name,email\nA,b\n",
            "The first line must name the columns certification_number and last_name.",
        ),
        (b"certification_number,last_name\n", "The file has no rows under its header."),
        (b"a\x00b", "The file is not a CSV text file."),
    ],
)
def test_unreadable_files_are_refused_at_the_file_field(employers, data, message):
    with pytest.raises(DomainError) as caught:
        services.watch_upload_plan(actor=employers.boss, employer=employers.bayview, data=data)
    assert (caught.value.field, caught.value.message) == ("file", message)


def test_invitation_accepted_by_the_invited_address(employers, cast):
    invitation, token = services.employer_invite(
        actor=employers.boss, employer=employers.bayview, email="Applicant@Cast.test", role="member"
    )
    with pytest.raises(DomainError):
        services.employer_invitation_accept(user=cast.other_applicant, token=token)
    membership = services.employer_invitation_accept(user=cast.applicant, token=token)
    assert (membership.employer, membership.role) == (employers.bayview, "member")
    invitation.refresh_from_db()
    assert invitation.accepted_by == cast.applicant
    with pytest.raises(DomainError):
        services.employer_invitation_accept(user=cast.applicant, token=token)


def test_members_cannot_invite_and_nothing_changes(employers):
    before = (_snapshot(), EmployerInvitation.objects.count())
    with pytest.raises(PermissionDenied):
        services.employer_invite(
            actor=employers.clerk, employer=employers.bayview, email="x@y.test", role="admin"
        )
    assert (_snapshot(), EmployerInvitation.objects.count()) == before


def test_the_last_administrator_stays(employers):
    boss = EmployerMembership.objects.get(employer=employers.bayview, user=employers.boss)
    before = _snapshot()
    with pytest.raises(DomainError):
        services.employer_membership_remove(actor=employers.boss, membership=boss)
    assert _snapshot() == before
    clerk = EmployerMembership.objects.get(employer=employers.bayview, user=employers.clerk)
    services.employer_membership_remove(actor=employers.boss, membership=clerk)
    assert not EmployerMembership.objects.filter(pk=clerk.pk).exists()
