"""The outbox (emit) and the Relay, with a fake publisher on real SQLite."""
from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from shared.bus import PublishError, UnroutableError
from shared.events import InvalidEvent
from shared.outbox import Relay, backoff_seconds, emit
from shared.tables import outbox, utcnow
from support import (
    FakePublisher, broker_down, claim_in_lockstep, created_data, running_relay, sample_data, wait_for,
)


class Clock:
    def __init__(self):
        self.now = utcnow()

    def __call__(self):
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def row_of(db, event):
    with db.engine.connect() as conn:
        return conn.execute(select(outbox).where(outbox.c.event_id == event["id"])).one()


# --- emit -------------------------------------------------------------------

def test_emit_writes_the_validated_event_in_the_callers_transaction(sqlite_service_db):
    [event] = sqlite_service_db.emit("application.created", created_data(1))
    row = row_of(sqlite_service_db, event)
    assert row.payload == event
    assert row.event_type == "application.created"
    assert row.sent_at is None and row.attempts == 0 and row.claimed_by is None


def test_emit_rolled_back_with_the_change_leaves_nothing(sqlite_service_db):
    with pytest.raises(RuntimeError):
        with sqlite_service_db.sessions.begin() as session:
            emit(session, "application.created", user_id="u1", producer="tracker",
                 data=sample_data("application.created"))
            raise RuntimeError("the change failed")
    assert sqlite_service_db.outbox_rows() == []


def test_emit_refuses_invalid_data_before_writing(sqlite_service_db):
    with pytest.raises(InvalidEvent):
        sqlite_service_db.emit("application.created", [{"company": "Acme"}])
    assert sqlite_service_db.outbox_rows() == []


# --- publishing -------------------------------------------------------------

def test_rows_are_marked_sent_only_after_publish_returns(sqlite_service_db):
    db = sqlite_service_db
    events = db.emit("application.created", created_data(5))
    seen_unsent = []
    publisher = FakePublisher(before=lambda e: seen_unsent.append(row_of(db, e).sent_at is None))
    relay = Relay(db.sessions, publisher)
    assert relay.run_once() == 5
    assert seen_unsent == [True] * 5
    assert [e["id"] for e in publisher.published] == [e["id"] for e in events]
    assert db.unsent() == 0
    assert all(r.claimed_by is None and r.claimed_until is None for r in db.outbox_rows())
    assert relay.run_once() == 0
    assert len(publisher.published) == 5


def test_a_broker_failure_leaves_rows_unsent_and_unclaimed(sqlite_service_db):
    db = sqlite_service_db
    db.emit("application.created", created_data(4))
    publisher = FakePublisher(fail=broker_down)
    relay = Relay(db.sessions, publisher)
    assert relay.run_once() == 0
    assert relay.broker_failures == 1
    assert len(publisher.attempts) == 1, "the batch stops at the first broker failure"
    assert relay.run_once() == 0
    assert relay.broker_failures == 2
    rows = db.outbox_rows()
    assert [r.sent_at for r in rows] == [None] * 4
    assert all(r.claimed_by is None and r.claimed_until is None for r in rows)
    assert all(r.attempts == 0 and r.last_error is None for r in rows), "not the event's fault"

    publisher.fail = lambda e: None
    assert relay.run_once() == 4
    assert relay.broker_failures == 0
    assert db.unsent() == 0


def test_rows_published_before_a_broker_failure_are_marked_sent(sqlite_service_db):
    db = sqlite_service_db
    events = db.emit("application.created", created_data(5))
    third = events[2]["id"]
    publisher = FakePublisher(fail=lambda e: PublishError("lost") if e["id"] == third else None)
    relay = Relay(db.sessions, publisher)
    assert relay.run_once() == 2
    assert [r.sent_at is not None for r in db.outbox_rows()] == [True, True, False, False, False]
    assert all(r.claimed_by is None for r in db.outbox_rows())


def test_an_unroutable_row_is_kept_with_its_error_while_others_go(sqlite_service_db):
    db = sqlite_service_db
    events = db.emit("application.created", created_data(3))
    bad = events[1]["id"]
    publisher = FakePublisher(
        fail=lambda e: UnroutableError("no queue is bound for 'x'") if e["id"] == bad else None)
    clock = Clock()
    relay = Relay(db.sessions, publisher, clock=clock)
    assert relay.run_once() == 2
    assert relay.broker_failures == 0
    row = row_of(db, events[1])
    assert row.sent_at is None
    assert row.attempts == 1
    assert "no queue is bound" in row.last_error
    assert row.next_attempt_at == clock.now + timedelta(seconds=backoff_seconds(1))
    assert row.claimed_by is None
    assert db.unsent() == 1

    assert relay.run_once() == 0
    assert publisher.attempts.count(bad) == 1, "not due again before its back-off"
    clock.advance(backoff_seconds(1) + 0.01)
    relay.run_once()
    assert publisher.attempts.count(bad) == 2
    row = row_of(db, events[1])
    assert row.attempts == 2
    assert row.next_attempt_at == clock.now + timedelta(seconds=backoff_seconds(2))


# --- claiming ---------------------------------------------------------------

def test_two_relays_claiming_at_once_never_share_a_row(sqlite_service_db):
    db = sqlite_service_db
    events = db.emit("application.created", created_data(120))
    relays = [Relay(db.sessions, FakePublisher(), batch_size=7) for _ in range(2)]
    first, second = claim_in_lockstep(relays, rounds=12)
    assert set(first).isdisjoint(second)
    assert len(first) + len(second) == len(events)
    assert first and second, "both relays took part"
    owners = {r.id: r.claimed_by for r in db.outbox_rows()}
    assert {owners[i] for i in first} == {relays[0].name}
    assert {owners[i] for i in second} == {relays[1].name}


def test_a_live_lease_is_respected_and_an_expired_one_reclaimed(sqlite_service_db):
    db = sqlite_service_db
    db.emit("application.created", created_data(3))
    clock = Clock()
    first = Relay(db.sessions, FakePublisher(), lease_s=30, clock=clock)
    second = Relay(db.sessions, FakePublisher(), lease_s=30, clock=clock)
    assert len(first.claim()) == 3
    clock.advance(29)
    assert second.claim() == []
    clock.advance(2)
    assert len(second.claim()) == 3
    assert {r.claimed_by for r in db.outbox_rows()} == {second.name}


def test_a_relay_whose_lease_expired_mid_batch_does_not_mark_rows_sent(sqlite_service_db):
    db = sqlite_service_db
    events = db.emit("application.created", created_data(3))
    clock = Clock()
    late = Clock()
    late.now = clock.now + timedelta(seconds=31)
    taker = Relay(db.sessions, FakePublisher(), lease_s=30, clock=late)
    taken = []

    def reclaim_once(event):
        if not taken:
            taken.extend(taker.claim())

    slow = Relay(db.sessions, FakePublisher(before=reclaim_once), lease_s=30, clock=clock)
    assert slow.run_once() == 3, "it published all three"
    assert len(taken) == 3
    assert db.unsent() == 3, "but the rows now belong to the other relay"
    assert taker.run_once() == 0, "still leased to the taker itself"
    late.advance(31)
    assert taker.run_once() == 3
    assert db.unsent() == 0
    assert [e["id"] for e in taker.publisher.published] == [e["id"] for e in events]


# --- back-off and the loop --------------------------------------------------

def test_backoff_grows_and_caps():
    delays = [backoff_seconds(n) for n in range(0, 12)]
    assert delays[0] == delays[1] == 0.5
    assert delays[1:6] == [0.5, 1.0, 2.0, 4.0, 8.0]
    assert delays == sorted(delays)
    assert max(delays) == 10.0
    assert backoff_seconds(100) == 10.0
    assert backoff_seconds(3, base=0.05, cap=1.0) == pytest.approx(0.2)
    assert backoff_seconds(30, base=0.05, cap=1.0) == 1.0


def test_the_loop_outlasts_an_outage_and_closes_the_publisher(sqlite_service_db):
    db = sqlite_service_db
    db.emit("application.created", created_data(10))
    outage = threading.Event()
    outage.set()
    publisher = FakePublisher(fail=lambda e: broker_down(e) if outage.is_set() else None)
    relay = Relay(db.sessions, publisher, batch_size=4)
    with running_relay(relay, poll_s=0.01) as handle:
        wait_for(lambda: relay.broker_failures >= 3, message="the relay stopped trying")
        assert handle.alive
        assert db.unsent() == 10
        outage.clear()
        handle.poke()
        wait_for(lambda: db.unsent() == 0, message=lambda: f"{db.unsent()} rows unsent")
    assert relay.broker_failures == 0
    assert publisher.closed == 1
    assert len(publisher.published) == 10


def test_an_idle_relay_asks_less_and_less_often_and_a_wake_brings_it_back(sqlite_service_db):
    db = sqlite_service_db
    relay = Relay(db.sessions, FakePublisher())
    claims: list[float] = []
    claim = relay.claim
    relay.claim = lambda: claims.append(time.monotonic()) or claim()
    with running_relay(relay, poll_s=0.01, idle_max_s=0.3) as handle:
        wait_for(lambda: len(claims) >= 8, timeout=10, message="the relay stopped asking")
        gaps = [b - a for a, b in zip(claims, claims[1:])]
        assert gaps[0] < 0.3, "the first idle wait was already the longest"
        assert gaps[-1] >= 0.3 * 0.9, f"an idle relay kept asking every {gaps[-1]:.3f} s"
        db.emit("application.created", created_data(2))
        handle.poke()
        wait_for(lambda: db.unsent() == 0, message="a poked relay did not publish")
    assert len(relay.publisher.published) == 2
