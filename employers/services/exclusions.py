"""Exclusion screening (docs/domain.md#employers): operators load the OIG LEIE and the
Medi-Cal Suspended and Ineligible Provider list from their files; every certified peer is
screened against the latest load of each (names and date of birth, scored by
`employers.rules.exclusion_match_score`); possible matches wait in the certifying county's
queue for a person's decision. Nothing acts on its own: a match changes no certification and
tells no employer until county staff confirm it.

A confirmed match is recorded as a registry change of kind `exclusion_confirmed` (so watching
employers are told, by the same notices and webhooks as any change) and published as the
event `exclusion_match.confirmed` (topic `EXCLUSION_TOPIC`, `jobs.events`): the hook for
other listeners. The confirmation also opens a case at the certifying county
(`cases.services.case_open`, once per match).
"""

import datetime
import hashlib
import uuid
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from cases.models import CaseCategory, CaseSource
from cases.services import case_open
from certification.models import Certification, CertificationStatus
from core.errors import DomainError
from counties.selectors import REVIEW_ROLES, require_staff
from employers import exclusion_files, rules
from employers.models import (
    ChangeKind,
    ExclusionEntry,
    ExclusionListLoad,
    ExclusionMatch,
    ExclusionSource,
    MatchStatus,
    ScreeningRun,
)
from employers.services.notices import registry_events_record
from jobs.events import event_new, event_publish

EXCLUSION_TOPIC = "exclusion_match.confirmed"
# The peers screened: every certification that can still be in force (our choice: revoked
# and vacated ones cannot work as certified peers anyway).
SCREENED_STATUSES = (
    CertificationStatus.ACTIVE,
    CertificationStatus.SUSPENDED,
    CertificationStatus.EXPIRED,
)


def exclusion_list_load(
    *, source: str, data: bytes, file_name: str, actor: User | None = None
) -> ExclusionListLoad:
    """Load one list file (its published layout) with its counts, then screen every
    certified peer against it. Operators' work (management command `load_exclusion_list`)."""
    if source not in ExclusionSource.values:
        raise DomainError(_("Unknown exclusion list."), field="source")
    parsed = exclusion_files.PARSERS[source](data)
    with transaction.atomic():
        load = ExclusionListLoad.objects.create(
            source=source,
            file_name=file_name[:255],
            file_sha256=hashlib.sha256(data).hexdigest(),
            loaded_by=actor,
            rows_read=parsed.rows_read,
            individuals=len(parsed.entries),
            entities=parsed.entities,
            rows_skipped=parsed.rows_skipped,
        )
        _copy_entries(load, parsed.entries)
        audit_record(
            actor=actor,
            verb="exclusion_list_load",
            obj=load,
            data={"source": source, "individuals": load.individuals, "file": load.file_name},
        )
    exclusion_screen(kind="full", loads=[load])
    load.refresh_from_db()
    return load


def _copy_entries(load: ExclusionListLoad, entries: Iterable) -> None:
    """Insert the entries in batches (INSERT, not COPY: PostgreSQL refuses COPY under
    row-level security, which the operator's command runs behind)."""
    rows = []
    for e in entries:
        last_key, first_key = exclusion_files.entry_keys(e)
        rows.append(
            ExclusionEntry(
                load=load,
                line=e.line,
                last_name=e.last_name,
                first_name=e.first_name,
                middle_name=e.middle_name,
                last_key=last_key[:100],
                first_key=first_key[:100],
                date_of_birth=e.date_of_birth,
                npi=e.npi,
                provider_type=e.provider_type,
                exclusion_type=e.exclusion_type,
                excluded_on=e.excluded_on,
                reinstated_on=e.reinstated_on,
                address=e.address,
            )
        )
    ExclusionEntry.objects.bulk_create(rows, batch_size=5000)


def latest_loads() -> list[ExclusionListLoad]:
    """The latest load of each list."""
    loads = []
    for source in ExclusionSource.values:
        load = ExclusionListLoad.objects.filter(source=source).order_by("-loaded_at", "-id").first()
        if load is not None:
            loads.append(load)
    return loads


def _fingerprint(source: str, entry: ExclusionEntry) -> str:
    """The entry's identity across reloads of the same list."""
    parts = (
        source,
        entry.last_key,
        entry.first_key,
        str(entry.date_of_birth or ""),
        str(entry.excluded_on or ""),
    )
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _index(load: ExclusionListLoad, today: datetime.date):
    by_last: dict[str, list[ExclusionEntry]] = defaultdict(list)
    by_birth: dict[datetime.date, list[ExclusionEntry]] = defaultdict(list)
    entries = ExclusionEntry.objects.filter(load=load).only(
        "pk", "last_key", "first_key", "date_of_birth", "excluded_on", "reinstated_on"
    )
    for entry in entries.iterator(chunk_size=5000):
        if entry.reinstated_on is not None and entry.reinstated_on <= today:
            continue
        by_last[entry.last_key].append(entry)
        for part in entry.last_key.split():
            if part != entry.last_key:
                by_last[part].append(entry)
        if entry.date_of_birth is not None:
            by_birth[entry.date_of_birth].append(entry)
    return by_last, by_birth


def exclusion_screen(
    *,
    kind: str,
    loads: list[ExclusionListLoad] | None = None,
    certification_ids: Iterable[int] | None = None,
    today: datetime.date | None = None,
) -> ScreeningRun:
    """Screen certified peers (all, or `certification_ids`) against `loads` (default: the
    latest of each list). New possible matches go to the county queue as pending; a match
    already decided for the same entry is not raised again. Returns the run with its counts."""
    today = today or timezone.localdate()
    loads = latest_loads() if loads is None else loads
    run = ScreeningRun.objects.create(kind=kind)
    peers = Certification.objects.filter(status__in=SCREENED_STATUSES)
    if certification_ids is not None:
        peers = peers.filter(pk__in=list(certification_ids))
    peer_rows = list(
        peers.values_list(
            "pk",
            "issuing_county_id",
            "last_name",
            "first_name",
            "holder__applicant_profile__date_of_birth",
        )
    )
    matches = []
    for load in loads:
        by_last, by_birth = _index(load, today)
        for pk, county_id, last_name, first_name, birth_date in peer_rows:
            last_key, first_key = rules.name_key(last_name), rules.name_key(first_name)
            candidates = {
                e.pk: e for part in {last_key, *last_key.split()} for e in by_last.get(part, ())
            }
            if birth_date is not None:
                candidates.update(
                    (e.pk, e) for e in by_birth.get(birth_date, ()) if e.first_key == first_key
                )
            for entry in candidates.values():
                result = rules.exclusion_match_score(
                    peer_last=last_key,
                    peer_first=first_key,
                    peer_birth_date=birth_date,
                    entry_last=entry.last_key,
                    entry_first=entry.first_key,
                    entry_birth_date=entry.date_of_birth,
                )
                if result.score < rules.POSSIBLE_MATCH_MIN_SCORE:
                    continue
                matches.append(
                    ExclusionMatch(
                        certification_id=pk,
                        county_id=county_id,
                        entry=entry,
                        source=load.source,
                        fingerprint=_fingerprint(load.source, entry),
                        score=min(result.score, 100),
                        exact=result.exact,
                        reasons=result.reasons,
                    )
                )
    with transaction.atomic():
        before = ExclusionMatch.objects.count()
        ExclusionMatch.objects.bulk_create(matches, ignore_conflicts=True, batch_size=2000)
        found = ExclusionMatch.objects.count() - before
        now = timezone.now()
        ScreeningRun.objects.filter(pk=run.pk).update(
            finished_at=now, certifications=len(peer_rows), matches_found=found
        )
        ExclusionListLoad.objects.filter(pk__in=[load.pk for load in loads]).filter(
            screened_at__isnull=True
        ).update(screened_at=now, certifications_screened=len(peer_rows), matches_found=found)
    run.refresh_from_db()
    return run


def exclusion_screen_new(*, today: datetime.date | None = None) -> ScreeningRun | None:
    """The daily screening: certifications created since the last screening run started,
    against the latest lists. None when no list was ever loaded."""
    if not ExclusionListLoad.objects.exists():
        return None
    last = ScreeningRun.objects.order_by("-started_at").first()
    since = last.started_at if last else datetime.datetime.min.replace(tzinfo=datetime.UTC)
    new = Certification.objects.filter(created_at__gte=since).values_list("pk", flat=True)
    return exclusion_screen(kind="new", certification_ids=list(new), today=today)


def exclusion_match_decide(
    *, actor: User, match: ExclusionMatch, confirmed: bool, note: str = ""
) -> ExclusionMatch:
    """Staff of the certifying county decide a pending match: the same person (confirmed) or
    not. A confirmed match is told to watching employers and published for a case to be
    opened (`EXCLUSION_TOPIC`); neither changes the certification."""
    require_staff(actor, match.county, REVIEW_ROLES)
    note = " ".join((note or "").split())
    if confirmed and not note:
        raise DomainError(_("Say how you confirmed it is the same person."), field="note")
    with transaction.atomic():
        match = (
            ExclusionMatch.objects.select_for_update()
            .select_related("entry", "certification")
            .get(pk=match.pk)
        )
        if match.status != MatchStatus.PENDING:
            raise DomainError(_("This match has already been decided."), code="conflict")
        match.status = MatchStatus.CONFIRMED if confirmed else MatchStatus.DISMISSED
        match.decided_by = actor
        match.decided_at = timezone.now()
        match.decision_note = note[:2000]
        match.save(update_fields=("status", "decided_by", "decided_at", "decision_note"))
        audit_record(
            actor=actor,
            verb="exclusion_match_decide",
            obj=match,
            county=match.county,
            subject=match.certification.holder,
            from_state=MatchStatus.PENDING,
            to_state=match.status,
            reason=match.decision_note,
            data={"source": match.source, "score": match.score, "exact": match.exact},
        )
        if confirmed:
            _announce_confirmed(match)
            _open_case(actor, match)
    return match


def _open_case(actor: User, match: ExclusionMatch) -> None:
    """A confirmed match opens a case at the certifying county (issue 16 item 3), in the same
    transaction as the decision; `source_ref` makes it one case per match whatever retries."""
    entry = match.entry
    excluded_on = entry.excluded_on.isoformat() if entry.excluded_on else "?"
    case_open(
        actor=actor,
        county=match.county,
        source=CaseSource.EXCLUSION_MATCH,
        category=CaseCategory.EXCLUSION,
        summary=(
            f"{match.get_source_display()}: {entry.last_name}, {entry.first_name} "
            f"(excluded on {excluded_on}). Confirmed: {match.decision_note}"
        ),
        received_on=timezone.localdate(),
        certification=match.certification,
        source_ref=f"exclusion_match:{match.pk}",
    )


def _announce_confirmed(match: ExclusionMatch) -> None:
    certification = match.certification
    exclusion = {
        "list": match.source,
        "excluded_on": match.entry.excluded_on.isoformat() if match.entry.excluded_on else None,
    }
    event = event_new(
        f"certification.{ChangeKind.EXCLUSION_CONFIRMED}",
        event_id=str(_uuid_of(f"exclusion-match:{match.pk}")),
        certification_id=certification.pk,
        number=certification.number,
        kind=ChangeKind.EXCLUSION_CONFIRMED,
        status=certification.status,
        expires_on=certification.expires_on.isoformat(),
        exclusion=exclusion,
    )
    # Watching employers hear of it like any change (notices, webhooks queued on commit);
    # the subscribers of EXCLUSION_TOPIC (issue 14's cases) get the match id.
    registry_events_record([event])
    event_publish(EXCLUSION_TOPIC, [{**event, "match_id": match.pk}])


def _uuid_of(text: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, text)
