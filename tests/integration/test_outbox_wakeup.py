"""A commit on PostgreSQL wakes relays in other processes at once (LISTEN/NOTIFY)."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import event as sa_event

from shared.outbox import emit
from shared.outbox_wakeup import libpq_url, listen
from support import datas, wait_for

pytestmark = pytest.mark.integration


@pytest.fixture
def listening(pg_service_db):
    """(wake, stop) of a listener on the service database, running until the test ends."""
    wake, stop = threading.Event(), threading.Event()
    thread = threading.Thread(target=listen, args=(pg_service_db.url, wake, stop), daemon=True)
    thread.start()
    wait_for(wake.is_set, message="the listener never connected")  # it wakes once on (re)connecting
    wake.clear()
    yield wake
    stop.set()
    thread.join(5)
    assert not thread.is_alive()


def test_a_committed_event_wakes_the_listener_and_an_open_transaction_does_not(pg_service_db, listening):
    [data] = datas("application.created", 1)
    with pg_service_db.sessions.begin() as session:
        emit(session, "application.created", user_id="user-1", data=data, producer="tracker")
        assert not listening.wait(0.3), "woken before the commit: the relay would find nothing yet"
    wait_for(listening.is_set, timeout=5, message="no wake-up after the commit")


def test_a_rolled_back_event_wakes_nobody(pg_service_db, listening):
    [data] = datas("application.created", 1)
    session = pg_service_db.sessions()
    emit(session, "application.created", user_id="user-1", data=data, producer="tracker")
    session.rollback()
    session.close()
    assert not listening.wait(0.5)


def test_many_events_in_one_transaction_send_one_notify(pg_service_db):
    statements = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa_event.listen(pg_service_db.engine, "before_cursor_execute", seen)
    pg_service_db.emit("application.created", datas("application.created", 5))
    pg_service_db.emit("application.created", datas("application.created", 2))
    assert sum(1 for s in statements if s.startswith("NOTIFY")) == 2, "one per transaction"


def test_only_postgresql_urls_are_listened_to(tmp_path):
    assert libpq_url(f"sqlite:///{tmp_path}/x.db") is None
    assert libpq_url("postgresql+psycopg://postgres@127.0.0.1:5432/db") == "postgresql://postgres@127.0.0.1:5432/db"
