"""Consuming events: ack after commit, dedupe by event id, retry, dead-letter.

`decide` holds the policy as a pure function; `Worker` applies it to kombu
messages. A handler is `handler(session, event)`: it writes rows (and emits
events through the outbox) in the session it is given; the worker commits.

Each message is handled in its own transaction and acked after its commit.
What has arrived together is taken live events first, then one chunk of
imported history, so a big import never holds up someone's rejection.
"""
from __future__ import annotations

import heapq
import itertools
import json
import logging
import socket
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone

from kombu import Producer
from kombu.mixins import ConsumerMixin
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, sessionmaker

from shared import topology
from shared.bus import close_within, drop
from shared.db import insert_for
from shared.events import InvalidEvent, validate_event
from shared.outbox import backoff_seconds
from shared.erasure import erased_among
from shared.tables import processed_events, utcnow

log = logging.getLogger(__name__)

Handler = Callable[..., None]

# Failures of the database or the network, not of the message: retried for as
# long as it takes, never counted towards the attempt limit.
TRANSIENT = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError,
             sa_exc.TimeoutError, ConnectionError, TimeoutError)


@dataclass(frozen=True)
class Decision:
    action: str  # "ack", "retry" or "dead"
    delay: float = 0.0
    reason: str = ""


def decide(outcome: str, attempts: int, max_attempts: int, error: str = "",
           base_delay: float = 0.5) -> Decision:
    """What to do with a message after one try.

    outcome: "done", "duplicate", "unhandled" (no handler here), "invalid"
    (unparseable or schema-invalid), "transient" or "failed".
    attempts: tries so far, this one included.
    """
    if outcome in ("done", "duplicate", "unhandled"):
        return Decision("ack")
    if outcome == "invalid":
        return Decision("dead", reason=error)
    if outcome == "transient":
        return Decision("retry", delay=backoff_seconds(attempts, base=base_delay, cap=30.0), reason=error)
    if attempts >= max_attempts:
        return Decision("dead", reason=error)
    return Decision("retry", delay=backoff_seconds(attempts, base=base_delay), reason=error)


def parse_body(message) -> dict:
    """The event in a kombu message, or InvalidEvent."""
    try:
        body = message.body
        if isinstance(body, bytes):
            body = body.decode("utf-8")
        payload = json.loads(body) if isinstance(body, str) else body
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidEvent({"_body": [f"not JSON: {exc}"]}) from exc
    return validate_event(payload)


def mark_processed(session: Session, event: dict) -> bool:
    """Note the event id in this transaction; False if it was noted before (a duplicate).

    ON CONFLICT DO NOTHING answers in one statement what a savepoint and a caught
    IntegrityError took three round trips for, on every message.
    """
    values = {"event_id": event["id"], "event_type": event["type"], "processed_at": utcnow()}
    noted = insert_for(session)(processed_events).on_conflict_do_nothing(
        index_elements=[processed_events.c.event_id]).returning(processed_events.c.event_id)
    return session.scalar(noted, values) is not None


def run_handlers(session_factory: sessionmaker, handlers: list[Handler], event: dict) -> bool:
    """Apply the handlers in one transaction; False if this event was seen before."""
    with session_factory() as session:
        with session.begin():
            if not mark_processed(session, event):
                return False
            if event["type"] != "user.deleted" and erased_among(session, {event["user_id"]}):
                return True  # the person was erased: their late events bring nothing back
            for handler in handlers:
                handler(session, event)
    return True


def _is_bulk(message) -> bool:
    return message.delivery_info.get("routing_key") in topology.BULK_TYPES


def _classify(exc: BaseException) -> tuple[str, str]:
    """(outcome, error) of a try that raised: the database or network failing, or the handler."""
    outcome = "transient" if isinstance(exc, TRANSIENT) else "failed"
    return outcome, f"{type(exc).__name__}: {exc}"


class _Stopping(Exception):
    """Raised inside kombu's connection retries once the worker is asked to stop."""


BULK_PREFETCH = 2


class Worker(ConsumerMixin):
    """One service's consumer. Never exits because of a message."""

    def __init__(self, service: str, connection, session_factory: sessionmaker,
                 handlers: dict[str, list[Handler]], settings, *,
                 on_committed: Callable[[], None] | None = None, prefetch: int = 50):
        self.service = service
        self.connection = connection
        self.session_factory = session_factory
        self.handlers = handlers
        self.settings = settings
        self.on_committed = on_committed or (lambda: None)
        self.prefetch = prefetch
        self.attempts: dict[str, int] = {}
        # Transient failures in a row per message: they lengthen the retry
        # delay (up to 30 s) without counting towards the attempt limit.
        self.transient_streaks: dict[str, int] = {}
        self._held: list[tuple[float, int, object]] = []
        self._pending: list = []  # delivered, not yet handled: the next batch
        self._seq = itertools.count()
        self._producer: Producer | None = None
        self.ready = threading.Event()

    def get_consumers(self, Consumer, channel):
        amqp = self.settings.bus_is_amqp
        topology.declare_all(channel, amqp)
        # on_message, not callbacks: kombu then hands over the raw message
        # undecoded, so an unparseable body reaches parse_body and the dead
        # letters (instead of being acked and dropped by kombu), and no content
        # type but JSON is ever deserialised.
        # One consumer per queue, each with its own prefetch: a full window of backlog on
        # <service>.events never keeps a priority event (user.deleted) waiting at the broker.
        # The bulk queue's window is small: imported history comes one chunk at a time. (On
        # the embedded bus one window covers the channel; the last consumer's, 50, sets it.)
        return [Consumer(queues=[queue], on_message=self._on_raw_message, no_ack=False,
                         prefetch_count=BULK_PREFETCH if queue.name.endswith(".bulk") else self.prefetch)
                for queue in topology.consumed_queues(self.service, amqp)]

    def _on_raw_message(self, message) -> None:
        self._pending.append(message)

    @contextmanager
    def establish_connection(self):
        # kombu retries the first connection forever and checks should_stop
        # only between consume loops: a SIGTERM while the broker is down would
        # never be honoured. The callback runs every second of the wait.
        conn = self.create_connection()
        try:
            conn.ensure_connection(self.on_connection_error, self.connect_max_retries,
                                   callback=self._raise_if_stopping)
            yield conn
        except BaseException as exc:
            # A connection lost to missed heartbeats may be a black hole: a
            # polite close would wait for a close-ok that never comes.
            self.ready.clear()
            if not isinstance(exc, _Stopping):
                log.warning("bus connection lost, reconnecting",
                            extra={"service": self.service, "error": f"{type(exc).__name__}: {exc}"})
            drop(conn)
            raise
        else:
            close_within(conn, self.settings.confirm_timeout_s)

    def _raise_if_stopping(self) -> None:
        if self.should_stop:
            raise _Stopping()

    def run(self, _tokens=1, **kwargs):
        try:
            super().run(_tokens, **kwargs)
        except _Stopping:
            log.info("stopped while waiting for the bus", extra={"service": self.service})

    def consume(self, limit=None, timeout=None, safety_interval=1, **kwargs):
        """ConsumerMixin's loop, but a delivery first collects whatever else has arrived.

        Once one message is in, the worker reads on without waiting
        (timeout 0) until nothing more is buffered or a prefetch's worth is
        in, then handles them, live events before imported history.
        """
        with self.consumer_context(**kwargs) as (conn, _channel, _consumers):
            while not self.should_stop:
                self.on_iteration()
                try:
                    conn.drain_events(timeout=0 if self._pending else safety_interval)
                except socket.timeout:
                    if self._pending:
                        self._flush()
                    else:
                        conn.heartbeat_check()
                except OSError:
                    if not self.should_stop:
                        raise
                else:
                    if len(self._pending) >= self.prefetch:
                        self._flush()
                yield
            if self._pending:
                self._flush()

    def on_connection_revived(self):
        # Messages held for a retry (or delivered and not yet handled)
        # belonged to the old channel; the broker gives them back to us (or
        # another worker) by itself.
        self._held.clear()
        self._pending.clear()
        self._producer = None

    def on_consume_ready(self, connection, channel, consumers, **kwargs):
        self._producer = Producer(channel)
        self.ready.set()
        # The embedded bus is a transport class, whose URI would read as its repr.
        broker = connection.as_uri() if isinstance(connection.transport_cls, str) else "embedded"
        log.info("consuming", extra={"service": self.service, "broker": broker})

    def on_connection_error(self, exc, interval):
        self.ready.clear()
        log.warning("bus connection lost, retrying", extra={"error": str(exc), "retry_in": interval})

    def on_iteration(self):
        now = time.monotonic()
        while self._held and self._held[0][0] <= now:
            _, _, message = heapq.heappop(self._held)
            self.on_message(None, message)

    def _flush(self) -> None:
        """Handle what has arrived: the live events first, then one chunk of imported history.

        The other chunks wait for the next round, so whatever arrives meanwhile goes ahead of them.
        """
        messages, self._pending = self._pending, []
        live = [m for m in messages if not _is_bulk(m)]
        bulk = [m for m in messages if _is_bulk(m)]
        self._pending = bulk[1:] + self._pending
        for message in live + bulk[:1]:
            self.on_message(None, message)

    def on_message(self, _body, message) -> None:
        """Handle one message on its own, in its own transaction."""
        started = time.perf_counter()
        event, outcome, error = None, "done", ""
        try:
            event = parse_body(message)
            handlers = self.handlers.get(event["type"])
            if not handlers:
                outcome = "unhandled"
            elif not run_handlers(self.session_factory, handlers, event):
                outcome = "duplicate"
        except InvalidEvent as exc:
            outcome, error = "invalid", str(exc.errors)
        except Exception as exc:
            outcome, error = _classify(exc)
        self._conclude(message, event, outcome, error, started)

    def _conclude(self, message, event: dict | None, outcome: str, error: str, started: float) -> None:
        """Count the try, then ack, hold for a retry, or dead-letter the message."""
        key = event["id"] if event else str(id(message))
        attempts = self.attempts.get(key, 0) + (0 if outcome == "transient" else 1)
        previous_streak = self.transient_streaks.pop(key, 0)
        streak = previous_streak + 1 if outcome == "transient" else 0
        decision = decide(outcome, streak or max(attempts, 1), self.settings.max_attempts, error,
                          self.settings.retry_base_ms / 1000)
        if decision.action == "retry" and streak:
            self.transient_streaks[key] = streak
        self._apply(decision, message, key, attempts)
        self._log(event, outcome, decision, error, started)
        if outcome == "done":
            self.on_committed()

    def _apply(self, decision: Decision, message, key: str, attempts: int) -> None:
        if decision.action == "retry":
            self.attempts[key] = attempts
            heapq.heappush(self._held, (time.monotonic() + decision.delay, next(self._seq), message))
            return
        if decision.action == "dead":
            self.dead_letter(message, decision.reason, attempts)
        self.attempts.pop(key, None)
        message.ack()

    def dead_letter(self, message, reason: str, attempts: int) -> None:
        body = message.body.decode("utf-8", "replace") if isinstance(message.body, bytes) else message.body
        headers = {
            "x-error": reason[:2000],
            "x-attempts": attempts,
            "x-service": self.service,
            "x-failed-at": datetime.now(timezone.utc).isoformat(),
        }
        self._producer.publish(
            body if isinstance(body, str) else json.dumps(body),
            exchange=topology.DEAD, routing_key=self.service,
            content_type="application/json", content_encoding="utf-8",
            delivery_mode=2, headers=headers,
            message_id=message.properties.get("message_id"),
            timeout=self.settings.confirm_timeout_s, confirm_timeout=self.settings.confirm_timeout_s,
        )

    def _log(self, event, outcome, decision, error, started) -> None:
        fields = {
            "event_id": event["id"] if event else None,
            "event_type": event["type"] if event else None,
            "user_id": event["user_id"] if event else None,
            "outcome": outcome,
            "action": decision.action,
            "ms": round((time.perf_counter() - started) * 1000, 2),
        }
        if error:
            fields["error"] = error[:500]
        level = logging.INFO if decision.action == "ack" else logging.WARNING
        log.log(level, "event handled", extra=fields)
