"""Engines, sessions and start-up migrations, one database per service."""
from __future__ import annotations

import contextlib
import fcntl
import logging
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy import exc as exc_module
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)


def make_engine(url: str) -> Engine:
    """An engine tuned per backend: SQLite in WAL with writers serialised."""
    if url.startswith("sqlite"):
        _ensure_sqlite_folder(url)
        engine = create_engine(url, connect_args={"timeout": 30})
        _tune_sqlite(engine)
        return engine
    engine = create_engine(
        url,
        pool_size=5,
        max_overflow=5,
        pool_timeout=5,
        connect_args={"connect_timeout": 5, "options": "-c statement_timeout=10000"},
    )
    _ping_idle_connections(engine)
    return engine


# A connection back in use within this long was working a moment ago: pinging
# it (a round trip on every checkout, as pool_pre_ping does) cost a busy
# process one extra statement per transaction. One idle for longer may have
# been cut by a server restart or a firewall, so it is pinged first.
PING_AFTER_IDLE_S = 1.0


def _ping_idle_connections(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn, record, _proxy):
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:
            raise exc_module.DisconnectionError(f"a pooled connection failed its ping: {exc}") from exc
        if not alive:
            raise exc_module.DisconnectionError("a pooled connection failed its ping")


def _ensure_sqlite_folder(url: str) -> None:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _tune_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling starts transactions lazily and as
    # readers, so two writers can deadlock on lock upgrade; we begin every
    # transaction ourselves as IMMEDIATE so writers queue on busy_timeout.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def insert_for(session: Session) -> Callable:
    """The INSERT construct of the session's database: ON CONFLICT is spelled per dialect in SQLAlchemy."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


@contextlib.contextmanager
def migration_lock(engine: Engine, name: str) -> Iterator[None]:
    """Serialise migrations of one database across processes starting at once."""
    if is_postgres(engine):
        key = zlib.crc32(f"rebound-migrate-{name}".encode())
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()
        return
    path = engine.url.database
    lock_path = Path(f"{path}.migrate.lock") if path else None
    if lock_path is None:
        yield
        return
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def alembic_config(migrations_dir: Path, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(name: str, migrations_dir: Path, url: str) -> None:
    """Bring one service's database to the newest schema."""
    engine = make_engine(url)
    try:
        with migration_lock(engine, name):
            command.upgrade(alembic_config(migrations_dir, url), "head")
    finally:
        engine.dispose()
    log.info("migrated", extra={"service": name})
