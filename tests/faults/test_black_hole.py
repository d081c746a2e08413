"""A black hole between a process and the broker: the socket stays open, no byte gets through.

Unlike a refused or closed connection, nothing tells the client the broker is
gone; only timeouts and heartbeats can. Invariants: a publish fails within
the confirm timeout (a new connection within the connect timeout) and never
hangs, closing a publisher never hangs, the outbox row stays unsent until
the relay can publish it; a consuming worker notices within a few heartbeat
intervals, reconnects by itself, and every event published meanwhile is
applied exactly once.
"""
from __future__ import annotations

import threading
import time

import pytest

from shared.bus import Publisher, connect
from shared.outbox import Relay
from shared.worker import Worker
from support import (
    TcpProxy, datas, drain_queue, make_settings, queue_depth, record_effect, running_worker,
    wait_for,
)

pytestmark = pytest.mark.integration

TYPE = "application.rejected"   # consumed by the coach only
CONFIRM_S = 1.5
CONNECT_S = 5                   # shared.bus.connect's connect_timeout
MARGIN_S = 1.5                  # a loaded machine's scheduling, not a second timeout
HEARTBEAT_S = 2


def timed(action, give_up_s: float = 30) -> tuple[object, float]:
    """`action()` and how long it took; a hang fails the test instead of stalling it."""
    outcome: dict = {}

    def run():
        try:
            outcome["result"] = action()
        except BaseException as exc:  # re-raised in the test's thread
            outcome["error"] = exc

    started = time.monotonic()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(give_up_s)
    took = time.monotonic() - started
    assert not thread.is_alive(), f"still blocked after {took:.0f} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"], took


def test_a_publish_into_a_black_hole_fails_in_time_and_the_relay_sends_it_after(
        tmp_path, fresh_vhost, pg_service_db):
    db, url = pg_service_db, fresh_vhost()
    proxy = TcpProxy.for_url(url).start()
    settings = make_settings(tmp_path, bus_url=proxy.url_through(url), database_url=db.url,
                             env={"CONFIRM_TIMEOUT_MS": str(int(CONFIRM_S * 1000))})
    relay = Relay(db.sessions, Publisher(settings))
    try:
        [first] = db.emit(TYPE, datas(TYPE, 1))
        assert relay.run_once() == 1, "published through the proxy while it forwarded"

        proxy.black_hole()
        [held] = db.emit(TYPE, datas(TYPE, 1))
        published, took = timed(relay.run_once)   # into the open, silent connection
        assert published == 0
        assert took < CONFIRM_S + MARGIN_S, f"the publish took {took:.2f} s to fail"
        assert relay.broker_failures == 1
        [row] = [r for r in db.outbox_rows() if r.event_id == held["id"]]
        assert row.sent_at is None and row.claimed_by is None, "kept, and free for the next pass"

        published, took = timed(relay.run_once)   # a new connection into the black hole
        assert published == 0
        assert took < CONNECT_S + MARGIN_S, f"the new connection took {took:.2f} s to fail"
        assert db.unsent() == 1

        proxy.heal()
        assert relay.run_once() == 1
        assert db.unsent() == 0 and relay.broker_failures == 0
        # The first attempt's publish was held in the black hole, not lost: it may
        # reach the broker too once the path heals. Consumers drop the copy by id.
        ids = wait_for(lambda: _ids_once_settled(url), timeout=10,
                       message="the queue never settled")
        assert set(ids) == {first["id"], held["id"]}

        proxy.black_hole()
        _, took = timed(relay.publisher.close)
        assert took < CONFIRM_S + MARGIN_S, f"closing took {took:.2f} s"
    finally:
        proxy.stop()
        relay.publisher.close()


def _ids_once_settled(url: str) -> list[str] | None:
    if queue_depth(url, "coach.events") < 2:
        return None
    return [m.properties.get("message_id") for m in drain_queue(url, "coach.events")]


def test_a_worker_behind_a_black_hole_notices_by_heartbeat_and_applies_everything_once(
        tmp_path, fresh_vhost, pg_service_db):
    db, url = pg_service_db, fresh_vhost()
    proxy = TcpProxy.for_url(url).start()
    through = make_settings(tmp_path / "worker", bus_url=proxy.url_through(url), database_url=db.url,
                            env={"HEARTBEAT_S": str(HEARTBEAT_S)})
    direct = make_settings(tmp_path / "publisher", bus_url=url, database_url=db.url)
    relay = Relay(db.sessions, Publisher(direct))
    worker = Worker("coach", connect(through), db.sessions, {TYPE: [record_effect]}, through)
    try:
        with running_worker(worker):
            before = db.emit(TYPE, datas(TYPE, 5))
            assert relay.run_once() == 5
            wait_for(lambda: db.applied_once(before), timeout=20, message="the worker never applied")

            proxy.black_hole()
            started = time.monotonic()
            during = db.emit(TYPE, datas(TYPE, 20))
            assert relay.run_once() == 20, "the broker itself is fine: publishing goes on"
            wait_for(lambda: not worker.ready.is_set(), timeout=4 * HEARTBEAT_S + MARGIN_S,
                     interval=0.05, message="the worker never noticed the silence")
            noticed = time.monotonic() - started
            print(f"noticed after {noticed:.2f} s (heartbeat {HEARTBEAT_S} s)")
            assert noticed < 3 * HEARTBEAT_S + MARGIN_S
            assert all(db.effect_counts()[e["id"]] == 0 for e in during)

            proxy.heal()
            wait_for(worker.ready.is_set, timeout=30, message="the worker never reconnected")
            wait_for(lambda: db.applied_once(before + during), timeout=30,
                     message=lambda: f"applied: {sum(db.effect_counts().values())} of 25")
        assert proxy.accepted >= 2, "the worker reconnected through the healed path"
        assert sum(db.effect_counts().values()) == 25, "no event applied twice"
        assert queue_depth(url, "coach.events") == 0
    finally:
        proxy.stop()
        relay.publisher.close()
