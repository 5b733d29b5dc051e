"""The forgiving reading of a typed certification number (certification/numbers.py)."""

import pytest

from certification.numbers import number_candidates, number_format, number_squeezed


def test_the_format_is_the_prefix_and_seven_digits():
    assert number_format(1234) == "PSS-0001234"
    assert number_format(12_345_678) == "PSS-12345678"


@pytest.mark.parametrize(
    "typed",
    [
        "PSS-0001234",
        "pss-0001234",
        " PSS-0001234 ",
        "PSS0001234",
        "pss0001234",
        "PSS 0001234",
        "P S S 000 1234",
        "PSS - 000-1234",
        "PSS\u20130001234",  # an en dash copied from a PDF
        "PSS\u20100001234",  # a Unicode hyphen
        "PSS-OOO1234",  # the letter O for zero
        "0001234",
        "1234",
        "PSS-1234",
    ],
)
def test_a_number_is_found_however_it_was_typed(typed):
    assert "PSS-0001234" in number_candidates(typed)


def test_the_exact_text_comes_first_for_numbers_of_another_shape():
    assert number_candidates(" az-pss-20417 ") == ["AZ-PSS-20417"]
    assert number_candidates("PSS-0001234") == ["PSS-0001234"]
    assert number_candidates("pss 0001234") == ["PSS 0001234", "PSS-0001234"]


@pytest.mark.parametrize("typed", ["", "   ", "x" * 21, "PSS-\x000001234", None, 12])
def test_what_cannot_be_a_number_gives_no_candidate(typed):
    assert number_candidates(typed) == []


def test_squeezing_drops_spaces_and_dashes_only():
    assert number_squeezed(" pss\u2014000 12/34 ") == "PSS00012/34"
