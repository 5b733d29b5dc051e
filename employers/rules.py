"""Pure rules of the employer services: no database (docs/CONTRACTS.md "Rules")."""

import unicodedata

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
