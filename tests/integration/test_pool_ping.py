"""Pooled PostgreSQL connections: pinged after sitting idle, not on every checkout."""
from __future__ import annotations

import pytest
from sqlalchemy import exc, text

from shared import db as db_module
from shared.db import make_engine

pytestmark = pytest.mark.integration


def backend_pid(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


def terminate(url: str, pid: int) -> None:
    killer = make_engine(url)
    with killer.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    killer.dispose()


@pytest.fixture
def engine(pg_database):
    url = pg_database()
    engine = make_engine(url)
    yield url, engine
    engine.dispose()


def test_an_idle_connection_cut_by_the_server_is_replaced_on_checkout(engine, monkeypatch):
    url, engine = engine
    first = backend_pid(engine)
    terminate(url, first)
    monkeypatch.setattr(db_module, "PING_AFTER_IDLE_S", 0.0)  # it has been idle "long enough"
    assert backend_pid(engine) != first, "the dead connection was pinged, dropped and replaced"


def test_a_connection_back_in_use_at_once_is_not_pinged(engine, monkeypatch):
    url, engine = engine
    first = backend_pid(engine)
    terminate(url, first)
    monkeypatch.setattr(db_module, "PING_AFTER_IDLE_S", 3600.0)
    with pytest.raises(exc.OperationalError):  # no ping: the first statement finds it dead
        backend_pid(engine)
    assert backend_pid(engine) != first, "and the pool replaces it for the next checkout"
