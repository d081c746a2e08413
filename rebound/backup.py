"""`rebound backup DIR` and `rebound restore ARCHIVE`: every service's database in one archive.

An archive is `rebound-backup-<UTC time>.tar.gz` holding one file per
service (SQLite: a copy made with SQLite's online backup API, safe while
Rebound runs; PostgreSQL: `pg_dump --format=custom`) and `manifest.json`,
which names each service's engine, file and schema revision (its alembic
head at the time).

Restore checks everything before it changes anything: the manifest, every
file, that each schema revision is one this version of Rebound knows (an
archive from a newer version is refused), that each database is of the same
kind as the archive's, and that Rebound is not running. Then it puts every
service back to the archive's point and migrates it forward to this
version's schema.

The databases are copied one after another, so an event may be on the bus
between them: sent in the producer's copy, not yet handled in the
consumer's. So that every service ends at one point, restore empties the
services' event queues (what they hold happened after the backup, or is
sent again) and marks every event sent since shortly before the backup
began as unsent: the relays publish those again and consumers drop the ones
they had already handled (by event id).
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text, update
from sqlalchemy.engine import make_url

from shared import topology
from shared.bus import connect, declare_topology
from shared.config import SERVICES, Settings
from shared.db import alembic_config
from shared.outbox_wakeup import libpq_url
from rebound.processes import HANDLER_MAPS
from rebound.migrations import migrate_service, migrations_dir
from shared.tables import outbox

FORMAT = 1
PREFIX = "rebound-backup-"
RESEND_MARGIN = timedelta(minutes=5)  # events sent this long before a backup began are sent again on restore


class BackupError(ValueError):
    """The backup or restore cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class Entry:
    service: str
    engine: str  # "sqlite" or "postgresql"
    file: str
    revision: str | None


def engine_of(url: str) -> str:
    backend = make_url(url).get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupError(f"cannot back up a {backend} database")
    return backend


def schema_revision(url: str) -> str | None:
    """The alembic revision the database is at (None: never migrated)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()


def known_revisions(service: str, url: str) -> set[str]:
    script = ScriptDirectory.from_config(alembic_config(migrations_dir(service), url))
    return {revision.revision for revision in script.walk_revisions()}


# --- backup ------------------------------------------------------------------

def copy_sqlite(url: str, target: Path) -> None:
    """A consistent copy of a live SQLite database, page by page (the online backup API)."""
    source, copy = sqlite3.connect(make_url(url).database), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()


def dump_postgres(url: str, target: Path) -> None:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError("pg_dump is not installed (Debian: apt-get install postgresql-client)")
    run([pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--file={target}",
         f"--dbname={libpq_url(url)}"])


def run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[:500]}")


def backup(settings: Settings, folder: Path, now: datetime | None = None) -> Path:
    """Write one archive of every service's database into `folder`; its path."""
    now = now or datetime.now(timezone.utc)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{PREFIX}{now.strftime('%Y%m%dT%H%M%S%fZ')}"
    with tempfile.TemporaryDirectory(dir=folder, prefix=".tmp-") as work:
        work = Path(work)
        started = datetime.now(timezone.utc)
        entries = [_backup_one(settings, service, work) for service in SERVICES]
        manifest = {"format": FORMAT, "created_at": now.isoformat(), "started_at": started.isoformat(),
                    "services": {e.service: {"engine": e.engine, "file": e.file, "revision": e.revision}
                                 for e in entries}}
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2))
        partial = folder / f".{name}.tar.gz.part"
        with tarfile.open(partial, "w:gz") as archive:
            for path in sorted(work.iterdir()):
                archive.add(path, arcname=path.name)
        final = folder / f"{name}.tar.gz"
        os.replace(partial, final)
    return final


def _backup_one(settings: Settings, service: str, work: Path) -> Entry:
    url = settings.database_url(service)
    engine = engine_of(url)
    revision = schema_revision(url)
    if engine == "sqlite":
        file = f"{service}.sqlite3"
        copy_sqlite(url, work / file)
    else:
        file = f"{service}.pgdump"
        dump_postgres(url, work / file)
    return Entry(service, engine, file, revision)


def prune(folder: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` archives in `folder`; the ones removed."""
    archives = sorted(folder.glob(f"{PREFIX}*.tar.gz"))
    doomed = archives[:-keep] if keep > 0 else []
    for path in doomed:
        path.unlink()
    return doomed


# --- restore -----------------------------------------------------------------

def read_manifest(archive: Path) -> tuple[dict, list[Entry]]:
    if not archive.is_file():
        raise BackupError(f"no archive at {archive}")
    try:
        with tarfile.open(archive, "r:gz") as tar:
            manifest = json.load(tar.extractfile("manifest.json"))
            names = set(tar.getnames())
    except (tarfile.TarError, KeyError, ValueError, OSError) as exc:
        raise BackupError(f"{archive.name} is not a Rebound backup ({exc})") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive.name} has backup format {manifest.get('format')!r}; this version reads {FORMAT}")
    entries = [Entry(service, e["engine"], e["file"], e["revision"]) for service, e in manifest["services"].items()]
    missing = [e.file for e in entries if e.file not in names]
    if missing or {e.service for e in entries} != set(SERVICES):
        raise BackupError(f"{archive.name} is incomplete: it should hold {', '.join(SERVICES)}")
    return manifest, entries


def check_restorable(settings: Settings, entries: list[Entry]) -> None:
    """Refuse before touching anything: a newer schema, or a database of another kind."""
    for entry in entries:
        url = settings.database_url(entry.service)
        if engine_of(url) != entry.engine:
            raise BackupError(f"the archive holds a {entry.engine} database for {entry.service}, but "
                              f"REBOUND_{entry.service.upper()}_DATABASE_URL is {engine_of(url)}")
        if entry.revision is not None and entry.revision not in known_revisions(entry.service, url):
            raise BackupError(f"the archive's {entry.service} schema ({entry.revision}) is newer than this "
                              "version of Rebound knows: upgrade Rebound first, then restore")
        if entry.engine == "postgresql" and shutil.which("pg_restore") is None:
            raise BackupError("pg_restore is not installed (Debian: apt-get install postgresql-client)")


def restore(settings: Settings, archive: Path) -> list[Entry]:
    """Put every service's database back to the archive's point, then migrate it to this version."""
    manifest, entries = read_manifest(archive)
    check_restorable(settings, entries)
    with tempfile.TemporaryDirectory(prefix="rebound-restore-") as work:
        work = Path(work)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(work, filter="data")
        for entry in entries:
            url = settings.database_url(entry.service)
            if entry.engine == "sqlite":
                replace_sqlite(work / entry.file, url)
            else:
                restore_postgres(work / entry.file, url)
    for entry in entries:
        migrate_service(entry.service, settings)
    since = datetime.fromisoformat(manifest.get("started_at", manifest["created_at"])) - RESEND_MARGIN
    for entry in entries:
        resend_since(settings.database_url(entry.service), since)
    empty_event_queues(settings)
    return entries


def resend_since(url: str, since: datetime) -> int:
    """Mark the events sent since `since` as unsent: the relay publishes them again."""
    naive_utc = since.astimezone(timezone.utc).replace(tzinfo=None)
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            return conn.execute(update(outbox).where(outbox.c.sent_at >= naive_utc).values(
                sent_at=None, claimed_by=None, claimed_until=None, next_attempt_at=None)).rowcount
    finally:
        engine.dispose()


def empty_event_queues(settings: Settings) -> None:
    """Drop what the services' event queues hold: it belongs to the time after the backup."""
    with connect(settings) as conn:
        declare_topology(conn, settings)
        for service in HANDLER_MAPS:
            topology.events_queue(service, settings.bus_is_amqp)(conn.default_channel).purge()


def replace_sqlite(copy: Path, url: str) -> None:
    """Swap the database file for the archive's copy in one rename (its WAL files go with the old one)."""
    target = Path(make_url(url).database)
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{target.name}.restoring")
    source, dest = sqlite3.connect(copy), sqlite3.connect(staged)
    try:
        source.backup(dest)
    finally:
        dest.close()
        source.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(staged, target)


def restore_postgres(dump: Path, url: str) -> None:
    """Empty the database's schema, then load the dump into it."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()
    run([shutil.which("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
         f"--dbname={libpq_url(url)}", str(dump)])
