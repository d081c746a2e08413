"""Relays that die after the confirm, relays and workers side by side, and the broker dropping everyone.

Invariant, read from the databases: every recorded rejection ends as exactly
taken in once (coach), one inbox item per coach card (notifier), with no outbox row left
unsent.
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from shared.bus import Publisher
from shared.outbox import Relay
from shared.tables import utcnow
from support import make_settings, wait_for

pytestmark = pytest.mark.e2e


def test_a_relay_killed_between_confirm_and_marking_sent_publishes_again(pipeline, tmp_path):
    pipeline.spawn("coach-worker")
    pipeline.spawn("notifier-worker")
    expected = len(pipeline.record_rejections(10))
    pipeline.spawn("tracker-relay", "relay-dies", fault=("relay-after-confirm", 1), wait=False)
    assert pipeline.procs["relay-dies"].wait(timeout=60) == -9
    [line] = [x for x in pipeline.log_lines("relay-dies") if "killpoint" in x]
    published = line["event_ids"]
    assert len(published) == 2 * expected, "the whole batch was confirmed before the kill"
    assert pipeline.scalar("tracker", "SELECT count(*) FROM outbox WHERE sent_at IS NULL") == len(published)

    # Another relay takes the rows once the dead one's lease is over (its clock is
    # moved past the lease instead of waiting 30 s).
    settings = make_settings(tmp_path / "relay", bus_url=pipeline.bus_url,
                             database_url=pipeline.urls["tracker"])
    from shared.db import make_engine, make_session_factory
    engine = make_engine(pipeline.urls["tracker"])
    later = Relay(make_session_factory(engine), Publisher(settings),
                  clock=lambda: utcnow() + timedelta(seconds=31))
    try:
        assert later.run_once() == len(published)
    finally:
        later.publisher.close()
        engine.dispose()
    counts = pipeline.wait_exactly_once(expected)
    wait_for(lambda: all(pipeline.log_has("coach-worker", event_id=e, outcome="duplicate")
                         for e in published), timeout=30,
             message="each event was delivered twice and recognised the second time")
    assert counts.unsent == 0


def test_two_relays_and_two_workers_per_service_apply_each_event_once(pipeline):
    for process in ("tracker-relay", "coach-worker", "notifier-worker"):
        pipeline.spawn(process, f"{process}-1")
        pipeline.spawn(process, f"{process}-2")
    expected = len(pipeline.record_rejections(50, users=6, per_transaction=5))
    counts = pipeline.wait_exactly_once(expected)
    for name in ("coach-worker-1", "coach-worker-2"):
        assert pipeline.log_has(name, outcome="done"), f"{name} took part"
    assert counts.max_send_delay_s < 30


def test_every_connection_closed_by_the_broker_mid_burst(pipeline, rabbit):
    pipeline.start_background()
    expected = len(pipeline.record_rejections(30))
    wait_for(lambda: pipeline.scalar("coach", "SELECT count(*) FROM processed_events") >= 5,
             timeout=60, interval=0.02, message="the burst never started")
    assert rabbit.close_connections(pipeline.bus_url) >= 3
    expected += len(pipeline.record_rejections(10, prefix="After the drop"))
    for name in ("tracker-relay", "coach-worker", "notifier-worker"):
        pipeline.wait_consuming(name, times=2, timeout=30)  # recovered by itself within 30 s
    counts = pipeline.wait_exactly_once(expected)
    assert counts.max_send_delay_s < 30
    for name, proc in pipeline.procs.items():
        assert proc.poll() is None, f"{name} died: {pipeline.tail(name)}"
