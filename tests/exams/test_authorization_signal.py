"""The exam authorization question fails closed when nobody is there to answer it."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured

from certification.exam_authorization import exam_authorization_answer
from exams.authorization import exam_authorization, exam_authorization_problems


def test_without_a_receiver_no_candidate_counts_as_authorized():
    check = (object(), datetime.date(2026, 12, 1))
    assert exam_authorization.disconnect(dispatch_uid="certification")
    try:
        with pytest.raises(ImproperlyConfigured):
            exam_authorization_problems([check])  # type: ignore[list-item]
    finally:
        exam_authorization.connect(exam_authorization_answer, dispatch_uid="certification")
    assert exam_authorization.has_listeners()


def test_nothing_to_ask_needs_no_receiver():
    assert exam_authorization_problems([]) == []
