"""The broker drops every connection, or cannot be reached at all: nothing is lost."""
from __future__ import annotations

import threading

import pytest

from shared.outbox import Relay
from support import (
    TcpProxy, datas, make_settings, queue_depth, record_effect, running_relay, running_worker,
    sample_event, wait_for, worker_outcomes,
)

pytestmark = pytest.mark.integration


def unapplied(db, events) -> str:
    counts = db.effect_counts()
    missing = sum(1 for e in events if counts[e["id"]] != 1)
    return f"{missing} of {len(events)} not applied exactly once; {db.unsent()} unsent"


def test_worker_and_relay_recover_when_the_broker_closes_every_connection(
        rabbit, amqp_settings, pg_service_db, new_worker, new_publisher, event_type, service):
    db = pg_service_db
    url = amqp_settings.bus_url
    first = db.emit(event_type, datas(event_type, 150))
    held = first[20]["id"]
    inside, release = threading.Event(), threading.Event()

    def handler(session, event):
        record_effect(session, event)
        if event["id"] == held and not release.is_set():
            inside.set()            # committed once released, but its ack cannot reach the broker
            release.wait(20)

    worker = new_worker({event_type: [handler]})
    with worker_outcomes() as outcomes, running_worker(worker), \
            running_relay(Relay(db.sessions, new_publisher())) as relay:
        wait_for(inside.is_set, timeout=20, message="the burst never reached the held event")
        closed = rabbit.close_connections(url, "test")
        release.set()
        assert closed >= 2, "the worker's and the relay's connections"
        second = db.emit(event_type, datas(event_type, 50))
        relay.poke()
        wait_for(lambda: db.applied_once(first + second), timeout=20,
                 message=lambda: unapplied(db, first + second))
    assert sum(db.effect_counts().values()) == 200
    assert "duplicate" in outcomes.of(held), "redelivered after the lost ack, and skipped"
    assert db.unsent() == 0
    assert queue_depth(url, f"{service}.events") == 0


def test_the_outbox_holds_events_while_the_broker_is_unreachable(
        tmp_path, amqp_settings, pg_service_db, new_worker, new_publisher, event_type):
    db = pg_service_db
    proxy = TcpProxy.for_url(amqp_settings.bus_url).start()
    through_proxy = make_settings(tmp_path / "relay", bus_url=proxy.url_through(amqp_settings.bus_url),
                                  database_url=db.url)
    relay = Relay(db.sessions, new_publisher(through_proxy))
    try:
        with running_worker(new_worker({event_type: [record_effect]})), \
                running_relay(relay) as handle:
            before = db.emit(event_type, datas(event_type, 10))
            wait_for(lambda: db.applied_once(before), timeout=20, message=lambda: unapplied(db, before))
            assert proxy.accepted >= 1, "the relay published through the proxy"

            proxy.stop()
            during = db.emit(event_type, datas(event_type, 30))
            handle.poke()
            wait_for(lambda: relay.broker_failures >= 2, timeout=20,
                     message="the relay did not keep trying")
            assert handle.alive, "a broker outage must not end the relay loop"
            assert db.unsent() == 30
            assert all(db.effect_counts()[e["id"]] == 0 for e in during)

            proxy.start()
            handle.poke()
            wait_for(lambda: db.applied_once(during), timeout=20, message=lambda: unapplied(db, during))
        assert db.unsent() == 0
        assert relay.broker_failures == 0
        assert sum(db.effect_counts().values()) == 40
    finally:
        proxy.stop()


def test_an_idle_publisher_still_publishes_after_the_broker_dropped_it(
        rabbit, tmp_path, bus_url, new_publisher, event_type, service):
    # Nothing reads a publisher's connection while it is idle, so it sends no
    # heartbeats and the broker closes it after about two intervals.
    settings = make_settings(tmp_path, bus_url=bus_url, env={"HEARTBEAT_S": "1"})
    publisher = new_publisher(settings)
    publisher.publish(sample_event(event_type))
    wait_for(lambda: rabbit.connection_count(bus_url) == 0, timeout=15, interval=0.2,
             message="the broker kept the idle connection")
    publisher.publish(sample_event(event_type))
    assert queue_depth(bus_url, f"{service}.events") == 2
