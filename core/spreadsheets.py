"""CSV cells a spreadsheet reads as text, never as a formula (OWASP "CSV injection"): a name
typed as "=HYPERLINK(...)" must reach the reader's spreadsheet as text. Every CSV export of a
front end writes its user-typed cells through `spreadsheet_text`."""

# A cell starting with one of these is a formula to a spreadsheet.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: str) -> str:
    """`value` as a spreadsheet reads it as text: a leading apostrophe before a formula."""
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


class Echo:
    """A file-like object whose write() returns what it is given, for csv.writer when
    streaming."""

    def write(self, value: str) -> str:
        return value
