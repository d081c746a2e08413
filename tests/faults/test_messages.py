"""Poison messages, dead letters replayed by the CLI, duplicates and late stage changes.

Invariants: a poison message is dead-lettered with its reason within the
attempt limit while good events keep flowing; `rebound dlq replay` brings it
back and, once fixed, it is applied exactly once; a duplicate delivery is
applied once; a stage change that arrives after the rejection does not undo it.
"""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text

from shared.bus import Publisher
from support import make_settings, queue_depth, sample_event, wait_for

pytestmark = pytest.mark.e2e


def _publisher(pipeline, tmp_path) -> Publisher:
    return Publisher(make_settings(tmp_path / "publisher", bus_url=pipeline.bus_url))


def test_poison_is_dead_lettered_and_replayed_by_the_cli_once_fixed(pipeline, tmp_path):
    fixed = tmp_path / "fixed"
    pipeline.stack.env["REBOUND_MAX_ATTEMPTS"] = "3"
    pipeline.spawn("tracker-relay")
    pipeline.spawn("notifier-worker")
    pipeline.spawn("coach-worker", env={"KILLPOINT_FIXED": str(fixed)}, fault=("handler-raises", 0))
    publisher = _publisher(pipeline, tmp_path)
    try:
        unknown = sample_event("application.rejected", company="Poison")
        unknown["type"] = "application.exploded"
        invalid = sample_event("application.rejected")
        del invalid["data"]["company"]
        not_json = str(uuid.uuid4())
        publisher.publish({"id": not_json, "type": "application.rejected"}, body='{"id": "' + not_json)
        publisher.publish(unknown, routing_key="application.rejected")
        publisher.publish(invalid)
    finally:
        publisher.close()
    expected = len(pipeline.record_rejections(1, prefix="Explodes"))
    expected += len(pipeline.record_rejections(12, prefix="Fine Co"))

    wait_for(lambda: queue_depth(pipeline.bus_url, "coach.dead") == 5, timeout=60, interval=0.5,
             message=lambda: f"{queue_depth(pipeline.bus_url, 'coach.dead')} dead letters")
    counts = pipeline.counts()
    assert counts.taken_in == expected - 1, "the good events kept flowing past the poison"
    listing = pipeline.stack.cli("dlq", "list", "coach")
    assert "5 dead letter(s) in coach" in listing
    assert listing.count("attempts=3") == 2, listing   # the Explodes application's two events
    assert "this handler breaks on Explodes" in listing
    assert "not JSON" in listing and "application.exploded" in listing

    fixed.touch()
    assert "replayed 5 dead letter(s)" in pipeline.stack.cli("dlq", "replay", "coach")
    counts = pipeline.wait_exactly_once(expected)
    wait_for(lambda: queue_depth(pipeline.bus_url, "coach.dead") == 3, timeout=30,
             message="the three unfixable letters went back to the dead-letter queue")
    assert queue_depth(pipeline.bus_url, "coach.events") == 0
    assert counts.taken_in == expected


def test_duplicates_and_a_stage_change_after_the_rejection(pipeline, tmp_path):
    from services.tracker.commands import change_stage, create_application
    from services.tracker.rejections import record_rejection
    from shared.db import make_engine, make_session_factory

    engine = make_engine(pipeline.urls["tracker"])
    with make_session_factory(engine).begin() as session:
        app = create_application(session, "late-user", {"company": "Late Co", "role": "Designer"})
        change_stage(session, app, "interview", None)
        record_rejection(session, app, {"reason": "other"})
        app_id = app.id
    with engine.connect() as conn:
        events = {row.event_type: row.payload for row in conn.execute(text(
            "SELECT event_type, payload FROM outbox ORDER BY id"))}
    engine.dispose()

    pipeline.spawn("coach-worker")
    pipeline.spawn("notifier-worker")
    publisher = _publisher(pipeline, tmp_path)
    try:   # no relay: we deliver them ourselves, out of order and twice
        for kind in ("application.created", "application.rejected", "application.rejected",
                     "application.stage_changed", "application.rejected"):
            publisher.publish(events[kind])
    finally:
        publisher.close()
    rejected_id = events["application.rejected"]["id"]
    wait_for(lambda: len(pipeline.log_has("coach-worker", event_id=rejected_id)) == 3
             and pipeline.log_has("coach-worker", event_type="application.stage_changed"), timeout=30,
             message="every copy was handled")
    assert sorted(x["outcome"] for x in pipeline.log_has("coach-worker", event_id=rejected_id)) == \
        ["done", "duplicate", "duplicate"]
    stage, furthest = _fact(pipeline, app_id)
    assert (stage, furthest) == ("rejected", "interview")
    # Every card the coach sent has reached the inbox; then the inbox must hold no cheer about interviews.
    wait_for(lambda: _titles(pipeline, "coach", "SELECT title FROM coach_cards WHERE status = 'sent'")
             == _titles(pipeline, "notifier", "SELECT title FROM notifications WHERE kind = 'coach_card'")
             and pipeline.scalar("coach", "SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 0,
             timeout=30, message="the coach's cards reached the inbox")
    assert _titles(pipeline, "notifier", "SELECT title FROM notifications WHERE kind = 'coach_card'") == \
        ["After Late Co's answer", "Your application to Late Co"]   # the rejection, and the first application
    assert pipeline.scalar("coach", f"SELECT count(*) FROM reflections WHERE application_id = {app_id}") == 1


def _titles(pipeline, service: str, sql: str) -> list[str]:
    with pipeline.engines[service].connect() as conn:
        return sorted(conn.execute(text(sql)).scalars())


def _fact(pipeline, app_id: int):
    with pipeline.engines["coach"].connect() as conn:
        return tuple(conn.execute(text(
            "SELECT stage, furthest_stage FROM application_facts WHERE application_id = :a"),
            {"a": app_id}).one())
