"""The coach through RabbitMQ and PostgreSQL: a rejection in, its coaching out, exactly once."""
from __future__ import annotations

import json
from datetime import date

import pytest
from kombu import Connection, Queue
from sqlalchemy import select

from services.coach.handlers import HANDLERS
from services.coach.models import Reflection, Win
from shared import topology
from shared.bus import Publisher, connect
from shared.events import make_event
from shared.outbox import Relay
from shared.runtime import Runtime
from rebound.migrations import migrate_service
from shared.worker import Worker
from support import drain_queue, make_settings, running_relay, running_worker, wait_for

pytestmark = pytest.mark.integration
OUTPUTS = ("reflection.prompted", "suggestion.offered", "support.nudge_requested", "win.celebrated",
           "goal.updated", "coaching.withdrawn", "coach.card_composed")


def _event(type_, data):
    return make_event(type_, user_id="sam", data=data, producer="tracker")


def _rejected(app_id, stage, company):
    return _event("application.rejected", {
        "application_id": app_id, "company": company, "role": "Analyst", "source": "job_board",
        "stage_reached": stage, "reason": "experience", "feedback": None,
        "received_on": date.today().isoformat()})


@pytest.fixture
def coach(tmp_path, fresh_vhost, pg_database):
    settings = make_settings(tmp_path, bus_url=fresh_vhost(), database_url=pg_database())
    migrate_service("coach", settings)
    runtime = Runtime.build("coach", settings)
    with Connection(settings.bus_url) as conn:  # a tap on everything the coach says
        Queue("test.coach-out", exchange=topology.EVENTS, routing_key="#", durable=False,
              auto_delete=False)(conn.default_channel).declare()
    worker = Worker("coach", connect(settings), runtime.sessions, HANDLERS, settings)
    with running_worker(worker), running_relay(Relay(runtime.sessions, Publisher(settings))):
        yield settings, runtime
    runtime.engine.dispose()


def _said(settings, seen: list) -> list[dict]:
    seen.extend(json.loads(m.body) for m in drain_queue(settings.bus_url, "test.coach-out"))
    return [e for e in seen if e["type"] in OUTPUTS]


def test_a_rejection_delivered_twice_is_coached_once(coach):
    settings, runtime = coach
    publisher = Publisher(settings)
    for i in (1, 2):
        publisher.publish(_rejected(i, "applied", f"Early {i}"))
    rejection = _rejected(3, "interview", "Northwind")
    publisher.publish(rejection)
    publisher.publish(rejection)  # the bus may deliver twice
    publisher.close()
    seen: list = []
    wait_for(lambda: any(e["type"] == "support.nudge_requested" for e in _said(settings, seen)),
             timeout=20, message="the nudge request")
    caused = [e for e in _said(settings, seen) if e["causation_id"] == rejection["id"]]
    types = sorted(e["type"] for e in caused)
    assert types.count("reflection.prompted") == 1
    assert types.count("support.nudge_requested") == 1
    assert "goal.updated" not in types  # no weekly goal yet, so no lighter week to offer
    # The third no of the day: one card, which offers rest and a private page rather than another
    # "how are you" or "one more application" (asked minutes ago), and the feedback draft.
    kinds = sorted(e["data"]["kind"] for e in caused if e["type"] == "suggestion.offered")
    assert kinds == ["feedback_request", "self_care"]
    [card] = [e["data"] for e in caused if e["type"] == "coach.card_composed"]
    assert card["title"] == "After Northwind's answer" and card["email"] == "never"  # a private writing prompt
    with runtime.sessions() as session:
        prompts = session.scalars(select(Reflection.kind).where(Reflection.application_id == 3)).all()
        assert prompts == ["expressive_writing"]


def test_a_retraction_through_the_bus_withdraws_the_coaching(coach):
    settings, runtime = coach
    publisher = Publisher(settings)
    publisher.publish(_event("application.created", {
        "application_id": 5, "company": "Acme", "role": "Analyst", "source": None,
        "role_category": None, "applied_on": None}))
    rejection = _rejected(5, "screening", "Acme")
    publisher.publish(rejection)
    publisher.publish(_event("application.rejection_retracted",
                             {"application_id": 5, "rejection_event_id": rejection["id"]}))
    publisher.close()
    seen: list = []
    withdrawn = wait_for(lambda: [e for e in _said(settings, seen) if e["type"] == "coaching.withdrawn"],
                         timeout=20, message="coaching.withdrawn")
    assert len(withdrawn[0]["data"]["reflection_ids"]) == 1
    with runtime.sessions() as session:
        assert session.scalar(select(Reflection.status).where(Reflection.application_id == 5)) == "withdrawn"
        assert session.scalars(select(Win.kind)).all() == ["first_application"]
