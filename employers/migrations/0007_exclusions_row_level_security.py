"""Row-level security on the exclusion tables (as `0002_row_level_security`). The loaded
lists and their entries: county and state staff read them; the possible matches: the staff
of the certifying county (who decide them) and state staff; employers watching the peer read
a match only once it is confirmed. Only the system (screening) writes lists and matches;
county staff record their decision."""

from django.db import migrations

from core.rls_sql import privileges_sql

from employers.migrations._rls import EMP, OPERATOR, SYSTEM, drop_policies_sql, policies_sql

COUNTIES = "(SELECT app_county_ids())::bigint[]"
STATE = "(SELECT app_is_state())"
ANY_STAFF = f"({STATE} OR cardinality({COUNTIES}) > 0)"

POLICIES = {
    "employers_exclusionlistload": {
        "SELECT": (f"{SYSTEM} OR {OPERATOR} OR {ANY_STAFF}", None),
        "INSERT": (None, SYSTEM),
        "UPDATE": (SYSTEM, SYSTEM),
    },
    "employers_exclusionentry": {
        "SELECT": (f"{SYSTEM} OR {OPERATOR} OR {ANY_STAFF}", None),
        "INSERT": (None, SYSTEM),
    },
    "employers_exclusionmatch": {
        "SELECT": (
            f"{SYSTEM} OR {OPERATOR} OR {STATE} OR county_id = ANY ({COUNTIES}) "
            "OR (status = 'confirmed' AND EXISTS (SELECT 1 FROM employers_watch w "
            f"WHERE w.certification_id = employers_exclusionmatch.certification_id "
            f"AND w.employer_id = ANY ({EMP})))",
            None,
        ),
        "INSERT": (None, SYSTEM),
        "UPDATE": (
            f"{SYSTEM} OR county_id = ANY ({COUNTIES})",
            f"{SYSTEM} OR county_id = ANY ({COUNTIES})",
        ),
    },
    "employers_screeningrun": {
        "SELECT": (f"{SYSTEM} OR {OPERATOR} OR {ANY_STAFF}", None),
        "INSERT": (None, SYSTEM),
        "UPDATE": (SYSTEM, SYSTEM),
    },
}


# The application role holds exactly the commands the policies cover (0003).
PRIVILEGES = {
    "employers_exclusionlistload": ["SELECT", "INSERT", "UPDATE"],
    "employers_exclusionentry": ["SELECT", "INSERT"],
    "employers_exclusionmatch": ["SELECT", "INSERT", "UPDATE"],
    "employers_screeningrun": ["SELECT", "INSERT", "UPDATE"],
}
ALL = ["SELECT", "INSERT", "UPDATE", "DELETE"]


class Migration(migrations.Migration):
    dependencies = [("employers", "0006_exclusion_screening")]

    operations = [
        migrations.RunSQL(
            "\n".join(privileges_sql(t, c) for t, c in PRIVILEGES.items()),
            "\n".join(privileges_sql(t, ALL) for t in PRIVILEGES),
        ),
        migrations.RunSQL(policies_sql(POLICIES), drop_policies_sql(POLICIES)),
    ]
