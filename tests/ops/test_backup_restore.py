"""make backup / make restore: a backup restored into a fresh database has every row and file."""

import os
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from documents.models import Document
from tests.factories import (
    ApplicationFactory,
    CertificationFactory,
    DocumentFactory,
    ProfileFactory,
)

ROOT = Path(__file__).resolve().parents[2]
TABLES = [
    "accounts_user",
    "counties_county",
    "counties_optinperiod",
    "certification_applicantprofile",
    "certification_application",
    "certification_document",
    "certification_certification",
]


def _url(dbname: str) -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{dbname}"


def _counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


# Counties come from a data migration: serialized_rollback restores them for later tests.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_restores_every_row_and_file_into_a_fresh_database(tmp_path, settings):
    profile = ProfileFactory()
    application = ApplicationFactory(applicant=profile.user)
    document = DocumentFactory(owner=profile.user, application=application)
    CertificationFactory()
    source_url = _url(connection.settings_dict["NAME"])
    before = _counts(source_url)
    media = Path(settings.MEDIA_ROOT)
    stored = media / document.file.name
    assert stored.exists()

    backup_dir = tmp_path / "backup"
    env = {
        **os.environ,
        "DATABASE_URL": source_url,
        "MEDIA_ROOT": str(media),
        "BACKUP_DIR": str(backup_dir),
    }
    subprocess.run([str(ROOT / "scripts/backup.sh")], check=True, env=env, capture_output=True)
    assert (backup_dir / "database.dump").stat().st_size > 0

    target_db = connection.settings_dict["NAME"] + "_restore"
    target_media = tmp_path / "restored-media"
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{target_db}"')
        admin.execute(f'CREATE DATABASE "{target_db}"')
    try:
        env = {
            **os.environ,
            "DATABASE_URL": _url(target_db),
            "MEDIA_ROOT": str(target_media),
            "BACKUP": str(backup_dir),
        }
        subprocess.run([str(ROOT / "scripts/restore.sh")], check=True, env=env, capture_output=True)
        assert _counts(_url(target_db)) == before
        with psycopg.connect(_url(target_db)) as conn:
            name, sha = conn.execute(
                "SELECT file, sha256 FROM certification_document WHERE id = %s", [document.pk]
            ).fetchone()
        restored = target_media / name
        assert restored.read_bytes() == stored.read_bytes()
        assert sha == Document.objects.get(pk=document.pk).sha256
    finally:
        with psycopg.connect(_url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target_db}"')


def test_restore_refuses_a_tampered_backup(tmp_path):
    backup_dir = tmp_path / "bad"
    backup_dir.mkdir()
    (backup_dir / "database.dump").write_bytes(b"x")
    (backup_dir / "media.tar.gz").write_bytes(b"y")
    (backup_dir / "SHA256SUMS").write_text("0" * 64 + "  database.dump\n")
    env = {
        **os.environ,
        "BACKUP": str(backup_dir),
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
    }
    result = subprocess.run([str(ROOT / "scripts/restore.sh")], env=env, capture_output=True)
    assert result.returncode != 0
