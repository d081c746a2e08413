"""Database-level guarantees: the migration lock, and relays sharing PostgreSQL."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from shared.db import make_engine, migration_lock
from shared.outbox import Relay
from shared.worker import run_handlers
from support import FakePublisher, claim_in_lockstep, datas, record_effect, sqlite_url, wait_for

pytestmark = pytest.mark.integration


def postgres_waiters(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text(
            "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
            "WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database()"
        )).scalar_one()


def flock_waiters(lock_file: Path) -> int:
    inode = os.stat(lock_file).st_ino
    lines = Path("/proc/locks").read_text().splitlines()
    return sum(1 for line in lines if "->" in line and "FLOCK" in line and f":{inode} " in line)


@pytest.fixture(params=["sqlite", "postgres"])
def lock_engine(request, tmp_path):
    if request.param == "sqlite":
        url = sqlite_url(tmp_path, "locked")
        engine = make_engine(url)
        lock_file = Path(f"{engine.url.database}.migrate.lock")
        waiting = lambda: lock_file.exists() and flock_waiters(lock_file)  # noqa: E731
    else:
        url = request.getfixturevalue("pg_database")()
        engine = make_engine(url)
        waiting = lambda: postgres_waiters(engine)  # noqa: E731
    yield engine, waiting
    engine.dispose()


def test_the_migration_lock_serialises_two_threads(lock_engine):
    engine, someone_waits = lock_engine
    order: list[str] = []
    first_inside, release_first = threading.Event(), threading.Event()

    def first():
        with migration_lock(engine, "coach"):
            order.append("first in")
            first_inside.set()
            release_first.wait(20)
            order.append("first out")

    def second():
        order.append("second asks")
        with migration_lock(engine, "coach"):
            order.append("second in")
        order.append("second out")

    threads = [threading.Thread(target=first, daemon=True), threading.Thread(target=second, daemon=True)]
    threads[0].start()
    try:
        wait_for(first_inside.is_set, timeout=10, message="the first thread never got the lock")
        threads[1].start()
        wait_for(someone_waits, timeout=10, message=lambda: f"the second thread is not waiting: {order}")
        assert order == ["first in", "second asks"]
    finally:
        release_first.set()
        for thread in threads:
            thread.join(timeout=15)
    assert not any(t.is_alive() for t in threads)
    assert order == ["first in", "second asks", "first out", "second in", "second out"]


def test_relays_on_postgres_claim_disjoint_rows(pg_service_db, event_type):
    db = pg_service_db
    events = db.emit(event_type, datas(event_type, 150))
    relays = [Relay(db.sessions, FakePublisher(), batch_size=9) for _ in range(3)]
    claimed = claim_in_lockstep(relays, rounds=8)
    ids = [row_id for batch in claimed for row_id in batch]
    assert len(ids) == len(set(ids)) == len(events)
    assert all(claimed), "every relay took part"
    owners = {r.id: r.claimed_by for r in db.outbox_rows()}
    for relay, rows in zip(relays, claimed):
        assert {owners[i] for i in rows} == {relay.name}


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_an_event_is_applied_once_however_often_it_arrives(make_service_db, event_type, kind):
    db = make_service_db(kind)
    [event] = db.emit(event_type, datas(event_type, 1))
    applied = [run_handlers(db.sessions, [record_effect], event) for _ in range(3)]
    assert applied == [True, False, False]
    assert db.effect_counts()[event["id"]] == 1
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM processed_events")).scalar_one() == 1


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_a_failing_handler_leaves_no_processed_mark_behind(make_service_db, event_type, kind):
    db = make_service_db(kind)
    [event] = db.emit(event_type, datas(event_type, 1))

    def broken(session, event):
        record_effect(session, event)
        raise RuntimeError("handler bug")

    with pytest.raises(RuntimeError):
        run_handlers(db.sessions, [broken], event)
    assert run_handlers(db.sessions, [record_effect], event) is True  # the retry is not taken for a duplicate
    assert db.effect_counts()[event["id"]] == 1
