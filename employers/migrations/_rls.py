"""Helpers shared by the row-level security migrations of the employer tables."""

UID = "(SELECT app_user_id())"
SYSTEM = "(SELECT app_is_system())"
OPERATOR = "(SELECT app_is_operator())"
EMP = "(SELECT app_employer_ids())::bigint[]"
EMP_ADMIN = "(SELECT app_employer_admin_ids())::bigint[]"
USER_EMAIL = f"(SELECT lower(u.email) FROM accounts_user u WHERE u.id = {UID})"
HOLDS = (
    "EXISTS (SELECT 1 FROM certification_certification c "
    f"WHERE c.id = {{column}} AND c.holder_id = {UID})"
)


def policies_sql(policies: dict) -> str:
    statements = []
    for table, commands in policies.items():
        statements.append(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;")
        for command, (using, check) in commands.items():
            sql = f"CREATE POLICY rls_{command.lower()} ON {table} FOR {command}"
            if using:
                sql += f" USING ({using})"
            if check:
                sql += f" WITH CHECK ({check})"
            statements.append(sql + ";")
    return "\n".join(statements)


def drop_policies_sql(policies: dict) -> str:
    statements = []
    for table, commands in policies.items():
        statements += [f"DROP POLICY IF EXISTS rls_{c.lower()} ON {table};" for c in commands]
        statements.append(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;")
    return "\n".join(statements)
