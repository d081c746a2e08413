"""The transactional outbox: events written with the change, relayed after.

`emit` adds an event row in the caller's transaction (written as it commits). The `Relay` claims a
batch of unsent rows (a lease, so two relays never take the same row on the
happy path), publishes them with confirms, and marks them sent only then.
A relay that dies after the confirm leaves its lease to expire; the row is
published again and consumers drop the duplicate by event id.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import event as sa_event
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from shared.bus import Publisher
from shared.events import make_event
from shared.outbox_wakeup import notify_on_commit
from shared.tables import outbox, utcnow

log = logging.getLogger(__name__)


def emit(session: Session, type: str, *, user_id: str, data: dict, producer: str,
         cause: dict | None = None) -> dict:
    """Validate an event and add it to the outbox in the session's transaction."""
    event = make_event(type, user_id=user_id, data=data, producer=producer, cause=cause)
    add_to_outbox(session, [event])
    return event


PENDING_KEY = "outbox_pending"  # in session.info: the rows to write as the transaction commits


def add_to_outbox(session: Session, events: list[dict]) -> None:
    """Events for the outbox of this transaction: written, in order, as it commits.

    A handler that emits five events would pay five INSERT round trips; held
    until the commit, every event of the transaction (of a whole batch of
    messages, in a worker) goes in one executemany. A rollback drops them with
    the rest of the transaction.
    """
    now = utcnow()
    session.info.setdefault(PENDING_KEY, []).extend(
        {"event_id": e["id"], "event_type": e["type"], "user_id": e["user_id"], "payload": e,
         "created_at": now, "attempts": 0}
        for e in events)


@sa_event.listens_for(Session, "before_commit")
def _write_pending(session: Session) -> None:
    rows = session.info.pop(PENDING_KEY, None)
    if rows:
        session.execute(outbox.insert(), rows)
        notify_on_commit(session)


@sa_event.listens_for(Session, "after_transaction_end")
def _drop_pending(session: Session, transaction) -> None:
    if transaction.parent is None:  # the whole transaction ended: committed (written) or rolled back
        session.info.pop(PENDING_KEY, None)


def backoff_seconds(attempts: int, base: float = 0.5, cap: float = 10.0) -> float:
    """Exponential backoff: base, 2*base, 4*base ... never above cap."""
    return min(cap, base * (2 ** max(0, attempts - 1)))


class Relay:
    """Moves outbox rows to the bus; safe to run several at once."""

    def __init__(self, session_factory: sessionmaker, publisher: Publisher, *,
                 batch_size: int = 200, lease_s: float = 30.0,
                 clock: Callable[[], datetime] = utcnow):
        self.session_factory = session_factory
        self.publisher = publisher
        self.batch_size = batch_size
        self.lease = timedelta(seconds=lease_s)
        self.clock = clock
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.broker_failures = 0

    def claim(self) -> list[tuple[int, dict]]:
        """Lease a batch of due, unsent rows to this relay, in one statement."""
        now = self.clock()
        due = (
            select(outbox.c.id)
            .where(
                outbox.c.sent_at.is_(None),
                or_(outbox.c.next_attempt_at.is_(None), outbox.c.next_attempt_at <= now),
                or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until < now),
            )
            .order_by(outbox.c.id)
            .limit(self.batch_size)
            .with_for_update(skip_locked=True)
        )
        with self.session_factory.begin() as session:
            rows = session.execute(
                update(outbox)
                .where(outbox.c.id.in_(due.scalar_subquery()))
                .values(claimed_by=self.name, claimed_until=now + self.lease)
                .returning(outbox.c.id, outbox.c.payload)
            ).all()
        # RETURNING follows no order: publish in the order the events were written.
        return sorted((r.id, r.payload) for r in rows)

    def run_once(self) -> int:
        """Publish one claimed batch; return how many rows were marked sent."""
        batch = self.claim()
        if not batch:
            return 0
        rows = {event["id"]: (row_id, event["type"]) for row_id, event in batch}
        outcome = self.publisher.publish_many([event for _, event in batch])
        sent = [rows[event_id][0] for event_id in outcome.sent]
        failed = {rows[event_id][0]: error for event_id, error in outcome.unroutable.items()}
        for event_id, error in outcome.unroutable.items():
            log.error("event unroutable, kept in outbox",
                      extra={"event_id": event_id, "event_type": rows[event_id][1], "error": error})
        if outcome.error:
            log.warning("bus unavailable, will retry", extra={"error": outcome.error})
            self.broker_failures += 1
        else:
            self.broker_failures = 0
        self._settle(batch, sent, failed)
        return len(sent)

    def _settle(self, batch, sent: list[int], failed: dict[int, str]) -> None:
        now = self.clock()
        with self.session_factory.begin() as session:
            if sent:
                session.execute(
                    update(outbox)
                    .where(outbox.c.id.in_(sent), outbox.c.claimed_by == self.name)
                    .values(sent_at=now, claimed_by=None, claimed_until=None)
                )
            for row_id, error in failed.items():
                attempts = session.execute(
                    select(outbox.c.attempts).where(outbox.c.id == row_id)
                ).scalar_one() + 1
                session.execute(
                    update(outbox).where(outbox.c.id == row_id).values(
                        attempts=attempts, last_error=error, claimed_by=None, claimed_until=None,
                        next_attempt_at=now + timedelta(seconds=backoff_seconds(attempts)),
                    )
                )
            untouched = [rid for rid, _ in batch if rid not in failed and rid not in sent]
            if untouched:
                session.execute(
                    update(outbox)
                    .where(outbox.c.id.in_(untouched), outbox.c.claimed_by == self.name)
                    .values(claimed_by=None, claimed_until=None)
                )

    def run(self, stop: threading.Event, wake: threading.Event | None = None,
            poll_s: float = 0.05, idle_max_s: float = 0.2, min_gap_s: float = 0.02) -> None:
        """Relay until `stop` is set; `wake` cuts a wait short.

        A relay that keeps finding nothing asks less often, doubling its wait up
        to `idle_max_s`: a quiet installation costs a quarter as much, and an
        event written by another process waits at most that long. A wake or a
        published batch brings it back to `poll_s`.

        A wake starts a pass at once, unless the last one began less than
        `min_gap_s` ago: a lone event goes out immediately, while under a
        steady stream the events of those few milliseconds go out as one batch
        (and reach the consumers as one) instead of one pass each.
        """
        wake = wake or threading.Event()
        idle_wait = poll_s
        last_pass = float("-inf")
        while not stop.is_set():
            since = time.monotonic() - last_pass
            if since < min_gap_s:
                stop.wait(min_gap_s - since)
            last_pass = time.monotonic()
            try:
                published = self.run_once()
            except Exception:  # a database hiccup must not end the relay
                log.exception("relay pass failed")
                published = 0
                self.broker_failures += 1
            if published:
                idle_wait = poll_s
                continue
            delay = backoff_seconds(self.broker_failures, base=poll_s) if self.broker_failures else idle_wait
            idle_wait = min(idle_max_s, max(poll_s, idle_wait * 2))
            if wake.wait(delay):
                idle_wait = poll_s
            wake.clear()
        self.publisher.close()
