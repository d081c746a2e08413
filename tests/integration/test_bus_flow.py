"""Events go outbox -> relay -> broker -> worker and are applied exactly once."""
from __future__ import annotations

import pytest

from shared.bus import Publisher, connect
from shared.outbox import Relay
from shared.worker import Worker
from support import (
    datas, queue_depth, record_effect, running_relay, running_worker, sample_data, wait_for,
    worker_outcomes,
)

pytestmark = pytest.mark.integration


def unapplied(db, events) -> str:
    counts = db.effect_counts()
    missing = [e["id"] for e in events if counts[e["id"]] != 1]
    return f"{len(missing)} of {len(events)} not applied exactly once; {db.unsent()} unsent"


def test_events_emitted_through_the_outbox_are_applied_once(
        amqp_settings, pg_service_db, new_worker, new_publisher, event_type, service):
    db = pg_service_db
    events = db.emit(event_type, datas(event_type, 60))
    worker = new_worker({event_type: [record_effect]})
    relay = Relay(db.sessions, new_publisher())
    with running_worker(worker), running_relay(relay):
        wait_for(lambda: db.applied_once(events), timeout=20,
                 message=lambda: unapplied(db, events))
        more = db.emit(event_type, datas(event_type, 20))
        wait_for(lambda: db.applied_once(more), timeout=20, message=lambda: unapplied(db, more))
    assert db.unsent() == 0
    assert sum(db.effect_counts().values()) == 80
    assert queue_depth(amqp_settings.bus_url, f"{service}.events") == 0


def test_a_duplicate_delivery_is_applied_once_and_both_copies_acked(
        amqp_settings, pg_service_db, new_worker, new_publisher, event_type, service):
    db = pg_service_db
    [event, sentinel] = [db.emit(event_type, [sample_data(event_type)])[0] for _ in range(2)]
    publisher = new_publisher()
    # prefetch 1: the sentinel is delivered only once both copies before it are acked
    worker = new_worker({event_type: [record_effect]}, prefetch=1)
    with worker_outcomes() as outcomes, running_worker(worker):
        publisher.publish(event)
        publisher.publish(event)
        publisher.publish(sentinel)
        wait_for(lambda: db.effect_counts()[sentinel["id"]] == 1, timeout=20,
                 message="the sentinel behind the duplicate was never applied")
    assert sorted(outcomes.of(event["id"])) == ["done", "duplicate"]
    assert db.effect_counts()[event["id"]] == 1
    assert queue_depth(amqp_settings.bus_url, f"{service}.events") == 0


def test_events_flow_on_the_filesystem_transport(
        sqlite_settings, sqlite_service_db, event_type, service):
    db = sqlite_service_db
    events = db.emit(event_type, datas(event_type, 25))
    publisher = Publisher(sqlite_settings)
    worker = Worker(service, connect(sqlite_settings), db.sessions, {event_type: [record_effect]},
                    sqlite_settings)
    try:
        with running_worker(worker), running_relay(Relay(db.sessions, publisher)):
            wait_for(lambda: db.applied_once(events), timeout=20,
                     message=lambda: unapplied(db, events))
            more = db.emit(event_type, datas(event_type, 5))
            wait_for(lambda: db.applied_once(more), timeout=20, message=lambda: unapplied(db, more))
    finally:
        publisher.close()
    assert db.unsent() == 0
    assert sum(db.effect_counts().values()) == 30
    assert any((sqlite_settings.data_dir / "bus").iterdir()), "the bus lives under the data dir"
