"""PostgreSQL for the tests, and throwaway service databases on either backend."""
from __future__ import annotations

import logging
import os
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import (
    Column, Engine, Integer, MetaData, String, Table, create_engine, func, make_url, select, text,
)
from sqlalchemy.orm import Session, sessionmaker

from shared.db import make_engine, make_session_factory
from shared.outbox import emit
from shared.tables import bus_metadata, outbox

from .infra import docker_engine_answers, unique_name

log = logging.getLogger(__name__)

LOCAL_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
POSTGRES_IMAGE = "postgres:16"


def psycopg_url(url: str) -> str:
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def postgres_answers(url: str) -> bool:
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # refused, auth, missing database: all mean "no"
        return False
    finally:
        engine.dispose()


class PostgresServer:
    """One server; creates throwaway databases and drops them WITH (FORCE)."""

    def __init__(self, url: str, container=None):
        self.url = url
        self.container = container
        self._admin = create_engine(url, isolation_level="AUTOCOMMIT")

    def create_database(self, prefix: str = "rebound_test_") -> str:
        name = unique_name(prefix)
        with self._admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)

    def drop_database(self, url: str) -> None:
        name = make_url(url).database
        with self._admin.connect() as conn:
            try:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            except Exception:  # PostgreSQL before 13: end the sessions, then drop
                conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": name})
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))

    def stop(self) -> None:
        self._admin.dispose()
        if self.container is not None:
            self.container.stop()


def start_postgres() -> PostgresServer | None:
    """The server to use (env URL, container, or local default), or None."""
    explicit = os.environ.get("REBOUND_TEST_POSTGRES_URL")
    if explicit:
        url = psycopg_url(explicit)
        return PostgresServer(url) if postgres_answers(url) else None
    if docker_engine_answers():
        from testcontainers.community.postgres import PostgresContainer

        try:
            container = PostgresContainer(POSTGRES_IMAGE, driver="psycopg").start()
            return PostgresServer(psycopg_url(container.get_connection_url()), container)
        except Exception as exc:  # no image, no network: try the local server instead
            log.warning("PostgreSQL container failed: %s", exc)
    if postgres_answers(LOCAL_POSTGRES_URL):
        return PostgresServer(LOCAL_POSTGRES_URL)
    return None


# --- a service database for bus tests ---------------------------------------

test_metadata = MetaData()

# One row per application of a handler. event_id is deliberately not unique:
# an event applied twice shows up as two rows instead of a constraint error.
effects = Table(
    "effects",
    test_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False, index=True),
    Column("user_id", String(64), nullable=False),
    Column("value", String(200)),
)


def record_effect(session: Session, event: dict) -> None:
    """A handler: writes one effects row for the event."""
    session.execute(effects.insert().values(
        event_id=event["id"], user_id=event["user_id"], value=event["type"]))


@dataclass
class ServiceDB:
    """A database with the bus tables and `effects`, plus what tests ask of it."""

    url: str
    engine: Engine
    sessions: sessionmaker

    def emit(self, type: str, datas: list[dict], *, user_id: str = "user-1",
             producer: str = "tracker") -> list[dict]:
        """Emit one event per data dict in one transaction; return the events."""
        with self.sessions.begin() as session:
            return [emit(session, type, user_id=user_id, data=d, producer=producer) for d in datas]

    def effect_counts(self) -> Counter:
        with self.engine.connect() as conn:
            return Counter(conn.execute(select(effects.c.event_id)).scalars())

    def applied_once(self, events: list[dict]) -> bool:
        counts = self.effect_counts()
        return all(counts[e["id"]] == 1 for e in events)

    def unsent(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(outbox)
                                .where(outbox.c.sent_at.is_(None))).scalar_one()

    def outbox_rows(self) -> list:
        with self.engine.connect() as conn:
            return conn.execute(select(outbox).order_by(outbox.c.id)).all()

    def dispose(self) -> None:
        self.engine.dispose()


def build_service_db(url: str) -> ServiceDB:
    engine = make_engine(url)
    bus_metadata.create_all(engine)
    test_metadata.create_all(engine)
    return ServiceDB(url, engine, make_session_factory(engine))


def sqlite_url(folder, name: str = "service") -> str:
    return f"sqlite:///{folder / (name + '.db')}"
