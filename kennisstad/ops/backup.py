"""Backing up the database and restoring it, with the erasure journal re-applied afterwards.

SQLite is copied with its online backup API (a consistent snapshot while the site runs, WAL
included) and gzipped; PostgreSQL with ``pg_dump -Fc``. Connection details for the PostgreSQL
tools go through the environment (PGPASSWORD and friends), never the command line, where any
user of the machine could read them.
"""

from __future__ import annotations

import errno
import gzip
import io
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from kennisstad.loket.services import ReapplyCounts, erasures_reapply
from kennisstad.newsletter.services import erasures_reapply as newsletter_erasures_reapply

PREFIX = "kennisstad-backup-"
SUFFIXES = {"sqlite": ".sqlite3.gz", "postgres": ".pgdump"}
_SQLITE_MAGIC = b"SQLite format 3\x00"
_PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why, in Dutch."""


@dataclass
class BackupResult:
    path: Path
    size: int
    pruned: list[Path] = field(default_factory=list)


@dataclass
class RestoreResult:
    kind: str
    migrations: int
    erasures: ReapplyCounts
    index_rebuilt: bool


def database_kind() -> str:
    vendor = connections["default"].vendor
    if vendor == "sqlite":
        return "sqlite"
    if vendor == "postgresql":
        return "postgres"
    raise BackupError(f"Back-ups van een {vendor}-database worden niet ondersteund.")


def file_kind(path: Path) -> str | None:
    """ "sqlite" or "postgres" from the file's contents (not its name), else None."""
    with open(path, "rb") as raw:
        head = raw.read(len(_PG_MAGIC))
    if head == _PG_MAGIC:
        return "postgres"
    if head[:2] == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as unpacked:
                if unpacked.read(len(_SQLITE_MAGIC)) == _SQLITE_MAGIC:
                    return "sqlite"
        except (OSError, EOFError):
            return None
    return None


def default_path(kind: str, *, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return Path(settings.BACKUP_DIR) / f"{PREFIX}{kind}-{stamp}{SUFFIXES[kind]}"


def pg_tool(name: str) -> str:
    """Where a PostgreSQL client program is: PG_BIN_DIR, else PATH, else Debian's newest version."""
    if settings.PG_BIN_DIR:
        candidate = Path(settings.PG_BIN_DIR) / name
        if candidate.is_file():
            return str(candidate)
        raise BackupError(f"{name} staat niet in PG_BIN_DIR ({settings.PG_BIN_DIR}).")
    found = shutil.which(name)
    if found:
        return found

    def version(path: Path) -> int:
        number = path.parent.parent.name
        return int(number) if number.isdigit() else 0

    installed = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=version)
    if installed:
        return str(installed[-1])
    raise BackupError(
        f"{name} is niet gevonden. Installeer de PostgreSQL-clientprogramma's (Debian: "
        "postgresql-client, dezelfde of een nieuwere versie dan de server) of zet PG_BIN_DIR."
    )


def _pg_env() -> dict[str, str]:
    db = connections["default"].settings_dict
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    if db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = db["OPTIONS"]["sslmode"]
    return env


def _run(args: list[str], *, what: str, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, env=_pg_env(), stderr=subprocess.PIPE, check=False, **kwargs)
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip()
        raise BackupError(f"{what} is mislukt (code {result.returncode}): {message}")
    return result


def _sqlite_path() -> Path:
    name = str(connections["default"].settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:") or not name:
        raise BackupError("Een SQLite-database in het geheugen heeft geen back-up of herstel.")
    return Path(name)


def _open_private(path: Path):
    # 0600 from the start: the file holds personal data, even for the moment before a chmod.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    return os.fdopen(descriptor, "wb")


def _sqlite_backup(out, workdir: Path) -> None:
    database = _sqlite_path()
    if not database.exists():
        raise BackupError(f"De database {database} bestaat niet.")
    descriptor, copy = tempfile.mkstemp(prefix=".kennisstad-backup-", suffix=".sqlite3", dir=workdir)
    os.close(descriptor)
    try:
        source = sqlite3.connect(database)
        try:
            target = sqlite3.connect(copy)
            try:
                # All pages in one step: one read transaction, so one consistent snapshot even
                # while the site writes (WAL included).
                source.backup(target)
                # A single self-contained file, without -wal/-shm companions.
                target.execute("PRAGMA journal_mode=DELETE")
            finally:
                target.close()
        finally:
            source.close()
        with open(copy, "rb") as raw, gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6) as packed:
            shutil.copyfileobj(raw, packed, 1 << 20)
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite kon geen back-up maken van {database}: {exc}") from exc
    finally:
        os.unlink(copy)


def backup_create(*, out: Path | None = None, keep: int | None = None) -> BackupResult:
    """Write a backup of the configured database to ``out`` (default: BACKUP_DIR, timestamped).

    The file appears only when complete (written as ``.part``, then renamed); with ``keep``,
    older backups of the same kind in the same directory beyond the newest ``keep`` are removed.
    """
    kind = database_kind()
    if keep is not None and keep < 1:
        raise BackupError("--keep moet minstens 1 zijn.")
    path = Path(out) if out else default_path(kind)
    if path.exists():
        raise BackupError(f"{path} bestaat al; kies een andere naam.")
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    try:
        with _open_private(part) as written:
            if kind == "sqlite":
                _sqlite_backup(written, path.parent)
            else:
                _run([pg_tool("pg_dump"), "-Fc", "--no-password"], what="pg_dump", stdout=written)
            written.flush()
            os.fsync(written.fileno())
        os.replace(part, path)
    except OSError as exc:
        part.unlink(missing_ok=True)
        if exc.errno == errno.ENOSPC:
            raise BackupError(f"Geen ruimte meer op de schijf voor {path}; er is niets bewaard.") from exc
        raise BackupError(f"De back-up naar {path} is mislukt: {exc}") from exc
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    pruned = prune(path.parent, kind=kind, keep=keep) if keep else []
    return BackupResult(path=path, size=path.stat().st_size, pruned=pruned)


def prune(directory: Path, *, kind: str, keep: int) -> list[Path]:
    """Remove all but the newest ``keep`` default-named backups of this kind; returns the removed ones."""
    # Timestamps in the names sort as text; files named otherwise are never touched.
    backups = sorted(directory.glob(f"{PREFIX}{kind}-*{SUFFIXES[kind]}"))
    removed = backups[:-keep] if len(backups) > keep else []
    for old in removed:
        old.unlink()
    return removed


def _sqlite_restore(path: Path) -> None:
    database = _sqlite_path()
    database.parent.mkdir(parents=True, exist_ok=True)
    descriptor, copy = tempfile.mkstemp(prefix=".kennisstad-restore-", suffix=".sqlite3", dir=database.parent)
    try:
        with os.fdopen(descriptor, "wb") as unpacked_file, gzip.open(path, "rb") as packed:
            shutil.copyfileobj(packed, unpacked_file, 1 << 20)
        check = sqlite3.connect(copy)
        try:
            verdict = check.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            check.close()
        if verdict != "ok":
            raise BackupError(f"De back-up {path} is beschadigd ({verdict}); er is niets veranderd.")
        connections.close_all()
        source = sqlite3.connect(copy)
        target = sqlite3.connect(database, timeout=30)
        try:
            # Copying all pages in one step is one write transaction on the live file: the site
            # sees the old data or the restored data, never a mix, and a failure changes nothing.
            source.backup(target)
        finally:
            target.close()
            source.close()
    except (OSError, EOFError, sqlite3.Error) as exc:
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            raise BackupError("Geen ruimte meer op de schijf om de back-up uit te pakken.") from exc
        raise BackupError(f"Terugzetten van {path} is mislukt: {exc}; er is niets veranderd.") from exc
    finally:
        os.unlink(copy)


def _pg_restore(path: Path) -> None:
    pg_restore = pg_tool("pg_restore")
    connection = connections["default"]
    with connection.cursor() as cursor:
        live = sorted(connection.introspection.table_names(cursor))
    # --clean only undoes what the dump has: tables, columns and foreign keys made by later
    # migrations would stay behind (and a newer foreign key to auth_user stops the drop of its
    # primary key). Every live table goes first, in the same transaction as the restore.
    drop = "".join(f"DROP TABLE IF EXISTS {connection.ops.quote_name(t)} CASCADE;" for t in live)
    connections.close_all()
    descriptor, script = tempfile.mkstemp(prefix=".kennisstad-restore-", suffix=".sql")
    os.close(descriptor)
    try:
        _run(
            [
                pg_restore,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--file",
                script,
                str(path),
            ],
            what="pg_restore",
        )
        # One transaction for everything: on any error PostgreSQL rolls it all back.
        _run(
            [pg_tool("psql"), "--no-psqlrc", "--quiet", "--no-password", "--single-transaction"]
            + ["--set", "ON_ERROR_STOP=1", "--command", drop or "SELECT 1;", "--file", script],
            what="Terugzetten in PostgreSQL",
            stdout=subprocess.DEVNULL,
        )
    finally:
        os.unlink(script)


def _migration_plan() -> tuple[list, list]:
    """The migrations the restored database still needs, and the applied ones this code lacks."""
    executor = MigrationExecutor(connections["default"])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    unknown = [key for key in executor.loader.applied_migrations if key not in executor.loader.graph.nodes]
    return plan, unknown


def _search_index_empty() -> bool:
    from kennisstad.portfolio.models import Project
    from kennisstad.search.models import SearchDocument

    return Project.objects.exists() and not SearchDocument.objects.exists()


def restore(path: Path, *, say: Callable[[str], None] = lambda message: None) -> RestoreResult:
    """Replace the configured database by the backup in ``path``, then bring it up to date:
    migrations, the erasure journal, the search index."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} bestaat niet of is geen bestand.")
    kind = database_kind()
    found = file_kind(path)
    if found is None:
        raise BackupError(f"{path} is geen back-up van Kennisstad (geen SQLite- of pg_dump-bestand).")
    if found != kind:
        raise BackupError(
            f"{path} is een {found}-back-up, maar de database is {kind}; er is niets veranderd."
        )

    say(f"Back-up {path} terugzetten in de {kind}-database …")
    if kind == "sqlite":
        _sqlite_restore(path)
    else:
        _pg_restore(path)
    connections.close_all()
    say("Database teruggezet.")

    plan, unknown = _migration_plan()
    if unknown:
        names = ", ".join(f"{app}.{name}" for app, name in unknown)
        say(f"Let op: de back-up is van een nieuwere versie van Kennisstad (onbekende migraties: {names}).")
    if plan:
        say(f"De back-up heeft een ouder schema: {len(plan)} migratie(s) uitvoeren …")
        call_command("migrate", interactive=False, verbosity=0, stdout=io.StringIO())
    else:
        say("Het schema is actueel.")

    counts = erasures_reapply()
    say(
        f"Verwijderingen opnieuw toegepast: {counts.questions} vraag/vragen en {counts.interests} "
        f"aanmelding(en) uit {counts.entries} regel(s) in het journaal; {counts.records} registratie(s) "
        f"hersteld, {counts.journalled} aan het journaal toegevoegd."
    )
    subscribers = newsletter_erasures_reapply()
    say(f"Nieuwsbrief: {subscribers} abonnee(s) opnieuw afgemeld of gewist.")

    # The index lives in the database (FTS5 tables in the SQLite file, tsvector columns in
    # PostgreSQL) and comes back with it; a migration may have changed its analysis, though.
    rebuilt = bool(plan) or _search_index_empty()
    if rebuilt:
        from kennisstad.search.services import rebuild_index

        say("Zoekindex opnieuw opbouwen …")
        rebuild_index()
    return RestoreResult(kind=kind, migrations=len(plan), erasures=counts, index_rebuilt=rebuilt)
