#!/usr/bin/env bash
# make backup: a consistent database dump plus the uploaded files, in one folder.
#   BACKUP_DIR (default var/backups/<UTC timestamp>)  DATABASE_URL  MEDIA_ROOT
set -euo pipefail
cd "$(dirname "$0")/.."
DATABASE_URL=${DATABASE_URL:-postgres://peercert@127.0.0.1:5432/peercert}
MEDIA_ROOT=${MEDIA_ROOT:-var/media}
BACKUP_DIR=${BACKUP_DIR:-var/backups/$(date -u +%Y%m%dT%H%M%SZ)}

mkdir -p "$BACKUP_DIR"
pg_dump --format=custom --no-owner --no-privileges --file="$BACKUP_DIR/database.dump" "$DATABASE_URL"
if [ -d "$MEDIA_ROOT" ]; then
  tar -C "$MEDIA_ROOT" -czf "$BACKUP_DIR/media.tar.gz" .
else
  tar -czf "$BACKUP_DIR/media.tar.gz" --files-from /dev/null
fi
(cd "$BACKUP_DIR" && sha256sum database.dump media.tar.gz > SHA256SUMS)
echo "Backup written to $BACKUP_DIR"
