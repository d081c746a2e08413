"""Poison messages go to <service>.dead with their error; good events keep flowing."""
from __future__ import annotations

import json
import uuid

import pytest

from shared.events import DATA_SCHEMAS
from support import (
    datas, drain_queue, queue_depth, record_effect, running_worker, sample_event, wait_for,
)

pytestmark = pytest.mark.integration


def poison(event_type: str) -> dict[str, tuple[dict, str | None]]:
    """name -> (event-ish dict for its id, raw body or None to send the dict)."""
    not_json_id = str(uuid.uuid4())
    unknown = sample_event(event_type)
    unknown["type"] = "application.exploded"
    invalid = sample_event(event_type)
    required = next(n for n, f in DATA_SCHEMAS[event_type]().fields.items() if f.required)
    del invalid["data"][required]
    return {
        "not json": ({"id": not_json_id}, '{"id": "' + not_json_id + '", "type": '),
        "unknown type": (unknown, None),
        "schema-invalid": (invalid, None),
        "handler fails": (sample_event(event_type), None),
    }


def test_poison_messages_are_dead_lettered_while_others_flow(
        amqp_settings, pg_service_db, new_worker, new_publisher, event_type, service):
    db = pg_service_db
    bad = poison(event_type)
    failing_id = bad["handler fails"][0]["id"]
    calls = []

    def handler(session, event):
        if event["id"] == failing_id:
            calls.append(event["id"])
            raise RuntimeError("this event always breaks the handler")
        record_effect(session, event)

    publisher = new_publisher()
    for event, body in bad.values():
        publisher.publish(event, routing_key=event_type, body=body)
    good = [sample_event(event_type, **data) for data in datas(event_type, 30)]
    for event in good:
        publisher.publish(event)

    url = amqp_settings.bus_url
    with running_worker(new_worker({event_type: [handler]})):
        wait_for(lambda: queue_depth(url, f"{service}.dead") >= len(bad), timeout=20,
                 message=lambda: f"{queue_depth(url, f'{service}.dead')} dead letters")
        wait_for(lambda: db.applied_once(good), timeout=20, message="good events were not applied")
    assert queue_depth(url, f"{service}.events") == 0
    assert len(calls) == amqp_settings.max_attempts

    dead = {m.properties.get("message_id"): m for m in drain_queue(url, f"{service}.dead")}
    assert set(dead) == {event["id"] for event, _ in bad.values()}
    for name, (event, body) in bad.items():
        message = dead[event["id"]]
        assert message.headers["x-error"], name
        assert message.headers["x-service"] == service
        raw = message.body.decode() if isinstance(message.body, bytes) else message.body
        assert raw == (body if body is not None else json.dumps(event)), name
    assert "not JSON" in dead[bad["not json"][0]["id"]].headers["x-error"]
    assert "type" in dead[bad["unknown type"][0]["id"]].headers["x-error"]
    failed = dead[failing_id].headers
    assert "RuntimeError: this event always breaks the handler" in failed["x-error"]
    assert failed["x-attempts"] == amqp_settings.max_attempts
    assert sum(db.effect_counts().values()) == len(good)
