"""Mandatory publishing on RabbitMQ: an event no queue is bound for is refused and kept."""
from __future__ import annotations

import contextlib

import pytest
from kombu import Connection, Queue, binding

from shared import topology
from shared.bus import PublishError, UnroutableError
from shared.events import DATA_SCHEMAS
from shared.outbox import Relay
from support import datas, queue_depth, sample_event

pytestmark = pytest.mark.integration


@pytest.fixture
def narrow_topology(monkeypatch, event_type, service):
    """Only `service` bound, to `event_type` alone; returns two types nobody is bound to."""
    monkeypatch.setattr(topology, "SUBSCRIPTIONS", {service: (event_type,)})
    return [t for t in sorted(DATA_SCHEMAS) if t != event_type][:2]


def test_publishing_an_unbound_type_raises_unroutable(
        amqp_settings, new_publisher, narrow_topology, event_type, service):
    unbound = narrow_topology[0]
    publisher = new_publisher()
    with pytest.raises(UnroutableError):
        publisher.publish(sample_event(unbound))
    publisher.publish(sample_event(event_type))
    assert queue_depth(amqp_settings.bus_url, f"{service}.events") == 1


@contextlib.contextmanager
def refusing_queue(url: str, routing_key: str):
    """A queue bound to `routing_key` that takes nothing: the broker nacks what is routed to it."""
    full = Queue("test.full", bindings=[binding(topology.EVENTS, routing_key=routing_key)],
                 queue_arguments={"x-max-length": 0, "x-overflow": "reject-publish"})
    with Connection(url) as connection:
        channel = connection.channel()
        topology.EVENTS(channel).declare()
        full(channel).declare()
        try:
            yield
        finally:
            full(channel).delete()


def test_a_publish_after_an_unroutable_one_waits_for_its_own_confirm(
        amqp_settings, new_publisher, narrow_topology):
    unbound, refused = narrow_topology
    with refusing_queue(amqp_settings.bus_url, refused):
        publisher = new_publisher()
        with pytest.raises(PublishError):
            publisher.publish(sample_event(refused))     # the broker nacks it
        with pytest.raises(UnroutableError):
            publisher.publish(sample_event(unbound))
        with pytest.raises(PublishError):
            publisher.publish(sample_event(refused))     # nacked, not confirmed by a stale ack


def test_the_relay_keeps_an_unroutable_row_with_its_error(
        amqp_settings, pg_service_db, new_publisher, narrow_topology, event_type, service):
    db = pg_service_db
    unbound = narrow_topology[0]
    [lost] = db.emit(unbound, datas(unbound, 1))
    routable = db.emit(event_type, datas(event_type, 3))
    relay = Relay(db.sessions, new_publisher())
    assert relay.run_once() == 3
    assert relay.broker_failures == 0
    rows = {r.event_id: r for r in db.outbox_rows()}
    kept = rows[lost["id"]]
    assert kept.sent_at is None
    assert kept.attempts == 1
    assert "no queue is bound" in kept.last_error
    assert kept.next_attempt_at is not None and kept.claimed_by is None
    assert all(rows[e["id"]].sent_at is not None for e in routable)
    assert queue_depth(amqp_settings.bus_url, f"{service}.events") == 3


def test_a_batch_is_confirmed_together_and_its_unroutable_event_named(
        amqp_settings, new_publisher, narrow_topology, event_type, service):
    unbound = narrow_topology[0]
    first, second = sample_event(event_type), sample_event(event_type)
    lost, third = sample_event(unbound), sample_event(event_type)
    outcome = new_publisher().publish_many([first, lost, second, third])
    assert outcome.error is None
    assert outcome.sent == [first["id"], second["id"], third["id"]]
    assert list(outcome.unroutable) == [lost["id"]]
    assert queue_depth(amqp_settings.bus_url, f"{service}.events") == 3


def test_a_nacked_event_in_a_batch_is_not_counted_as_sent(
        amqp_settings, new_publisher, narrow_topology, event_type):
    refused = narrow_topology[1]
    with refusing_queue(amqp_settings.bus_url, refused):
        good, bad = sample_event(event_type), sample_event(refused)
        outcome = new_publisher().publish_many([good, bad])
    assert outcome.sent == [good["id"]]
    assert outcome.error and "nack" in outcome.error
