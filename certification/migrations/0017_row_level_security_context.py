"""The row-level security context cannot be forged by the application role (SECURITY.md,
"Row-level security", "The context").

Before this migration the policies read plain settings (`app.user_id`, `app.county_ids`,
`app.is_state`, `app.is_operator`, `app.is_system`) that any SQL run by the application role
could set: one injected statement could read every county. Now:

- `app_context_key` holds the key (as HMAC-SHA256's inner and outer pads) that only the owner
  reads: the application role has no privilege on it, and RLS without a policy refuses its
  rows to any other role given one by mistake. The application knows the same key from its
  configuration (`core.rls.context_key`) and installs it after every migrate.
- `app_context_set(claims, signature, is_local)` (SECURITY DEFINER, owned by the owner) is
  the only way in: it checks the application's HMAC of the claims (the backend pid of this
  connection, the user, the half-done sign-in, operator and system flags, a capability),
  derives the rest from the tables as the owner (an inactive user is nobody; state staff;
  the user's counties and administrator counties from the memberships), and stores the
  verified context with the database's own HMAC of it in `app.context` and
  `app.context_signature`.
- `app_context()` (SECURITY DEFINER) returns the verified context when the signature matches
  and it was made for this connection, else nothing. Every `app_*()` function of the policies
  reads it, so writing the settings by hand, or copying another connection's, yields no
  context at all.
- `app_context_hmac` signs with the key; only the owner may call it (no signing oracle).

Claims and contexts are signed under different prefixes, so one cannot pass for the other.
"""

from django.db import migrations

from core.rls_sql import APP_ROLE, if_role_exists

FUNCTIONS = """
CREATE TABLE IF NOT EXISTS app_context_key (
    id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    inner_pad bytea NOT NULL CHECK (length(inner_pad) = 64),
    outer_pad bytea NOT NULL CHECK (length(outer_pad) = 64),
    installed_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE app_context_key ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON app_context_key FROM PUBLIC;

CREATE OR REPLACE FUNCTION app_context_hmac(message text) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER PARALLEL RESTRICTED
    SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT encode(sha256(k.outer_pad || sha256(k.inner_pad || convert_to(message, 'UTF8'))),
                      'hex')
        FROM public.app_context_key k WHERE k.id = 1
    $$;
REVOKE ALL ON FUNCTION app_context_hmac(text) FROM PUBLIC;

CREATE OR REPLACE FUNCTION app_context_set(claims text, signature text, is_local boolean)
    RETURNS text
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    expected text := public.app_context_hmac('claims|' || claims);
    part text[] := string_to_array(claims, '|');
    uid bigint;
    pending bigint;
    active boolean;
    state boolean := false;
    staff boolean := false;
    counties text := '';
    admin_counties text := '';
    ctx text;
BEGIN
    IF expected IS NULL THEN
        RAISE EXCEPTION 'row-level security: no context key is installed (run manage.py migrate or rls_key_install as the owner)'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF signature IS NULL
       OR sha256(convert_to(signature, 'UTF8')) <> sha256(convert_to(expected, 'UTF8')) THEN
        RAISE EXCEPTION 'row-level security: the context signature is wrong'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF array_length(part, 1) <> 7 OR part[1] <> 'v1' OR part[2] <> pg_backend_pid()::text THEN
        RAISE EXCEPTION 'row-level security: the context was not signed for this connection'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    uid := nullif(part[3], '')::bigint;
    pending := nullif(part[4], '')::bigint;
    IF uid IS NOT NULL THEN
        SELECT u.is_active, u.is_state_staff, u.is_staff INTO active, state, staff
            FROM public.accounts_user u WHERE u.id = uid;
        IF NOT coalesce(active, false) THEN
            uid := NULL;
            state := false;
            staff := false;
        END IF;
    END IF;
    -- State staff read everything and write nothing: their memberships do not count.
    IF uid IS NOT NULL AND NOT state THEN
        SELECT coalesce(string_agg(m.county_id::text, ',' ORDER BY m.county_id), ''),
               coalesce(string_agg(m.county_id::text, ',' ORDER BY m.county_id)
                        FILTER (WHERE m.role = 'admin'), '')
            INTO counties, admin_counties
            FROM public.counties_countymembership m WHERE m.user_id = uid;
    END IF;
    ctx := concat_ws('|',
        pg_backend_pid()::text,
        coalesce(uid::text, ''),
        counties,
        admin_counties,
        CASE WHEN state THEN 't' ELSE 'f' END,
        CASE WHEN part[5] = '1' AND staff THEN 't' ELSE 'f' END,
        CASE WHEN part[6] = '1' THEN 't' ELSE 'f' END,
        coalesce(pending::text, ''),
        part[7]);
    PERFORM set_config('app.context', ctx, is_local),
            set_config('app.context_signature', public.app_context_hmac('context|' || ctx),
                       is_local);
    RETURN ctx;
END
$$;

CREATE OR REPLACE FUNCTION app_context() RETURNS text[]
    LANGUAGE plpgsql STABLE SECURITY DEFINER PARALLEL RESTRICTED
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    ctx text := current_setting('app.context', true);
    signature text := current_setting('app.context_signature', true);
    part text[];
BEGIN
    IF coalesce(ctx, '') = '' OR coalesce(signature, '') = '' THEN
        RETURN NULL;
    END IF;
    IF sha256(convert_to(signature, 'UTF8'))
       IS DISTINCT FROM sha256(convert_to(public.app_context_hmac('context|' || ctx), 'UTF8')) THEN
        RETURN NULL;
    END IF;
    part := string_to_array(ctx, '|');
    IF array_length(part, 1) <> 9 OR part[1] <> pg_backend_pid()::text THEN
        RETURN NULL;
    END IF;
    RETURN part;
END
$$;

CREATE OR REPLACE FUNCTION app_user_id() RETURNS bigint
    LANGUAGE sql STABLE PARALLEL RESTRICTED
    AS $$ SELECT nullif((app_context())[2], '')::bigint $$;
CREATE OR REPLACE FUNCTION app_county_ids() RETURNS bigint[]
    LANGUAGE sql STABLE PARALLEL RESTRICTED
    AS $$ SELECT coalesce(string_to_array(nullif((app_context())[3], ''), ',')::bigint[],
                          '{}'::bigint[]) $$;
CREATE OR REPLACE FUNCTION app_admin_county_ids() RETURNS bigint[]
    LANGUAGE sql STABLE PARALLEL RESTRICTED
    AS $$ SELECT coalesce(string_to_array(nullif((app_context())[4], ''), ',')::bigint[],
                          '{}'::bigint[]) $$;
CREATE OR REPLACE FUNCTION app_is_state() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL RESTRICTED
    AS $$ SELECT coalesce((app_context())[5] = 't', false) $$;
CREATE OR REPLACE FUNCTION app_is_operator() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL RESTRICTED
    AS $$ SELECT coalesce((app_context())[6] = 't', false) $$;
CREATE OR REPLACE FUNCTION app_is_system() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL RESTRICTED
    AS $$ SELECT coalesce((app_context())[7] = 't', false) $$;
CREATE OR REPLACE FUNCTION app_pending_user_id() RETURNS bigint
    LANGUAGE sql STABLE PARALLEL RESTRICTED
    AS $$ SELECT nullif((app_context())[8], '')::bigint $$;
CREATE OR REPLACE FUNCTION app_capability() RETURNS text
    LANGUAGE sql STABLE PARALLEL RESTRICTED
    AS $$ SELECT nullif((app_context())[9], '') $$;

-- Power flags of a user as stored (read as the owner), for policies of accounts_user that
-- must compare a new row with the old one without querying accounts_user under its own RLS.
CREATE OR REPLACE FUNCTION app_user_powers(user_id bigint) RETURNS boolean[]
    LANGUAGE sql STABLE SECURITY DEFINER PARALLEL RESTRICTED
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT ARRAY[u.is_superuser, u.is_staff, u.is_state_staff]
          FROM public.accounts_user u WHERE u.id = user_id $$;
-- The status and issuing county of a certification as stored, likewise.
CREATE OR REPLACE FUNCTION app_certification_standing(certification_id bigint) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER PARALLEL RESTRICTED
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT c.status || '|' || c.issuing_county_id::text
          FROM public.certification_certification c WHERE c.id = certification_id $$;
"""

DROP = """
DROP FUNCTION IF EXISTS app_certification_standing(bigint);
DROP FUNCTION IF EXISTS app_user_powers(bigint);
DROP FUNCTION IF EXISTS app_context_set(text, text, boolean);
DROP FUNCTION IF EXISTS app_context_hmac(text);
DROP FUNCTION IF EXISTS app_capability();
DROP FUNCTION IF EXISTS app_pending_user_id();
DROP FUNCTION IF EXISTS app_admin_county_ids();
CREATE OR REPLACE FUNCTION app_user_id() RETURNS bigint
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('app.user_id', true), '')::bigint $$;
CREATE OR REPLACE FUNCTION app_county_ids() RETURNS bigint[]
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT coalesce(string_to_array(nullif(current_setting('app.county_ids', true), ''),
                                         ',')::bigint[], '{}'::bigint[]) $$;
CREATE OR REPLACE FUNCTION app_is_state() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT coalesce(current_setting('app.is_state', true), '') = 'on' $$;
CREATE OR REPLACE FUNCTION app_is_operator() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT coalesce(current_setting('app.is_operator', true), '') = 'on' $$;
CREATE OR REPLACE FUNCTION app_is_system() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT coalesce(current_setting('app.is_system', true), '') = 'on' $$;
DROP FUNCTION IF EXISTS app_context();
DROP TABLE IF EXISTS app_context_key;
"""

CLOSE_KEY = if_role_exists(f"REVOKE ALL ON app_context_key FROM {APP_ROLE};")


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0016_suspension_outlives_expiry"),
        ("accounts", "0001_initial"),
        ("counties", "0005_auditevent_to_audit"),
    ]

    operations = [
        migrations.RunSQL(FUNCTIONS, DROP),
        migrations.RunSQL(CLOSE_KEY, migrations.RunSQL.noop),
    ]
