"""Waking a relay in another process the moment an event is committed (PostgreSQL).

A relay that shares a process with the writer is woken in memory; the
tracker's API and its relay are two processes. On PostgreSQL the transaction
that writes an outbox row also sends NOTIFY, which the server delivers only
on commit, and the relay's listener turns it into a wake-up. Without it (or
on SQLite) the relay still finds every row by polling: the notification only
saves the wait.
"""
from __future__ import annotations

import logging
import threading

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

CHANNEL = "rebound_outbox"
_NOTIFY = text(f"NOTIFY {CHANNEL}")
SENT_KEY = "outbox_notify_sent_in"  # in session.info: the transaction that already sent NOTIFY


def notify_on_commit(session: Session) -> None:
    """Ask PostgreSQL to wake the relays when this transaction commits (once per transaction)."""
    if session.get_bind().dialect.name != "postgresql":
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
