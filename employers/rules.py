"""Pure rules of the employer services: no database (docs/CONTRACTS.md "Rules")."""

import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _


def name_key(value: str) -> str:
    """A name as compared across sources: accents and case dropped, every run of
    punctuation or space one space ("  O'Brien-Díaz " → "o brien diaz")."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    letters = "".join(
        ch.casefold() if ch.isalnum() else " " for ch in decomposed if not unicodedata.combining(ch)
    )
    return " ".join(letters.split())


def watch_match_problems(*, found_last_name: str | None, given_last_name: str) -> list[str]:
    """May a certification be watched on its number and `given_last_name`? Both must match:
    the number found a certification whose holder's last name is `found_last_name` (None:
    no certification has that number). The same answer for an unknown number and a wrong
    name, so the form cannot be used to learn whose number is whose."""
    if not (given_last_name or "").strip():
        return [_("Enter the last name on the certification.")]
    if found_last_name is None or name_key(found_last_name) != name_key(given_last_name):
        return [_("No certification matches that number and last name.")]
    return []


# Exclusion screening (docs/domain.md#employers). Our choice of weights: a candidate needs
# POSSIBLE_MATCH_MIN_SCORE points; the county decides every candidate, nothing is automatic.
POSSIBLE_MATCH_MIN_SCORE = 60
_LAST_NAME_SAME, _LAST_NAME_PART = 40, 25
_FIRST_NAME_SAME, _FIRST_NAME_SHORT = 30, 15
_BIRTH_DATE_SAME, _BIRTH_DATE_OTHER = 30, -50


@dataclass(frozen=True)
class MatchScore:
    score: int
    exact: bool
    reasons: list[str]


def _first_names_related(a: str, b: str) -> bool:
    """ "ben" and "benjamin", or an initial: one is the start of the other."""
    return bool(a and b) and (a.startswith(b) or b.startswith(a))


def exclusion_match_score(
    *,
    peer_last: str,
    peer_first: str,
    peer_birth_date,
    entry_last: str,
    entry_first: str,
    entry_birth_date,
) -> MatchScore:
    """How much a certified peer and an exclusion-list entry look like one person (names as
    `name_key` gives them). Exact: names and date of birth all the same; a list without
    dates of birth (Medi-Cal S&I) can match on names alone, never exactly."""
    score, reasons = 0, []
    peer_parts, entry_parts = set(peer_last.split()), set(entry_last.split())
    if peer_last == entry_last:
        score += _LAST_NAME_SAME
        reasons.append("last name the same")
    elif peer_parts & entry_parts:
        score += _LAST_NAME_PART
        reasons.append("part of the last name the same")
    if peer_first == entry_first:
        score += _FIRST_NAME_SAME
        reasons.append("first name the same")
    elif _first_names_related(peer_first, entry_first):
        score += _FIRST_NAME_SHORT
        reasons.append("first name shortened or an initial")
    if entry_birth_date is None:
        reasons.append("the list gives no date of birth")
    elif peer_birth_date is None:
        reasons.append("no date of birth on file for the peer")
    elif peer_birth_date == entry_birth_date:
        score += _BIRTH_DATE_SAME
        reasons.append("date of birth the same")
    else:
        score += _BIRTH_DATE_OTHER
        reasons.append("date of birth different")
    exact = (
        peer_last == entry_last
        and peer_first == entry_first
        and entry_birth_date is not None
        and peer_birth_date == entry_birth_date
    )
    return MatchScore(score=max(score, 0), exact=exact, reasons=reasons)
