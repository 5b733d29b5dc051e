"""The reasoned exceptions of the row-level security wall (SECURITY.md, "Every table").

`tests/security/test_rls_every_table.py` enumerates every table and view of the schema and
fails for one that the application role can reach but that has no row-level security policy.
A table may do without policies only when it is listed in ALLOW_LIST with the reason its rows
are neither county- nor person-private and grant no power. Adding a table here is a security
decision: say why in the reason, in one sentence a reviewer can check.

DELETES lists the tables the application role may delete rows from (each bounded by a DELETE
policy), with the reason the product deletes there. Everywhere else the product never
deletes, and the role holds no DELETE privilege (`core.rls_sql.policies_sql` or
`privileges_sql` revoke what default privileges granted).
"""

ALLOW_LIST: dict[str, str] = {
    "django_migrations": (
        "Django's record of applied migrations: the application reads it (the check for "
        "unapplied migrations at start) and cannot write it; migrate runs as the owner."
    ),
}

DELETES: dict[str, str] = {
    "django_session": "signing out and rotating the session key delete the old session",
    "account_emailaddress": "a person removes one of their email addresses (allauth)",
    "account_emailconfirmation": "allauth removes used and expired confirmation keys",
    "mfa_authenticator": "a person turns their second factor off or renews recovery codes",
    "counties_countymembership": "a county administrator or an operator removes a staff member",
    "jobs_outboxmessage": "the system prunes relayed outbox rows after their retention",
    "auth_group": "operators manage permission groups in the Django admin",
    "auth_group_permissions": "operators manage permission groups in the Django admin",
    "accounts_user_groups": "operators change a user's groups in the Django admin",
    "accounts_user_user_permissions": "operators change a user's permissions in the Django admin",
    "employers_employermembership": "an employer's administrator removes a staff member",
    "employers_watch": "an employer takes a peer off its watchlist",
    "providers_providermembership": "a provider's administrator or state staff remove a member",
    "providers_providerorganisation_counties": "a provider stops serving a county (its profile)",
    "providers_competencycoverage": (
        "a provider clears a competency's entry while its application is a draft or sent back"
    ),
}
