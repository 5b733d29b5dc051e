"""Cases: opened with their deadlines, assigned, moved through their stages, extended once;
each audited and on the timeline; private to the handling county and state staff (access
layer and row-level security alone); a confirmed exclusion match opens exactly one case."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import ProgrammingError
from django.http import Http404
from django.utils import timezone

from audit.models import AuditEvent
from cases import rules, services
from cases.models import Case, CaseEvent
from cases.selectors import case_get, case_timeline, cases_for
from core.errors import DomainError
from employers.models import ExclusionEntry, ExclusionListLoad, ExclusionMatch
from employers.services.exclusions import exclusion_match_decide
from tests.factories import CertificationFactory
from tests.security.test_rls import acting_as

pytestmark = pytest.mark.django_db


def _open(cast, county=None, **kw) -> Case:
    certification = kw.pop("certification", None) or CertificationFactory(
        issuing_county=cast.county
    )
    return services.case_open(
        actor=kw.pop("actor", cast.reviewer),
        county=county or cast.county,
        source=kw.pop("source", "phone_letter"),
        category=kw.pop("category", "boundaries"),
        summary=kw.pop("summary", "Caller reports a boundary violation."),
        received_on=kw.pop("received_on", datetime.date(2026, 9, 4)),
        certification=certification,
        **kw,
    )


def _snapshot():
    return (
        list(Case.objects.order_by("pk").values_list("pk", "stage", "resolution_due")),
        CaseEvent.objects.count(),
        AuditEvent.objects.count(),
    )


def test_open_sets_the_deadlines_and_the_timeline(cast):
    case = _open(cast)
    assert (case.acknowledgement_due, case.resolution_due) == (
        datetime.date(2026, 9, 14),  # Labor Day skipped
        datetime.date(2026, 12, 3),
    )
    assert case.subject == case.certification.holder
    assert case.stage == "intake" and case.acknowledged_at is None
    assert list(case.events.values_list("kind", flat=True)) == ["opened"]
    assert AuditEvent.objects.filter(verb="case_open", object_id=case.pk).count() == 1


@pytest.mark.parametrize(
    ("field", "kw"),
    [
        ("summary", {"summary": "  "}),
        ("category", {"category": "nonsense"}),
        ("source", {"source": "rumour"}),
        ("received_on", {"received_on": timezone.localdate() + datetime.timedelta(days=1)}),
    ],
)
def test_bad_input_is_refused_with_its_field(cast, field, kw):
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        _open(cast, **kw)
    assert caught.value.field == field
    assert _snapshot() == before


def test_a_subject_is_required(cast):
    with pytest.raises(DomainError) as caught:
        services.case_open(
            actor=cast.reviewer,
            county=cast.county,
            source="phone_letter",
            category="respect",
            summary="Letter.",
            received_on=datetime.date(2026, 9, 4),
        )
    assert caught.value.field == "subject_name"
    case = services.case_open(
        actor=cast.reviewer,
        county=cast.county,
        source="phone_letter",
        category="respect",
        summary="Letter.",
        received_on=datetime.date(2026, 9, 4),
        subject_name="  Jo   Doe ",
    )
    assert case.subject_name == "Jo Doe"


def test_stages_move_as_the_rules_allow_and_refusals_change_nothing(cast):
    case = _open(cast)
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        services.case_advance(actor=cast.reviewer, case=case, to="decision")
    assert caught.value.code == "conflict"
    with pytest.raises(DomainError):
        services.case_advance(actor=cast.reviewer, case=case, to="nowhere")
    assert _snapshot() == before
    services.case_advance(actor=cast.reviewer, case=case, to="investigation")
    case.refresh_from_db()
    assert case.stage == "investigation" and case.acknowledged_at is not None
    services.case_advance(actor=cast.reviewer, case=case, to="findings")
    services.case_advance(actor=cast.reviewer, case=case, to="investigation", note="More.")
    services.case_advance(actor=cast.reviewer, case=case, to="findings")
    services.case_advance(actor=cast.reviewer, case=case, to="decision")
    with pytest.raises(DomainError) as caught:
        services.case_advance(actor=cast.reviewer, case=case, to="closed")
    assert caught.value.field == "note"
    services.case_advance(actor=cast.reviewer, case=case, to="closed", note="Warning letter.")
    case.refresh_from_db()
    assert case.stage == "closed" and case.closed_at is not None
    for to in rules.STAGES:
        with pytest.raises(DomainError):
            services.case_advance(actor=cast.reviewer, case=case, to=to, note="x")
    assert list(case.events.values_list("to_stage", flat=True))[1:] == [
        "investigation",
        "findings",
        "investigation",
        "findings",
        "decision",
        "closed",
    ]


def test_assign_and_extend_are_the_administrators_and_the_extension_happens_once(cast):
    case = _open(cast)
    before = _snapshot()
    for actor in (cast.reviewer, cast.other_admin, cast.state, cast.applicant):
        with pytest.raises(PermissionDenied):
            services.case_assign(actor=actor, case=case, investigator=cast.reviewer)
        with pytest.raises(PermissionDenied):
            services.case_extend(actor=actor, case=case, reason="Witness away.")
    with pytest.raises(DomainError) as caught:
        services.case_assign(actor=cast.admin, case=case, investigator=cast.other_admin)
    assert caught.value.field == "investigator"
    with pytest.raises(DomainError) as caught:
        services.case_extend(actor=cast.admin, case=case, reason="   ")
    assert caught.value.field == "reason"
    assert _snapshot() == before
    services.case_assign(actor=cast.admin, case=case, investigator=cast.reviewer)
    services.case_extend(actor=cast.admin, case=case, reason="Witness away until March.")
    case.refresh_from_db()
    assert case.investigator == cast.reviewer
    assert case.resolution_due == datetime.date(2027, 1, 2)
    assert case.extension_reason == "Witness away until March."
    with pytest.raises(DomainError) as caught:
        services.case_extend(actor=cast.admin, case=case, reason="Again.")
    assert caught.value.code == "conflict"
    case.refresh_from_db()
    assert case.resolution_due == datetime.date(2027, 1, 2)
    assert set(AuditEvent.objects.filter(object_id=case.pk).values_list("verb", flat=True)) >= {
        "case_assign",
        "case_extend",
    }


def test_another_county_and_state_staff_write_nothing(cast):
    case = _open(cast)
    before = _snapshot()
    for actor in (cast.other_admin, cast.state, cast.applicant):
        with pytest.raises(PermissionDenied):
            services.case_advance(actor=actor, case=case, to="investigation")
        with pytest.raises(PermissionDenied):
            _open(cast, actor=actor)
    assert _snapshot() == before


def test_state_cases_are_for_state_staff(cast):
    certification = CertificationFactory(issuing_county=cast.county)
    case = services.case_open(
        actor=cast.state,
        county=None,
        source="complaint",
        category="integrity",
        summary="No county program.",
        received_on=datetime.date(2026, 9, 4),
        certification=certification,
    )
    services.case_advance(actor=cast.state, case=case, to="investigation")
    with pytest.raises(PermissionDenied):
        services.case_advance(actor=cast.admin, case=case, to="closed", note="x")
    assert list(cases_for(cast.admin)) == []
    assert list(cases_for(cast.state)) == [case]


def test_the_access_layer_shows_a_case_to_its_county_and_state_staff_only(cast):
    case = _open(cast)
    assert list(cases_for(cast.reviewer)) == [case]
    assert list(cases_for(cast.state)) == [case]
    for who in ("anonymous", "applicant", "other_applicant", "other_admin"):
        assert list(cases_for(cast.everyone[who])) == [], who
    assert case_timeline(cast.other_admin, case).count() == 0
    assert case_timeline(cast.reviewer, case).count() == 1
    with pytest.raises(Http404):
        case_get(cast.other_admin, case.pk, county=cast.other_county)
    with pytest.raises(Http404):
        case_get(cast.reviewer, "x", county=cast.county)
    # The subject of the case reads nothing of it either.
    assert list(cases_for(case.subject)) == []


def test_row_level_security_alone_keeps_cases_private(cast):
    case = _open(cast)
    fresno_case = _open(
        cast,
        county=cast.other_county,
        actor=cast.other_admin,
        certification=CertificationFactory(issuing_county=cast.other_county),
    )
    tables = ("cases_case", "cases_caseevent")
    expected = {
        "anonymous": set(),
        "applicant": set(),
        "reviewer": {case.pk},
        "admin": {case.pk},
        "other_admin": {fresno_case.pk},
        "state": {case.pk, fresno_case.pk},
    }
    for who, ids in expected.items():
        with acting_as(cast.everyone[who]) as cursor:
            cursor.execute("SELECT id FROM cases_case")
            assert {row[0] for row in cursor.fetchall()} == ids, who
            cursor.execute("SELECT DISTINCT case_id FROM cases_caseevent")
            assert {row[0] for row in cursor.fetchall()} == ids, who
    with acting_as(cast.other_admin) as cursor:
        cursor.execute("UPDATE cases_case SET stage = 'closed' WHERE id = %s", [case.pk])
        assert cursor.rowcount == 0
    with acting_as(cast.other_admin) as cursor, pytest.raises(ProgrammingError, match="row-level"):
        cursor.execute(
            "INSERT INTO cases_caseevent (case_id, county_id, at, kind, from_stage, to_stage, "
            "note) VALUES (%s, %s, now(), 'x', '', '', '')",
            [case.pk, cast.county.pk],
        )
    for table in tables:
        with acting_as(cast.admin) as cursor, pytest.raises(ProgrammingError, match="denied"):
            cursor.execute(f"DELETE FROM {table}")
    case.refresh_from_db()
    assert case.stage == "intake" and case.events.count() == 1


def _match(cast) -> ExclusionMatch:
    certification = CertificationFactory(issuing_county=cast.county)
    load = ExclusionListLoad.objects.create(source="oig_leie", file_name="UPDATED.csv")
    entry = ExclusionEntry.objects.create(
        load=load, line=2, last_name="REYES", first_name="ANA", last_key="reyes", first_key="ana"
    )
    return ExclusionMatch.objects.create(
        certification=certification,
        county=cast.county,
        entry=entry,
        source="oig_leie",
        fingerprint=f"f{entry.pk}",
        score=100,
        exact=True,
    )


def test_a_confirmed_exclusion_match_opens_one_case(cast):
    match = _match(cast)
    exclusion_match_decide(actor=cast.reviewer, match=match, confirmed=True, note="Same DOB.")
    [case] = Case.objects.all()
    assert (case.source, case.category, case.source_ref) == (
        "exclusion_match",
        "exclusion",
        f"exclusion_match:{match.pk}",
    )
    assert (case.county, case.certification) == (cast.county, match.certification)
    assert case.acknowledged_at is not None  # nobody complained: nothing to acknowledge
    # A double click or a retry: the decision is refused, and still one case.
    with pytest.raises(DomainError):
        exclusion_match_decide(actor=cast.reviewer, match=match, confirmed=True, note="Again.")
    again = services.case_open(
        actor=None,
        county=cast.county,
        source="exclusion_match",
        category="exclusion",
        summary="Retried.",
        received_on=timezone.localdate(),
        certification=match.certification,
        source_ref=f"exclusion_match:{match.pk}",
    )
    assert again == case
    assert Case.objects.count() == 1 and case.events.count() == 1


def test_a_dismissed_match_opens_no_case(cast):
    match = _match(cast)
    exclusion_match_decide(actor=cast.reviewer, match=match, confirmed=False)
    assert Case.objects.count() == 0
