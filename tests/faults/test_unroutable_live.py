"""An event no queue is bound for, published by the real tracker-relay: reported and kept.

The binding of application.feedback_received (consumed by the coach alone)
is removed from coach.events behind the running processes' backs. Every
publisher and worker declares the whole topology when it connects, so a
binding removed this way comes back by itself at the next (re)connection;
until then the relay keeps its connection, and what it publishes for that
type is refused. That window is what this test holds open: the relays run
with long heartbeats, so their connections are not renewed (and the binding
not re-declared) during the test, and the binding is removed only after the
coach's relay has connected.

Invariants: the refused event is logged by name and kept unsent with an
error naming the route, retried, never dropped; the routable event written
in the same transaction goes through; once the binding is back the kept row
is published and the coach applies it exactly once.
"""
from __future__ import annotations

import pytest
from kombu import Connection
from sqlalchemy import text

from services.tracker.models import Application
from services.tracker.rejections import update_rejection
from shared import topology
from support import wait_for

pytestmark = pytest.mark.integration

UNBOUND = "application.feedback_received"


def test_an_unroutable_event_is_kept_by_the_live_relay_until_its_binding_is_back(pipeline):
    assert [s for s, types in topology.SUBSCRIPTIONS.items() if UNBOUND in types] == ["coach"]
    long_heartbeat = {"REBOUND_HEARTBEAT_S": "120"}  # no idle reconnect (and re-declare) for 60 s
    pipeline.spawn("coach-worker", env=long_heartbeat, wait=False)
    pipeline.spawn("tracker-relay", env=long_heartbeat, wait=False)
    pipeline.wait_consuming("coach-worker")
    pipeline.wait_consuming("tracker-relay")
    [(user, app_id)] = pipeline.record_rejections(1)
    wait_for(lambda: pipeline.scalar("coach", "SELECT count(*) FROM processed_events") >= 2,
             timeout=30, message="the relay's connection never carried the rejection")
    # The coach's own relay declares the topology (binding included) when it first connects, to
    # publish what the rejection made it say: that must be done before the binding is removed.
    wait_for(lambda: pipeline.scalar("coach", "SELECT count(*) FROM outbox") > 0
             and pipeline.scalar("coach", "SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 0,
             timeout=30, message="the coach never published what the rejection made it say")

    _binding(pipeline.bus_url, "unbind")
    update = _give_feedback(pipeline, user, app_id, "They wanted more depth on SQL.")
    [feedback] = [e for e in update if e["type"] == UNBOUND]
    [changed] = [e for e in update if e["type"] == "application.updated"]

    row = wait_for(lambda: _row(pipeline, feedback["id"], "attempts >= 2"), timeout=30,
                   message=lambda: f"never refused twice: {pipeline.tail('tracker-relay')}")
    assert row.sent_at is None
    assert "no queue is bound" in row.last_error and UNBOUND in row.last_error
    assert pipeline.log_has("tracker-relay", msg="event unroutable, kept in outbox",
                            event_type=UNBOUND, event_id=feedback["id"])
    wait_for(lambda: _processed(pipeline, changed["id"]) == 1, timeout=30,
             message="the routable event of the same transaction was held up")
    assert _processed(pipeline, feedback["id"]) == 0
    assert pipeline.procs["tracker-relay"].poll() is None

    _binding(pipeline.bus_url, "bind")
    wait_for(lambda: _row(pipeline, feedback["id"], "sent_at IS NOT NULL"), timeout=30,
             message="the kept row was never published once the binding was back")
    wait_for(lambda: _processed(pipeline, feedback["id"]) == 1, timeout=30,
             message="the coach never applied the kept event")
    assert pipeline.scalar("coach", f"SELECT count(*) FROM feedback "
                                    f"WHERE source_event_id = '{feedback['id']}'") == 1
    assert pipeline.scalar("tracker", "SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 0
    for name, proc in pipeline.procs.items():
        assert proc.poll() is None, f"{name} died: {pipeline.tail(name)}"


def _binding(url: str, action: str) -> None:
    with Connection(url, connect_timeout=5) as connection:
        channel = connection.channel()
        if action == "unbind":
            channel.queue_unbind("coach.events", topology.EVENTS.name, UNBOUND)
        else:
            channel.queue_bind("coach.events", topology.EVENTS.name, UNBOUND)


def _give_feedback(pipeline, user: str, app_id: int, feedback: str) -> list[dict]:
    """The tracker's own command; returns the events it wrote to the outbox."""
    before = pipeline.scalar("tracker", "SELECT max(id) FROM outbox")
    with pipeline._tracker_sessions.begin() as session:
        app = session.get(Application, app_id)
        assert app.user_id == user
        update_rejection(session, app, {"feedback": feedback})
    with pipeline.engines["tracker"].connect() as conn:
        return [r.payload for r in conn.execute(
            text("SELECT payload FROM outbox WHERE id > :id ORDER BY id"), {"id": before})]


def _row(pipeline, event_id: str, condition: str):
    with pipeline.engines["tracker"].connect() as conn:
        return conn.execute(text(f"SELECT * FROM outbox WHERE event_id = :e AND {condition}"),
                            {"e": event_id}).first()


def _processed(pipeline, event_id: str) -> int:
    return pipeline.scalar("coach", f"SELECT count(*) FROM processed_events WHERE event_id = '{event_id}'")
