"""Logging without personal data: email addresses and dates (which may be dates of birth) are
masked in every log record before it is written."""

import logging
import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_DATE = re.compile(r"\b(19|20)\d{2}-\d{2}-\d{2}\b")


def mask_personal_data(text: str) -> str:
    text = _EMAIL.sub("[email]", text)
    return _DATE.sub("[date]", text)


class PersonalDataFilter(logging.Filter):
    """Replaces the rendered message so no handler sees the original arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal_data(message)
        if masked != message:
            record.msg = masked
            record.args = ()
        return True
