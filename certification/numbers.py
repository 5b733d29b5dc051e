"""The certification number: its format (our choice, docs/domain.md#certification: unique,
readable, never reused) and the forgiving reading of a number someone typed.

Numbers are `PSS-` and seven digits from a PostgreSQL sequence (PSS-0001234; more digits once
the sequence passes 9,999,999). People type them from a printed certificate or a phone call:
`pss 0001234`, `PSS0001234`, `PSS–0001234` (a dash copied from a PDF), `PSS-OOO1234` (the
letter O for zero) or just `1234`. `number_candidates` turns what was typed into the numbers it
can mean, so the registry finds the certification whichever way it was written.
"""

import re

NUMBER_PREFIX = "PSS-"
NUMBER_DIGITS = 7
# The column holds 20 characters: anything longer cannot be a number.
NUMBER_MAX_LENGTH = 20

# Spaces and every dash a keyboard, a PDF or a word processor produces.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u00ad_.]+")
_LETTERS = NUMBER_PREFIX.rstrip("-")
# The prefix's letters, then what should be digits (O and o typed for 0 are read as 0).
_PREFIXED = re.compile(rf"^{_LETTERS}([0-9O]{{1,{NUMBER_MAX_LENGTH}}})$")
_DIGITS_ONLY = re.compile(rf"^[0-9O]{{1,{NUMBER_MAX_LENGTH}}}$")


def number_format(value: int) -> str:
    """The printed number of the sequence value `value` (1234 → PSS-0001234)."""
    return f"{NUMBER_PREFIX}{value:0{NUMBER_DIGITS}d}"


def number_squeezed(typed: str) -> str:
    """What was typed in capitals, without spaces and dashes ("pss 000-1234" → PSS0001234)."""
    return _SEPARATORS.sub("", typed).upper()


def number_candidates(typed: str) -> list[str]:
    """The certification numbers `typed` can mean, most likely first; empty when it cannot
    be one (blank, too long, or holding a NUL, which PostgreSQL refuses in text).

    The exact text (trimmed, in capitals) always comes first, so a number of another shape
    (one imported from an older register) is still found as it is written.
    """
    if not isinstance(typed, str) or "\x00" in typed:
        return []
    exact = typed.strip().upper()
    squeezed = number_squeezed(typed)
    if not exact or len(squeezed) > NUMBER_MAX_LENGTH:
        return []
    candidates = [exact] if len(exact) <= NUMBER_MAX_LENGTH else []
    digits = None
    if match := _PREFIXED.fullmatch(squeezed):
        digits = match.group(1)
    elif _DIGITS_ONLY.fullmatch(squeezed):
        digits = squeezed
    if digits is not None:
        candidates.append(number_format(int(digits.replace("O", "0"))))
    return list(dict.fromkeys(candidates))
