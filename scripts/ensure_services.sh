#!/usr/bin/env bash
# Make PostgreSQL and Redis reachable on 127.0.0.1, starting local servers that are installed
# but stopped, then create the application's role and database when missing. Idempotent.
set -euo pipefail

PGHOST=127.0.0.1
PGPORT=5432
DB_NAME=${PEERCERT_DB_NAME:-peercert}
DB_ROLE=${PEERCERT_DB_ROLE:-peercert}
# The application role: owns nothing, bypasses no row-level security (core/rls.py).
APP_ROLE=${DATABASE_APP_ROLE:-peercert_app}

pg_up() { pg_isready -h "$PGHOST" -p "$PGPORT" -q; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

if ! command -v pg_isready >/dev/null || ! command -v redis-cli >/dev/null; then
  echo "Installing PostgreSQL and Redis clients/servers from Debian packages..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server >/dev/null
fi

if ! pg_up; then
  echo "Starting PostgreSQL..."
  for version in $(ls /etc/postgresql 2>/dev/null); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  done
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
fi
pg_up || { echo "PostgreSQL is not reachable on $PGHOST:$PGPORT" >&2; exit 1; }

if ! redis_up; then
  echo "Starting Redis..."
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/peercert.log
  for _ in $(seq 1 20); do redis_up && break; sleep 0.5; done
fi
redis_up || { echo "Redis is not reachable on 127.0.0.1:6379" >&2; exit 1; }

psql_admin() { psql -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtAc "$1"; }
if [ "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname = '$DB_ROLE'")" != "1" ]; then
  psql_admin "CREATE ROLE $DB_ROLE LOGIN CREATEDB"
fi
if [ "$(psql_admin "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != "1" ]; then
  psql_admin "CREATE DATABASE $DB_NAME OWNER $DB_ROLE"
fi
if [ "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname = '$APP_ROLE'")" != "1" ]; then
  psql_admin "CREATE ROLE $APP_ROLE LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"
fi
psql_admin "ALTER ROLE $APP_ROLE NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"
# The owner may act as the application role (SET LOCAL ROLE per request, SET ROLE in workers).
if [ "$(psql_admin "SELECT 1 FROM pg_auth_members WHERE roleid = '$APP_ROLE'::regrole
                    AND member = '$DB_ROLE'::regrole")" != "1" ]; then
  psql_admin "GRANT $APP_ROLE TO $DB_ROLE"
fi
