#!/usr/bin/env bash
# make restore BACKUP=var/backups/<stamp>: restore the database dump and the uploaded files.
# The target database must be empty (a fresh `createdb`); files go into MEDIA_ROOT.
set -euo pipefail
cd "$(dirname "$0")/.."
BACKUP=${BACKUP:?set BACKUP to a folder written by make backup}
DATABASE_URL=${DATABASE_URL:-postgres://peercert@127.0.0.1:5432/peercert}
MEDIA_ROOT=${MEDIA_ROOT:-var/media}

(cd "$BACKUP" && sha256sum --check --quiet SHA256SUMS)
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$DATABASE_URL" "$BACKUP/database.dump"
mkdir -p "$MEDIA_ROOT"
tar -C "$MEDIA_ROOT" -xzf "$BACKUP/media.tar.gz"
echo "Restored $BACKUP"
