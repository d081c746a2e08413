"""Waking a relay in another process the moment an event is committed (PostgreSQL).

A relay that shares a process with the writer is woken in memory; the
tracker's API and its relay are two processes. On PostgreSQL the transaction
that writes an outbox row also sends NOTIFY, which the server delivers only
on commit, and the relay's listener turns it into a wake-up. Without it (or
on SQLite) the relay still finds every row by polling: the notification only
saves the wait.

In one process (`rebound run all`) a relay registers its wake event with
`wake_locally`; a commit that wrote outbox rows sets the events registered for
its database, on any database, right after the commit.
"""
from __future__ import annotations

import logging
import threading

from sqlalchemy import event as sa_event
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

CHANNEL = "rebound_outbox"
_NOTIFY = text(f"NOTIFY {CHANNEL}")
SENT_KEY = "outbox_notify_sent_in"  # in session.info: the transaction that already sent NOTIFY
LOCAL_KEY = "outbox_wake_locally"  # in session.info: the database whose local relays to wake after commit

_local_wakes: dict[str, set[threading.Event]] = {}
_local_lock = threading.Lock()


def database_key(url) -> str:
    return url.render_as_string(hide_password=False)


def wake_locally(database_url, wake: threading.Event) -> None:
    """Set `wake` after every commit in this process that writes outbox rows to that database."""
    with _local_lock:
        _local_wakes.setdefault(database_key(make_url(database_url)), set()).add(wake)


def stop_waking_locally(database_url, wake: threading.Event) -> None:
    with _local_lock:
        _local_wakes.get(database_key(make_url(database_url)), set()).discard(wake)


@sa_event.listens_for(Session, "after_commit")
def _wake_local_relays(session: Session) -> None:
    key = session.info.pop(LOCAL_KEY, None)
    if key is None:
        return
    with _local_lock:
        wakes = list(_local_wakes.get(key, ()))
    for wake in wakes:
        wake.set()


@sa_event.listens_for(Session, "after_rollback")
def _forget_local_wake(session: Session) -> None:
    session.info.pop(LOCAL_KEY, None)


def notify_on_commit(session: Session) -> None:
    """Wake the relays when this transaction commits: in this process, and on PostgreSQL in others."""
    bind = session.get_bind()
    if _local_wakes:
        session.info[LOCAL_KEY] = database_key(bind.engine.url)
    if bind.dialect.name != "postgresql":
        return
    transaction = session.get_transaction()
    if session.info.get(SENT_KEY) is transaction:
        return
    session.execute(_NOTIFY)
    session.info[SENT_KEY] = transaction


def libpq_url(database_url: str) -> str | None:
    """The database URL as psycopg takes it, or None when it is not PostgreSQL."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        return None
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def listen(database_url: str, wake: threading.Event, stop: threading.Event,
           retry_s: float = 1.0) -> None:
    """Set `wake` on every notification until `stop` is set; reconnect after any failure."""
    import psycopg

    conninfo = libpq_url(database_url)
    if conninfo is None:
        return
    while not stop.is_set():
        try:
            with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as conn:
                conn.execute(f"LISTEN {CHANNEL}")
                wake.set()  # rows written while we were not listening
                while not stop.is_set():
                    for _ in conn.notifies(timeout=1.0):
                        wake.set()
        except Exception as exc:  # the database went away: the relay polls meanwhile
            log.warning("outbox listener lost its connection; retrying",
                        extra={"error": f"{type(exc).__name__}: {exc}"})
            stop.wait(retry_s)


def start_listener(database_url: str, wake: threading.Event, stop: threading.Event) -> threading.Thread | None:
    """A daemon thread running `listen`, or None when the database can't notify."""
    if libpq_url(database_url) is None:
        return None
    thread = threading.Thread(target=listen, args=(database_url, wake, stop), name="outbox-listener",
                              daemon=True)
    thread.start()
    return thread
