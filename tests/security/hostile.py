"""Hostile input for the property-based tests (tests/security/test_hostile_input*.py): text
strategies and the checks every answer must pass.

The text: very long strings (10,000 characters and more), control characters with NUL,
right-to-left and zero-width marks, HTML, template and SQL fragments, emoji, letters whose
upper case is longer (ß → SS), and arbitrary Unicode. Lone surrogates are left out: they
cannot be sent in UTF-8, so no browser can post them.
"""

from django.http import HttpResponse
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Few examples per form, no deadline (the database is real), no example database in the
# working tree; fixtures are shared by the examples of one test on purpose (the state moves on
# as hostile input is saved, which is part of what is tested).
HOSTILE = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

FRAGMENTS = (
    "\x00",
    "a\x00b",
    "\x01\x02\x07\x08\x0b\x0c\x1b[31m\x7f",
    "\u202eevil\u202c",
    "\u200f\u200e\u200b\ufeff",
    "<script>alert(document.cookie)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ request.user }}{% debug %}",
    "'; DROP TABLE certification_application; --",
    "' OR '1'='1",
    "1; SELECT pg_sleep(5)--",
    "%00%27%22",
    '=HYPERLINK("http://x")',
    "🙂👩🏽‍⚕️🏳️‍🌈",
    "ß",
    "ﬁ",
    "İ",
    "\u0301\u0301\u0301",
    "\r\n\r\n",
    "\t \u00a0\u3000",
    "../../etc/passwd",
    "\\\\server\\share",
    "NaN",
    "-1",
    "99999999999999999999",
    "1e309",
    "0x7fffffff",
    "2025-02-30",
    "²³",
    "١٢٣",
    "",
    " ",
)

_any_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
_mixed = st.lists(st.one_of(st.sampled_from(FRAGMENTS), _any_text), min_size=1, max_size=6).map(
    "".join
)
_long = st.builds(
    lambda piece, length: (piece * (length // len(piece) + 1))[:length],
    st.sampled_from([f for f in FRAGMENTS if f] + ["x", "é", "🙂"]),
    st.integers(min_value=10_000, max_value=12_000),
)

hostile_text = st.one_of(st.sampled_from(FRAGMENTS), _any_text, _mixed, _long)


def valid_or_hostile(valid: object) -> st.SearchStrategy:
    """Either `valid` (so that saving is reached) or hostile text."""
    return st.one_of(st.just(valid), hostile_text)


def some_hostile(valid: dict[str, object]) -> st.SearchStrategy[dict[str, object]]:
    """The form's fields with hostile text in some of them (at least one, up to all) and the
    `valid` values in the others, so that both refusals and saves are reached."""
    names = sorted(valid)
    return st.sets(st.sampled_from(names), min_size=1, max_size=len(names)).flatmap(
        lambda chosen: st.fixed_dictionaries(
            {name: hostile_text if name in chosen else st.just(valid[name]) for name in names}
        )
    )


# Hostile text that every free-text field must store exactly (HTML, SQL, right-to-left
# marks, control characters other than NUL, emoji, combining marks), and text none may store.
STORABLE = "<b>\u202eO'Brien; DROP TABLE x;--\x07 🙂 e\u0301"
UNSTORABLE = "Ana\x00"


_ERROR_MARKERS = (
    b"usa-error-message",
    b"usa-alert--error",
    b"usa-input--error",
    b'class="errorlist',
)


def assert_answered(response: HttpResponse) -> None:
    """No server error (the test client also raises any exception a view lets through)."""
    assert response.status_code < 500, response.status_code


def assert_refused_clearly(response: HttpResponse) -> None:
    """A refused form: the page again, with its error shown."""
    assert response.status_code in (200, 400), response.status_code
    content = response.content
    assert any(marker in content for marker in _ERROR_MARKERS), content[:2000]


def stored_text(value: str) -> str:
    """What a form field saves of `value`: Django's CharField strips surrounding whitespace."""
    return value.strip()


def has_nul(value: object) -> bool:
    return isinstance(value, str) and "\x00" in value
