"""Several brokers in REBOUND_BUS_URL: a process follows whichever one answers.

Two TCP proxies in front of the one real RabbitMQ play two nodes of a
cluster. Stopping the proxy a worker is connected through is, for the
worker, the loss of its node: it must move to the other, keep every event
exactly once, and say it is not ready only while no broker answers. (The
real three-node cluster is tests/faults/test_cluster.py.)
"""
from __future__ import annotations

import socket

import pytest

from shared.bus import PublishError
from shared.outbox import Relay
from shared.web import BusProbe
from support import TcpProxy, datas, make_settings, record_effect, running_relay, running_worker, wait_for

pytestmark = pytest.mark.integration


@pytest.fixture
def two_nodes(bus_url):
    proxies = [TcpProxy.for_url(bus_url).start() for _ in range(2)]
    yield proxies
    for proxy in proxies:
        if proxy.running:
            proxy.stop()


def _closed_url(bus_url: str) -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return bus_url.replace(bus_url.split("@", 1)[1].split("/", 1)[0], f"127.0.0.1:{port}")


def _through(proxies, bus_url, tmp_path, pg_service_db):
    url = ";".join(p.url_through(bus_url) for p in proxies)
    return make_settings(tmp_path, bus_url=url, database_url=pg_service_db.url,
                         env={"HEARTBEAT_S": "4"})


def test_a_dead_first_broker_is_passed_over(bus_url, tmp_path, pg_service_db, new_worker, new_publisher,
                                            event_type):
    settings = make_settings(tmp_path, bus_url=f"{_closed_url(bus_url)};{bus_url}",
                             database_url=pg_service_db.url)
    events = pg_service_db.emit(event_type, datas(event_type, 30))
    with running_worker(new_worker({event_type: [record_effect]}, settings=settings)), \
            running_relay(Relay(pg_service_db.sessions, new_publisher(settings))):
        wait_for(lambda: pg_service_db.applied_once(events), timeout=30, message="events not applied once")
    assert BusProbe(settings)() is None
    assert pg_service_db.unsent() == 0


def test_a_worker_moves_to_the_surviving_node(two_nodes, bus_url, tmp_path, pg_service_db, new_worker,
                                              new_publisher, event_type):
    first, second = two_nodes
    settings = _through(two_nodes, bus_url, tmp_path, pg_service_db)
    worker = new_worker({event_type: [record_effect]}, settings=settings)
    before = pg_service_db.emit(event_type, datas(event_type, 20))
    with running_worker(worker), running_relay(Relay(pg_service_db.sessions, new_publisher(settings))):
        wait_for(lambda: pg_service_db.applied_once(before), timeout=30, message="first events not applied")
        assert first.accepted >= 1 and second.accepted == 0  # the list is taken in order
        first.stop()  # the node goes away: its connections drop, new ones are refused
        wait_for(lambda: second.accepted >= 1 and worker.ready.is_set(), timeout=30,
                 message="the worker never reconnected through the second node")
        after = pg_service_db.emit(event_type, datas(event_type, 20))
        wait_for(lambda: pg_service_db.applied_once(before + after), timeout=30,
                 message="events after the failover not applied exactly once")
    assert pg_service_db.unsent() == 0
    assert sum(pg_service_db.effect_counts().values()) == 40


def test_readiness_is_false_while_no_broker_answers(two_nodes, bus_url, tmp_path, pg_service_db, new_worker,
                                                    event_type):
    settings = _through(two_nodes, bus_url, tmp_path, pg_service_db)
    probe = BusProbe(settings, ttl_s=0)
    worker = new_worker({event_type: [record_effect]}, settings=settings)
    with running_worker(worker):
        assert probe() is None
        two_nodes[0].stop()
        assert probe() is None  # one node is enough
        two_nodes[1].stop()
        assert probe().startswith("bus:")
        wait_for(lambda: not worker.ready.is_set(), timeout=30, message="the worker still says it is ready")
        two_nodes[1].start()
        wait_for(lambda: worker.ready.is_set(), timeout=30, message="the worker never came back")
        assert probe() is None


def test_a_publisher_keeps_to_the_node_that_answered(two_nodes, bus_url, tmp_path, pg_service_db, new_publisher,
                                                      event_type):
    first, second = two_nodes
    settings = _through(two_nodes, bus_url, tmp_path, pg_service_db)
    publisher = new_publisher(settings)
    [one, two, three] = pg_service_db.emit(event_type, datas(event_type, 3))
    publisher.publish(one)
    assert (first.accepted, second.accepted) == (1, 0)
    first.stop()
    with pytest.raises(PublishError):
        publisher.publish(two)  # into the connection that just died
    publisher.publish(two)  # a new connection: the first node refuses, the second takes it
    assert second.accepted == 1
    first.start()
    publisher.close()
    publisher.publish(three)  # afresh, but from the node that answered last
    assert (first.accepted, second.accepted) == (1, 2)
