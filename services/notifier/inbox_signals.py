"""Telling the frontends whose inbox just changed, so they can keep unread counts.

The header of every page polls the unread count every few seconds. A frontend
web worker answers those polls from memory while it hears these hints
(frontend/unread_cache.py), and asks the notifier again for a person as soon as
a hint names them. A hint names people, nothing else, and is sent once the
transaction that changed their inbox has committed, by a thread of its own so
a slow bus never holds up a request or a batch. Hints are not events: the
broker does not keep them and a lost one is not sent again; the frontend
forgets what it keeps after a short while for that reason. Only on RabbitMQ:
on the embedded bus the frontend asks the notifier every time.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
import weakref

from kombu import Connection, Producer
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from shared import topology
from shared.bus import drop, ensure_connected
from shared.config import Settings
from shared.runtime import Runtime
from shared.worker import keep_for_transaction

log = logging.getLogger(__name__)

KEY = keep_for_transaction("inbox_changed_for")  # in session.info: whose inbox this transaction changed
_WARN_EVERY_S = 60.0


def changed(session: Session, user_id: str) -> None:
    """Say, once this transaction commits, that this person's inbox changed."""
    session.info.setdefault(KEY, set()).add(user_id)


class HintSender:
    """Publishes hints from a daemon thread; `send` only queues them and never blocks."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._pending: queue.SimpleQueue[frozenset[str]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._connection: Connection | None = None
        self._producer: Producer | None = None
        self._warned_at = float("-inf")

    def send(self, user_ids: set[str]) -> None:
        self._pending.put(frozenset(user_ids))
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="inbox-hints", daemon=True)
                    self._thread.start()

    def _run(self) -> None:
        while True:
            self.publish(self._take_all())

    def _take_all(self) -> set[str]:
        """Everyone named since the last publish: hints queued meanwhile go out as one."""
        users = set(self._pending.get())
        while True:
            try:
                users |= self._pending.get_nowait()
            except queue.Empty:
                return users

    def publish(self, users: set[str]) -> bool:
        """One message naming these people; a failed publish is tried once on a new connection."""
        for _ in range(2):
            try:
                self._ensure().publish({"user_ids": sorted(users)}, serializer="json", delivery_mode=1,
                                       retry=False)
                return True
            except Exception as exc:  # the bus is down or the connection died: start afresh
                self._discard()
                error = f"{type(exc).__name__}: {exc}"
        if time.monotonic() - self._warned_at > _WARN_EVERY_S:
            self._warned_at = time.monotonic()
            log.warning("inbox hints could not be sent; badges may lag by up to half a minute",
                        extra={"error": error})
        return False

    def _ensure(self) -> Producer:
        if self._producer is None:
            # No heartbeats: nothing reads this connection between hints, and a
            # broker that expects heartbeats would close it while it sits idle.
            self._connection = Connection(self.settings.bus_url, heartbeat=0, connect_timeout=5)
            ensure_connected(self._connection, self.settings)
            channel = self._connection.channel()
            topology.INBOX_CHANGES(channel).declare()
            self._producer = Producer(channel, exchange=topology.INBOX_CHANGES)
        return self._producer

    def _discard(self) -> None:
        connection, self._connection, self._producer = self._connection, None, None
        if connection is not None:
            drop(connection)


_installed: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # session factory -> its sender


def install(runtime: Runtime, sender=None) -> HintSender | None:
    """Send hints for every transaction of this runtime's sessions that changes an inbox.

    `sender` (anything with `send(user_ids)`) defaults to a HintSender on RabbitMQ
    and to none on the embedded bus. Once per session factory: later calls get the first sender.
    """
    if runtime.sessions in _installed:
        return _installed[runtime.sessions]
    if sender is None and runtime.settings.bus_is_amqp:
        sender = HintSender(runtime.settings)
    _installed[runtime.sessions] = sender

    @sa_event.listens_for(runtime.sessions, "after_commit")
    def _send(session: Session) -> None:
        users = session.info.pop(KEY, None)
        if users and sender is not None:
            sender.send(users)

    @sa_event.listens_for(runtime.sessions, "after_rollback")
    def _forget(session: Session) -> None:
        session.info.pop(KEY, None)

    return sender
