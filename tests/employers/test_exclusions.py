"""Exclusion screening: both lists read from their published layouts, each load kept with
its counts, every certified peer screened (exact matches flagged, possible ones scored), the
certifying county decides, and nothing ever happens to a certification on its own."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from audit.models import AuditEvent
from certification.models import Certification
from core.errors import DomainError
from employers import exclusion_files, rules
from employers.models import ExclusionListLoad, ExclusionMatch, Notice, RegistryChange
from employers.selectors import exclusion_matches_for
from employers.services import exclusions
from jobs import events
from jobs.models import OutboxMessage
from tests.factories import CertificationFactory, ProfileFactory

pytestmark = pytest.mark.django_db

LEIE_HEADER = (
    "LASTNAME,FIRSTNAME,MIDNAME,BUSNAME,GENERAL,SPECIALTY,UPIN,NPI,DOB,ADDRESS,CITY,STATE,"
    "ZIP,EXCLTYPE,EXCLDATE,REINDATE,WAIVERDATE,WVRSTATE"
)


def leie(*rows: str) -> bytes:
    return ("\n".join([LEIE_HEADER, *rows]) + "\n").encode()


def leie_row(last, first, dob="00000000", busname="", excluded="20240115") -> str:
    return (
        f"{last},{first},,{busname},IND- LIC HC SERV PRO,NURSE/NURSES AIDE,,0000000000,{dob},"
        f"12 MAIN ST,OAKLAND,CA,94601,1128a1,{excluded},00000000,00000000,"
    )


SI_HEADER = (
    "Last Name,First Name,Middle Name,A.K.A.(also known as)/D.B.A.(Doing Business As),"
    "Provider Type,Address(es),License Number,Provider Number,Date of Suspension,Active Period"
)


def medi_cal(*rows: str) -> bytes:
    return ("\n".join([SI_HEADER, *rows]) + "\n").encode()


@pytest.fixture
def peers(cast, employers):
    """Ana Reyes (Alameda, born 1990-05-01, watched by Bayview) and Ben Okafor (Fresno)."""
    profile = cast.applicant.applicant_profile
    profile.date_of_birth = datetime.date(1990, 5, 1)
    profile.save(update_fields=["date_of_birth"])
    return employers


def test_the_leie_layout_is_read_with_entities_counted_and_empty_dates_none():
    parsed = exclusion_files.parse_leie(
        leie(
            leie_row("REYES", "ANA", dob="19900501"),
            leie_row("", "", busname="ACME PHARMACY"),
            leie_row("", "NOLAST"),
        )
    )
    assert (parsed.rows_read, parsed.entities, parsed.rows_skipped) == (3, 1, 1)
    [entry] = parsed.entries
    assert (entry.last_name, entry.first_name, entry.date_of_birth, entry.excluded_on) == (
        "REYES",
        "ANA",
        datetime.date(1990, 5, 1),
        datetime.date(2024, 1, 15),
    )
    assert entry.reinstated_on is None and entry.address == "12 MAIN ST, OAKLAND, CA, 94601"


def test_the_medi_cal_layout_is_read_with_n_a_as_empty():
    parsed = exclusion_files.parse_medi_cal(
        medi_cal(
            'Okafor,Ben,N/A,N/A,Peer Specialist,"1 Elm St, Fresno, CA",N/A,N/A,03/04/2023,'
            "Indefinitely",
            "Sunrise Clinic,N/A,N/A,N/A,Clinic,N/A,N/A,N/A,01/02/2020,Indefinitely",
        )
    )
    assert (parsed.rows_read, parsed.entities) == (2, 1)
    [entry] = parsed.entries
    assert (entry.first_name, entry.middle_name, entry.date_of_birth, entry.excluded_on) == (
        "Ben",
        "",
        None,
        datetime.date(2023, 3, 4),
    )


def test_a_file_of_the_other_layout_is_refused_by_name():
    with pytest.raises(DomainError) as caught:
        exclusion_files.parse_leie(medi_cal("A,B,C,D,E,F,G,H,01/01/2020,X"))
    assert "not the OIG LEIE layout" in caught.value.message


@pytest.mark.parametrize(
    "peer, entry, score, exact",
    [
        (
            ("reyes", "ana", datetime.date(1990, 5, 1)),
            ("reyes", "ana", datetime.date(1990, 5, 1)),
            100,
            True,
        ),
        (("reyes", "ana", datetime.date(1990, 5, 1)), ("reyes", "ana", None), 70, False),
        (
            ("reyes", "ana", datetime.date(1990, 5, 1)),
            ("reyes", "ana", datetime.date(1971, 1, 1)),
            20,
            False,
        ),
        (("reyes", "ana", None), ("reyes", "a", datetime.date(1990, 5, 1)), 55, False),
        (
            ("garcia reyes", "ana", datetime.date(1990, 5, 1)),
            ("reyes", "ana", datetime.date(1990, 5, 1)),
            85,
            False,
        ),
        (
            ("smith", "ana", datetime.date(1990, 5, 1)),
            ("reyes", "ana", datetime.date(1990, 5, 1)),
            60,
            False,
        ),
    ],
)
def test_the_match_score(peer, entry, score, exact):
    result = rules.exclusion_match_score(
        peer_last=peer[0],
        peer_first=peer[1],
        peer_birth_date=peer[2],
        entry_last=entry[0],
        entry_first=entry[1],
        entry_birth_date=entry[2],
    )
    assert (result.score, result.exact) == (score, exact)


def _load_both(peers):
    leie_load = exclusions.exclusion_list_load(
        source="oig_leie",
        data=leie(
            leie_row("REYES", "ANA", dob="19900501"),
            leie_row("REYES", "ANA", dob="19710101"),
            leie_row("", "", busname="ACME PHARMACY"),
        ),
        file_name="UPDATED.csv",
    )
    si_load = exclusions.exclusion_list_load(
        source="medi_cal_si",
        data=medi_cal("OKAFOR,BEN,N/A,N/A,Peer,N/A,N/A,N/A,03/04/2023,Indefinitely"),
        file_name="suspall.csv",
    )
    return leie_load, si_load


def test_loading_screens_every_peer_and_acts_on_nothing(peers):
    statuses = dict(Certification.objects.values_list("pk", "status"))
    leie_load, si_load = _load_both(peers)
    assert (leie_load.rows_read, leie_load.individuals, leie_load.entities) == (3, 2, 1)
    assert leie_load.screened_at is not None and leie_load.matches_found == 1
    exact = ExclusionMatch.objects.get(source="oig_leie")
    assert (exact.certification, exact.county.code, exact.exact, exact.status) == (
        peers.reyes,
        "alameda",
        True,
        "pending",
    )
    possible = ExclusionMatch.objects.get(source="medi_cal_si")
    assert (possible.certification, possible.exact, possible.score) == (peers.okafor, False, 70)
    assert "the list gives no date of birth" in possible.reasons
    # Never on its own: no status changed, no employer told, no notice.
    assert dict(Certification.objects.values_list("pk", "status")) == statuses
    assert (RegistryChange.objects.count(), Notice.objects.count()) == (0, 0)
    assert ExclusionListLoad.objects.count() == 2


def test_the_county_queue_and_who_sees_a_match(cast, peers):
    _load_both(peers)
    reyes_match = ExclusionMatch.objects.get(certification=peers.reyes)
    assert set(exclusion_matches_for(cast.reviewer)) == {reyes_match}
    assert set(exclusion_matches_for(cast.other_admin)) == {
        ExclusionMatch.objects.get(certification=peers.okafor)
    }
    assert exclusion_matches_for(cast.state).count() == 2
    for outsider in (cast.applicant, peers.boss, peers.rival, cast.anonymous):
        assert exclusion_matches_for(outsider).count() == 0


def test_another_countys_staff_cannot_decide_and_nothing_changes(cast, peers):
    _load_both(peers)
    match = ExclusionMatch.objects.get(certification=peers.reyes)
    before = (AuditEvent.objects.count(), list(ExclusionMatch.objects.values_list("status")))
    for actor in (cast.other_admin, cast.state, peers.boss):
        with pytest.raises(PermissionDenied):
            exclusions.exclusion_match_decide(actor=actor, match=match, confirmed=True, note="x")
    assert (
        AuditEvent.objects.count(),
        list(ExclusionMatch.objects.values_list("status")),
    ) == before


def test_a_confirmed_match_is_told_to_watching_employers_and_published_for_a_case(
    cast, peers, monkeypatch
):
    # Issue 14's cases will subscribe to the topic; here a stand-in task does.
    monkeypatch.setitem(events._subscribers, exclusions.EXCLUSION_TOPIC, ["cases.tasks.open"])
    _load_both(peers)
    match = ExclusionMatch.objects.get(certification=peers.reyes)
    with pytest.raises(DomainError) as caught:
        exclusions.exclusion_match_decide(actor=cast.reviewer, match=match, confirmed=True)
    assert caught.value.field == "note"
    assert exclusion_matches_for(peers.boss).count() == 0
    exclusions.exclusion_match_decide(
        actor=cast.reviewer, match=match, confirmed=True, note="Date of birth and address match."
    )
    match.refresh_from_db()
    assert (match.status, match.decided_by) == ("confirmed", cast.reviewer)
    peers.reyes.refresh_from_db()
    assert peers.reyes.status == "active"  # the case (issue 14) decides, not the list
    change = RegistryChange.objects.get()
    assert (change.kind, change.data["exclusion"]["list"]) == ("exclusion_confirmed", "oig_leie")
    assert list(Notice.objects.values_list("employer__name", flat=True)) == ["Bayview Health"]
    assert list(exclusion_matches_for(peers.boss)) == [match]
    assert exclusion_matches_for(peers.rival).count() == 0
    [hook] = OutboxMessage.objects.filter(task_name="cases.tasks.open")
    assert hook.kwargs["topic"] == exclusions.EXCLUSION_TOPIC
    assert hook.kwargs["events"][0]["match_id"] == match.pk
    with pytest.raises(DomainError):  # decided once
        exclusions.exclusion_match_decide(actor=cast.admin, match=match, confirmed=False)


def test_a_dismissed_match_is_not_raised_again_by_next_months_list(cast, peers):
    _load_both(peers)
    match = ExclusionMatch.objects.get(certification=peers.reyes)
    exclusions.exclusion_match_decide(actor=cast.reviewer, match=match, confirmed=False)
    assert RegistryChange.objects.count() == 0
    again = exclusions.exclusion_list_load(
        source="oig_leie",
        data=leie(leie_row("REYES", "ANA", dob="19900501")),
        file_name="UPDATED-next-month.csv",
    )
    assert again.matches_found == 0
    assert ExclusionMatch.objects.filter(certification=peers.reyes).count() == 1


def test_the_daily_scan_screens_new_certifications(cast, peers):
    _load_both(peers)
    newcomer = CertificationFactory(issuing_county=cast.county, first_name="Ana", last_name="Reyes")
    ProfileFactory(user=newcomer.holder, date_of_birth=datetime.date(1990, 5, 1))
    run = exclusions.exclusion_screen_new()
    assert run.certifications == 1 and run.matches_found == 1
    assert ExclusionMatch.objects.get(certification=newcomer).exact


def test_the_operators_command(peers, tmp_path):
    path = tmp_path / "UPDATED.csv"
    path.write_bytes(leie(leie_row("REYES", "ANA", dob="19900501")))
    out = io.StringIO()
    call_command("load_exclusion_list", "oig_leie", str(path), stdout=out)
    assert "1 individuals" in out.getvalue() and "1 new possible matches" in out.getvalue()
