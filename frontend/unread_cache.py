"""Unread counts a frontend web worker keeps while it hears the notifier's hints.

Every open page polls the unread badge every few seconds; asking the notifier
each time costs a second HTTP hop per poll. Instead each web worker keeps the
last count it got per person and forgets it the moment the notifier says that
person's inbox changed (services/notifier/inbox_signals.py).

It keeps counts only while it is listening: a worker that lost the bus asks
the notifier every time, and forgets everything when it starts listening again,
since a hint may have gone by meanwhile. A count fetched while a hint for the
same person arrived is not kept (it may predate the change). A hint lost on the
sender's side is covered by keeping nothing longer than REMEMBER_S.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from kombu import Consumer

from shared import bus, topology
from shared.config import Settings

log = logging.getLogger(__name__)

EXTENSION = "rebound.unread"  # the app's UnreadCache, in app.extensions
REMEMBER_S = 30.0
MAX_PEOPLE = 10_000


@dataclass(frozen=True)
class Unread:
    count: int
    etag: str  # the notifier's, so a page that saw it can be told "unchanged"


@dataclass(frozen=True)
class Ticket:
    """Taken before asking the notifier; a count is kept only if nothing changed since."""
    user_id: str
    epoch: int
    seq: int


class UnreadCache:
    def __init__(self, remember_s: float = REMEMBER_S, max_people: int = MAX_PEOPLE, clock=time.monotonic):
        self.remember_s = remember_s
        self.max_people = max_people
        self.clock = clock
        self._lock = threading.Lock()
        self._kept: OrderedDict[str, tuple[Unread, float]] = OrderedDict()
        self._changed: dict[str, int] = {}  # person -> number of the last hint that named them
        self._seq = 0
        self._epoch = 0  # moves when listening starts or stops: older tickets are void
        self._listening = False

    @property
    def listening(self) -> bool:
        return self._listening

    def get(self, user_id: str) -> Unread | None:
        with self._lock:
            if not self._listening:
                return None
            kept = self._kept.get(user_id)
            if kept is None:
                return None
            unread, kept_at = kept
            if self.clock() - kept_at > self.remember_s:
                del self._kept[user_id]
                return None
            return unread

    def ticket(self, user_id: str) -> Ticket | None:
        """None while not listening: then nothing fetched may be kept."""
        with self._lock:
            return Ticket(user_id, self._epoch, self._seq) if self._listening else None

    def keep(self, ticket: Ticket | None, unread: Unread) -> bool:
        with self._lock:
            if (ticket is None or not self._listening or ticket.epoch != self._epoch
                    or self._changed.get(ticket.user_id, -1) > ticket.seq):
                return False
            self._kept[ticket.user_id] = (unread, self.clock())
            self._kept.move_to_end(ticket.user_id)
            while len(self._kept) > self.max_people:
                self._kept.popitem(last=False)
            return True

    def changed(self, user_ids: list[str]) -> None:
        """A hint: these people's inboxes changed."""
        with self._lock:
            self._seq += 1
            for user_id in user_ids:
                self._changed[user_id] = self._seq
                self._kept.pop(user_id, None)
            if len(self._changed) > self.max_people:
                # Forget who changed when; voiding every outstanding ticket keeps that safe.
                self._changed.clear()
                self._epoch += 1

    def forget(self, user_id: str) -> None:
        """This worker changed the person's inbox itself: don't wait for the hint."""
        self.changed([user_id])

    def set_listening(self, listening: bool) -> None:
        with self._lock:
            self._listening = listening
            self._epoch += 1
            self._kept.clear()
            self._changed.clear()


def listen(settings: Settings, cache: UnreadCache, stop: threading.Event, retry_s: float = 1.0) -> None:
    """Feed hints to the cache until `stop` is set; reconnect after any failure."""
    name = f"frontend.inbox_changes.{socket.gethostname()}.{os.getpid()}"
    warned = False  # once per outage, not once per retry
    while not stop.is_set():
        try:
            with bus.connect(settings) as connection:
                bus.ensure_connected(connection, settings)
                channel = connection.channel()
                queue = topology.inbox_changes_queue(name)(channel)
                queue.declare()
                with Consumer(channel, [queue], callbacks=[_hint_to(cache)], no_ack=True, accept=["json"],
                              on_decode_error=_undecodable):
                    cache.set_listening(True)
                    warned = False
                    log.info("listening for inbox hints", extra={"queue": name})
                    while not stop.is_set():
                        connection.heartbeat_check()
                        try:
                            connection.drain_events(timeout=1.0)
                        except socket.timeout:
                            pass
        except Exception as exc:  # the bus went away: ask the notifier every time meanwhile
            if not warned:
                log.warning("inbox hints lost; asking the notifier for every badge until they are back",
                            extra={"error": f"{type(exc).__name__}: {exc}"})
                warned = True
        finally:
            cache.set_listening(False)
        stop.wait(retry_s)


def _hint_to(cache: UnreadCache):
    def on_hint(body, _message) -> None:
        user_ids = body.get("user_ids") if isinstance(body, dict) else None
        if not isinstance(user_ids, list) or not all(isinstance(u, str) for u in user_ids):
            log.warning("ignored a malformed inbox hint", extra={"body": repr(body)[:200]})
            return
        cache.changed(user_ids)
    return on_hint


def _undecodable(message, exc) -> None:
    log.warning("ignored an undecodable inbox hint", extra={"error": f"{type(exc).__name__}: {exc}"})


def start_listening(settings: Settings, cache: UnreadCache) -> tuple[threading.Event, threading.Thread] | None:
    """A daemon thread feeding the cache; None on the embedded bus (the cache then stays unused)."""
    if not settings.bus_is_amqp:
        return None
    stop = threading.Event()
    thread = threading.Thread(target=listen, args=(settings, cache, stop), name="inbox-hints", daemon=True)
    thread.start()
    return stop, thread
