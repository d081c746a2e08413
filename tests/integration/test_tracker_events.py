"""Every tracker change reaches the coach's queue through the outbox, the relay and RabbitMQ."""
from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from services.tracker.api import create_app
from shared.auth import HEADER, sign_user_token
from shared.bus import Publisher
from shared.outbox import Relay
from shared.runtime import Runtime
from rebound.migrations import migrate_service
from shared.tables import outbox
from support import drain_queue, make_settings, wait_for

pytestmark = pytest.mark.integration


@pytest.fixture(params=["sqlite", "postgres"])
def tracker_runtime(request, tmp_path, fresh_vhost):
    url = request.getfixturevalue("pg_database")() if request.param == "postgres" else None
    settings = make_settings(tmp_path, bus_url=fresh_vhost(), database_url=url)
    migrate_service("tracker", settings)
    runtime = Runtime.build("tracker", settings)
    yield runtime
    runtime.engine.dispose()


def _relay_all(runtime) -> None:
    relay = Relay(runtime.sessions, Publisher(runtime.settings))
    try:
        wait_for(lambda: relay.run_once() == 0 and _unsent(runtime) == 0, timeout=20,
                 message=lambda: f"{_unsent(runtime)} events still unsent")
    finally:
        relay.publisher.close()


def _unsent(runtime) -> int:
    with runtime.sessions() as session:
        return len(session.scalars(select(outbox.c.id).where(outbox.c.sent_at.is_(None))).all())


def test_each_change_publishes_its_event_to_the_coach(tracker_runtime):
    client = create_app(runtime=tracker_runtime).test_client()
    headers = {HEADER: sign_user_token(tracker_runtime.settings.internal_secret, "alice")}

    def call(method, path, body=None):
        response = getattr(client, method)(path, json=body, headers=headers)
        assert response.status_code < 300, response.get_json()
        return response.get_json()

    app = call("post", "/applications", {"company": "Acme", "role": "Engineer", "applied_on": "2026-01-02"})
    base = f"/applications/{app['id']}"
    call("patch", base, {"excitement": 5})
    call("post", f"{base}/stage", {"stage": "interview", "changed_on": "2026-01-10"})
    call("post", f"{base}/rounds", {"scheduled_on": "2026-01-12", "kind": "panel"})
    call("post", f"{base}/rejection", {"reason": "skills"})
    call("delete", f"{base}/rejection")
    call("post", f"{base}/archive")
    call("post", f"{base}/ghost")
    call("delete", base)
    imported = client.post("/applications/import", headers=headers, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(b"Company,Role,Status\nInitech,Analyst,Offer\n"), "a.csv")})
    assert imported.status_code == 200, imported.get_json()

    _relay_all(tracker_runtime)
    messages = drain_queue(tracker_runtime.settings.bus_url, "coach.events")
    events = [json.loads(m.body) for m in messages]
    assert [e["type"] for e in events] == [
        "application.created", "application.updated", "application.stage_changed", "interview.scheduled",
        "application.rejected", "application.rejection_retracted", "application.archived",
        "application.stage_changed", "application.ghosted", "application.deleted"]
    # The import's history goes to the coach's bulk queue, in one chunk.
    [chunk] = [json.loads(m.body) for m in drain_queue(tracker_runtime.settings.bus_url, "coach.bulk")]
    assert chunk["type"] == "applications.imported"
    assert [e["type"] for e in chunk["data"]["events"]] == [
        "application.created", "application.stage_changed", "application.offer_received"]
    rejected, retracted = events[4], events[5]
    assert retracted["data"]["rejection_event_id"] == rejected["id"]
    assert all(e["user_id"] == "alice" and e["producer"] == "tracker" for e in events)
