import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports import rules

D = datetime.date


def test_the_default_period_is_the_last_fiscal_year_over():
    assert rules.fiscal_year(2026) == (D(2025, 7, 1), D(2026, 6, 30))
    assert rules.last_complete_fiscal_year(D(2026, 12, 7)) == (D(2025, 7, 1), D(2026, 6, 30))
    assert rules.last_complete_fiscal_year(D(2026, 6, 29)) == (D(2024, 7, 1), D(2025, 6, 30))
    assert rules.last_complete_fiscal_year(D(2026, 6, 30)) == (D(2025, 7, 1), D(2026, 6, 30))


def test_due_and_late():
    due = rules.report_due_on(D(2026, 6, 30), 90)
    assert due == D(2026, 9, 28)
    assert not rules.report_is_late(due, D(2026, 9, 28), today=D(2027, 1, 1))
    assert rules.report_is_late(due, D(2026, 9, 29), today=D(2026, 9, 29))
    assert not rules.report_is_late(due, None, today=D(2026, 9, 28))
    assert rules.report_is_late(due, None, today=D(2026, 9, 29))


@pytest.mark.parametrize(
    ("start", "end", "problems"),
    [
        (D(2025, 7, 1), D(2026, 6, 30), 0),
        (D(2026, 7, 1), D(2026, 6, 30), 1),
        (D(2020, 7, 1), D(2026, 6, 30), 1),
        (D(2027, 7, 1), D(2027, 8, 30), 1),
    ],
)
def test_period_problems(start, end, problems):
    assert len(rules.period_problems(start, end, today=D(2026, 12, 7))) == problems


def test_submit_only_after_the_period():
    assert rules.submit_problems(D(2026, 6, 30), today=D(2026, 6, 30))
    assert rules.submit_problems(D(2026, 6, 30), today=D(2026, 7, 1)) == []


@pytest.mark.parametrize(
    ("row", "shown"),
    [
        ({"key": "k", "kind": "count", "value": 0}, 0),
        ({"key": "k", "kind": "count", "value": 1}, "suppressed"),
        ({"key": "k", "kind": "count", "value": 10}, "suppressed"),
        ({"key": "k", "kind": "count", "value": 11}, 11),
        ({"key": "k", "kind": "days", "value": 4.5, "n": 10}, "suppressed"),
        ({"key": "k", "kind": "rate", "value": 50.0, "n": 11}, 50.0),
        ({"key": "k", "kind": "rate", "value": None, "n": 0}, None),
        ({"key": "k", "kind": "cents", "value": 80000, "n": 10}, "suppressed"),
        ({"key": "k", "kind": "count", "value": "not_recorded"}, "not_recorded"),
        ({"key": "smhs", "kind": "opt_in", "value": "in", "on": "2025-09-01"}, "in"),
    ],
)
def test_small_counts_are_suppressed(row, shown):
    assert rules.suppress_row(row, 11)["value"] == shown


def _figures(**sections):
    return {
        "sections": [
            {
                "key": key,
                "rows": [{"key": k, "kind": "count", "value": v} for k, v in rows],
            }
            for key, rows in sections.items()
        ]
    }


def _values(figures):
    return {
        (section["key"], row["key"]): (row["value"], row.get("protected", False))
        for section in figures["sections"]
        for row in section["rows"]
    }


def _derivable(shown, raw_figures, totals, parts):
    """Whether some hidden part equals the total minus the parts shown, or the hidden parts'
    values are forced (each at least 1, so a sum equal to their number gives each away)."""
    raw = {k: v for k, (v, _p) in _values(raw_figures).items()}
    total = shown[totals[0]][0]
    if total == rules.SUPPRESSED:
        return False
    hidden = [key for key in parts if shown[key][0] == rules.SUPPRESSED]
    if not hidden:
        return False
    rest = total - sum(shown[key][0] for key in parts if key not in hidden)
    assert rest == sum(raw[key] for key in hidden)
    return len(hidden) == 1 or rest == len(hidden)


def test_a_part_hidden_alone_is_protected_by_hiding_the_next_smallest():
    """People served: 15 = 12 English + 3 Spanish. Without a complement, 3 = 15 - 12."""
    raw = _figures(
        people_language=[("total", 15), ("en", 12), ("es", 3)],
        people_residence=[("total", 15), ("alameda", 12), ("fresno", 3)],
    )
    shown = _values(rules.figures_suppressed(raw, 11))
    assert shown == {
        ("people_language", "total"): (15, False),
        ("people_language", "en"): ("suppressed", True),
        ("people_language", "es"): ("suppressed", True),
        ("people_residence", "total"): (15, False),
        ("people_residence", "alameda"): ("suppressed", True),
        ("people_residence", "fresno"): ("suppressed", True),
    }


def test_hidden_parts_must_sum_to_the_threshold_before_the_total_shows():
    """Outcomes: 25 = 12 + 11 + 1 + 1 + 0. The two ones sum to 2 (each forced to 1): the
    smallest part shown (11) is hidden too; a zero is never hidden."""
    raw = _figures(
        complaints=[("received", 25)],
        complaints_category=[("total", 25), ("a", 12), ("b", 11), ("c", 2), ("d", 0)],
        complaints_outcome=[("total", 25), ("x", 12), ("y", 11), ("z", 1), ("w", 1), ("v", 0)],
    )
    shown = _values(rules.figures_suppressed(raw, 11))
    assert [shown[("complaints_outcome", k)][0] for k in ("total", "x", "y", "z", "w", "v")] == [
        25,
        12,
        "suppressed",
        "suppressed",
        "suppressed",
        0,
    ]
    assert [shown[("complaints_category", k)][0] for k in ("total", "a", "b", "c", "d")] == [
        25,
        12,
        "suppressed",
        "suppressed",
        0,
    ]
    assert shown[("complaints", "received")] == (25, False)


def test_without_a_part_left_the_total_is_hidden_with_every_copy():
    """12 = 9 + 3: both parts are small and there is nothing else to hide, so the total goes,
    in both people sections and, for complaints, in the received count as well."""
    raw = _figures(
        complaints=[("received", 12)],
        complaints_category=[("total", 12), ("a", 9), ("b", 3)],
        complaints_outcome=[("total", 12), ("x", 12)],
        people_language=[("total", 12), ("en", 12)],
        people_residence=[("total", 12), ("alameda", 11), ("fresno", 1)],
    )
    shown = _values(rules.figures_suppressed(raw, 11))
    # 9 + 3 = 12 >= 11 with two hidden: safe, the total stays.
    assert shown[("complaints_category", "total")] == (12, False)
    assert shown[("complaints_category", "a")] == ("suppressed", True)
    # 11 + 1: the only other part is hidden; then 12 >= 11 with two hidden: safe.
    assert shown[("people_residence", "alameda")] == ("suppressed", True)
    assert shown[("people_residence", "total")] == (12, False)
    raw = _figures(
        complaints=[("received", 4)],
        complaints_category=[("total", 4), ("a", 2), ("b", 2)],
        people_language=[("total", 13), ("es", 1), ("en", 0), ("", 12)],
        people_residence=[("total", 13), ("fresno", 13)],
    )
    shown = _values(rules.figures_suppressed(raw, 11))
    # 2 + 2 = 4: nothing left to hide but the total, and its copy (received) with it.
    assert shown[("complaints_category", "total")] == ("suppressed", True)
    assert shown[("complaints", "received")] == ("suppressed", True)
    # 1 + 12 (the zero is never hidden): safe, the total stays.
    assert shown[("people_language", "")] == ("suppressed", True)
    assert shown[("people_language", "en")] == (0, False)
    assert shown[("people_language", "total")] == (13, False)


def test_the_exams_hide_their_total_rather_than_the_exams_sat():
    """16 attempts = 1 no-show + 15 sat: the number sat is also the pass rate's n, so the
    total goes."""
    raw = _figures(exams=[("attempts", 16), ("no_shows", 1), ("sat", 15), ("passed", 11)])
    shown = _values(rules.figures_suppressed(raw, 11))
    assert shown == {
        ("exams", "attempts"): ("suppressed", True),
        ("exams", "no_shows"): ("suppressed", True),
        ("exams", "sat"): (15, False),
        ("exams", "passed"): (11, False),
    }


@settings(max_examples=300, deadline=None)
@given(
    parts=st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=8),
    threshold=st.integers(min_value=2, max_value=15),
)
def test_no_hidden_part_is_ever_derived_from_the_total(parts, threshold):
    raw = _figures(
        people_language=[("total", sum(parts))] + [(f"p{i}", v) for i, v in enumerate(parts)],
        people_residence=[("total", sum(parts))],
    )
    shown = _values(rules.figures_suppressed(raw, threshold))
    keys = [("people_language", f"p{i}") for i in range(len(parts))]
    for key, value in zip(keys, parts, strict=True):
        if 0 < value < threshold:
            assert shown[key][0] == rules.SUPPRESSED
        if shown[key][0] == rules.SUPPRESSED:
            assert value > 0 and shown[key][1]
    assert not _derivable(shown, raw, [("people_language", "total")], keys)
    hidden = [v for key, v in zip(keys, parts, strict=True) if shown[key][0] == rules.SUPPRESSED]
    if hidden and shown[("people_language", "total")][0] != rules.SUPPRESSED:
        assert sum(hidden) >= threshold
    assert shown[("people_language", "total")][0] == shown[("people_residence", "total")][0]


def test_a_protected_count_reads_not_shown():
    row = {"key": "en", "kind": "count", "value": "suppressed", "protected": True}
    assert rules.value_text(row, 11) == "Not shown (protects a small count)"
    assert rules.value_text({**row, "protected": False}, 11) == "Fewer than 11"
