"""`kennisstad backup` and `kennisstad restore`, round trip included, on the suite's database.

The commands replace a whole database, so they run in subprocesses against a site of their own:
on SQLite a file database in a temporary data directory, on PostgreSQL a scratch database on the
suite's server. Whichever database the suite runs on is the one tested.
"""

import gzip
import io
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

SUBMIT = """
from kennisstad.loket import services
question = services.question_submit(
    question="Hoe bereiken we eenzame ouderen in de Merenwijk?",
    asker_kind="bewoner",
    asker_name="Anna de Vries",
    asker_email="anna.devries@example.org",
    privacy_statement=services.privacy_statement_ensure(),
    consent=True,
).question
result = question.reference
"""

ERASE = """
from kennisstad.loket import services
from kennisstad.loket.models import Question
services.asker_data_erase(question=Question.objects.get(reference=REFERENCE))
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE ops_after_the_backup (id integer)")
result = None
"""

STATE = """
from django.db import connection
from kennisstad.loket.models import Erasure, Question
from kennisstad.portfolio.models import Project
question = Question.objects.get(reference=REFERENCE)
result = {
    "name": question.asker_name,
    "email": question.asker_email,
    "question": question.question,
    "questions": Question.objects.count(),
    "projects": Project.objects.count(),
    "erasures": list(Erasure.objects.values_list("reference", "reason")),
    "tables": connection.introspection.table_names(),
}
"""


@dataclass
class Site:
    data_dir: Path
    env: dict

    def manage(self, *args, check=True, **kwargs) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "-m", "kennisstad", *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
            **kwargs,
        )
        if check:
            assert result.returncode == 0, result.stdout + result.stderr
        return result

    def python(self, code: str, **names):
        """Run code in the site (Django set up) and return the JSON of its ``result``."""
        preamble = "import django, json\ndjango.setup()\n"
        preamble += "".join(f"{name} = {value!r}\n" for name, value in names.items())
        result = subprocess.run(
            [sys.executable, "-c", preamble + code + "\nprint('RESULT:' + json.dumps(result))"],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        line = next(line for line in reversed(result.stdout.splitlines()) if line.startswith("RESULT:"))
        return json.loads(line.removeprefix("RESULT:"))


def _postgres_admin(settings_dict):
    import psycopg

    return psycopg.connect(
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


@pytest.fixture
def site(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kennisstad.settings",
        "KENNISSTAD_DATA_DIR": str(tmp_path / "data"),
        "DEBUG": "0",
    }
    for name in (
        "DATABASE_URL",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "ERASURE_JOURNAL",
        "BACKUP_DIR",
        "ERASURE_HASH_KEY",
    ):
        env.pop(name, None)
    if connection.vendor == "sqlite":
        yield Site(tmp_path / "data", env)
        return
    db = connection.settings_dict
    scratch = f"kennisstad_backup_{uuid.uuid4().hex[:12]}"
    with _postgres_admin(db) as admin:
        admin.execute(f'CREATE DATABASE "{scratch}"')
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    env["DATABASE_URL"] = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{scratch}"
    try:
        yield Site(tmp_path / "data", env)
    finally:
        with _postgres_admin(db) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


def kind() -> str:
    return "sqlite" if connection.vendor == "sqlite" else "postgres"


def test_a_restored_backup_keeps_the_figures_and_erased_askers_stay_erased(site):
    site.manage("migrate", "-v0")
    site.manage("load_demo")
    reference = site.python(SUBMIT)
    before = site.python(STATE, REFERENCE=reference)
    assert before["email"] == "anna.devries@example.org"

    made = site.manage("backup")
    backups = list((site.data_dir / "backups").iterdir())
    assert len(backups) == 1
    backup = backups[0]
    assert backup.name.startswith(f"kennisstad-backup-{kind()}-")
    assert str(backup) in made.stdout
    assert backup.stat().st_mode & 0o777 == 0o600

    site.python(ERASE, REFERENCE=reference)
    restored = site.manage("restore", str(backup), "--yes")

    assert "Verwijderingen opnieuw toegepast: 1 vraag" in restored.stdout
    after = site.python(STATE, REFERENCE=reference)
    # The asker is gone again, though the backup still had them.
    assert (after["name"], after["email"]) == ("", "")
    assert "eenzame ouderen" not in after["question"]
    assert after["erasures"] == [[reference, "request"]]
    # The anonymous figures are kept, and the rest of the data is the backup's.
    assert (after["questions"], after["projects"]) == (before["questions"], before["projects"])
    assert after["projects"] > 50
    assert "ops_after_the_backup" not in after["tables"]
    journal = (site.data_dir / "erasures.jsonl").read_text()
    assert reference in journal
    assert "anna" not in journal.lower()

    # Restoring once more changes nothing further.
    again = site.manage("reapply_erasures")
    assert "Opnieuw gewist: 0 vraag/vragen" in again.stdout


def test_backup_keeps_the_newest_of_its_kind(site):
    site.manage("migrate", "-v0")
    backups = site.data_dir / "backups"
    suffix = ".sqlite3.gz" if kind() == "sqlite" else ".pgdump"
    for stamp in ("20240101T000000Z", "20250101T000000Z"):
        site.manage("backup", "--out", str(backups / f"kennisstad-backup-{kind()}-{stamp}{suffix}"))
    (backups / "mijn-eigen-kopie.bin").write_bytes(b"niet van ons")

    made = site.manage("backup", "--keep", "2")

    names = sorted(path.name for path in backups.iterdir())
    assert len(names) == 3
    assert f"kennisstad-backup-{kind()}-20240101T000000Z{suffix}" not in names
    assert f"kennisstad-backup-{kind()}-20250101T000000Z{suffix}" in names
    assert "mijn-eigen-kopie.bin" in names
    assert "Oude back-up verwijderd" in made.stdout


def test_restore_refuses_without_yes_when_nobody_can_confirm(site, tmp_path):
    backup = tmp_path / "backup.pgdump"
    backup.write_bytes(b"PGDMP")

    result = site.manage("restore", str(backup), check=False, stdin=subprocess.DEVNULL)

    assert result.returncode != 0
    assert "--yes" in result.stderr


def test_backup_refuses_to_overwrite_a_file(site, tmp_path):
    existing = tmp_path / "er-staat-al-iets.gz"
    existing.write_bytes(b"belangrijk")

    result = site.manage("backup", "--out", str(existing), check=False)

    assert result.returncode != 0
    assert "bestaat al" in result.stderr
    assert existing.read_bytes() == b"belangrijk"


def other_kind_of_backup(path: Path) -> Path:
    if kind() == "postgres":
        database = sqlite3.connect(":memory:")
        database.execute("CREATE TABLE t (id integer)")
        data = database.serialize()
        database.close()
        path.write_bytes(gzip.compress(data))
    else:
        path.write_bytes(b"PGDMP\x01\x0e\x00" + bytes(100))
    return path


@pytest.mark.django_db
def test_restore_refuses_a_backup_of_the_other_database(tmp_path):
    backup = other_kind_of_backup(tmp_path / "backup")

    with pytest.raises(CommandError, match="er is niets veranderd"):
        call_command("restore", str(backup), "--yes", stdout=io.StringIO())


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_no_backup(tmp_path):
    junk = tmp_path / "notities.txt.gz"
    junk.write_bytes(gzip.compress(b"dit is geen database"))

    with pytest.raises(CommandError, match="geen back-up van Kennisstad"):
        call_command("restore", str(junk), "--yes", stdout=io.StringIO())


def test_restoring_a_backup_of_an_older_schema_migrates_it(site):
    site.manage("migrate", "loket", "0003", "-v0")
    site.manage("backup", "--out", str(site.data_dir / "older.backup"))
    site.manage("migrate", "-v0")

    restored = site.manage("restore", str(site.data_dir / "older.backup"), "--yes")

    assert "ouder schema" in restored.stdout
    assert "Zoekindex opnieuw opbouwen" in restored.stdout
    assert "No migrations to apply" in site.manage("migrate").stdout
