"""Valid data for every event type, and whole events built from it.

Data is generated from each type's schema in shared/events.py, so types and
fields added there are covered; SAMPLE_DATA lends realistic values for the
fields it knows.
"""
from __future__ import annotations

import uuid

from marshmallow import fields, validate

from shared.events import DATA_SCHEMAS, make_event

SAMPLE_DATA: dict[str, dict] = {
    "user.registered": {"display_name": "Sam", "email": "sam@example.org", "timezone": "Europe/Berlin"},
    "user.deleted": {},
    "application.created": {
        "application_id": 1, "company": "Acme", "role": "Engineer", "source": "referral",
        "role_category": "engineering", "applied_on": "2025-03-01",
    },
    "application.stage_changed": {
        "application_id": 1, "from_stage": "applied", "to_stage": "interview",
        "changed_on": "2025-03-05",
    },
    "application.rejected": {
        "application_id": 1, "company": "Acme", "role": "Engineer", "source": None,
        "stage_reached": "interview", "reason": "experience", "feedback": None,
        "received_on": "2025-03-10",
    },
    "application.offer_received": {"application_id": 1, "company": "Acme", "role": "Engineer"},
    "application.feedback_received": {"application_id": 1, "feedback": "More depth on SQL."},
    "reflection.prompted": {
        "reflection_id": 7, "application_id": 1, "kind": "rejection", "prompt": "What went well?",
    },
    "reflection.completed": {"reflection_id": 7, "mood": 4},
    "goal.updated": {
        "goal_id": 3, "kind": "applications", "title": "Apply to 5 roles", "progress": 2,
        "target": 5, "period": "week",
    },
    "win.celebrated": {"win_id": 9, "kind": "streak", "title": "Three weeks in a row"},
    "checkin.recorded": {"mood": 3, "note_present": False},
    "support.nudge_requested": {"reason": "rejection_streak", "intensity": "gentle", "share_details": False},
    "reminder.due": {
        "reminder_id": 11, "kind": "follow_up", "application_id": 1,
        "due_at": "2025-03-12T09:00:00+00:00",
    },
    "notification.delivered": {"notification_id": 5, "channel": "inbox"},
    "applications.imported": {"events": [{
        "id": "5b0f7c7e-3d43-4d38-9f7e-6f1b2c3d4e5f", "type": "application.created",
        "data": {"application_id": 1, "company": "Acme", "role": "Engineer", "source": None,
                 "role_category": None, "applied_on": "2025-03-01"}}]},
}


def sample_data(type: str, **changes) -> dict:
    """Valid data for `type`, with `changes` applied."""
    schema = DATA_SCHEMAS[type]()
    data = {}
    known = SAMPLE_DATA.get(type, {})
    for name, field in schema.fields.items():
        if field.dump_only:
            continue
        key = field.data_key or name
        data[key] = known[key] if key in known else _value_for(field)
    return {**data, **changes}


def _value_for(field: fields.Field):
    validators = list(getattr(field, "validators", []) or [])
    for validator in validators:
        if isinstance(validator, validate.OneOf):
            return list(validator.choices)[0]
    low = next((v.min for v in validators if isinstance(v, validate.Range) and v.min is not None), 1)
    lengths = [v for v in validators if isinstance(v, validate.Length)]
    size = max([6] + [v.min for v in lengths if v.min])
    size = min([size] + [v.max for v in lengths if v.max])
    if isinstance(field, fields.Boolean):
        return False
    if isinstance(field, fields.Number):
        return low
    if isinstance(field, fields.UUID):
        return str(uuid.uuid4())
    if isinstance(field, fields.Email):
        return "sam@example.org"
    if isinstance(field, fields.Date):
        return "2025-03-01"
    if isinstance(field, fields.DateTime):
        return "2025-03-12T09:00:00+00:00"
    if isinstance(field, fields.List):
        return [_value_for(field.inner)]
    if isinstance(field, fields.Dict):
        return {}
    if isinstance(field, fields.Nested):
        nested = field.schema
        return {f.data_key or n: _value_for(f) for n, f in nested.fields.items() if not f.dump_only}
    if isinstance(field, fields.String):
        return "s" * size
    return None


def sample_event(type: str = "application.created", *, user_id: str = "user-1",
                 producer: str = "tracker", cause: dict | None = None, **changes) -> dict:
    """A valid event of `type` (data from SAMPLE_DATA, with `changes`)."""
    return make_event(type, user_id=user_id, data=sample_data(type, **changes),
                      producer=producer, cause=cause)


def created_data(count: int, start: int = 1) -> list[dict]:
    """Data for `count` distinct application.created events."""
    return [sample_data("application.created", application_id=i, company=f"Company {i}")
            for i in range(start, start + count)]


def consumed_type(service: str, prefer: str = "application.created") -> str:
    """An event type `service` subscribes to (read from the topology at run time)."""
    from shared.topology import SUBSCRIPTIONS

    types = SUBSCRIPTIONS[service]
    return prefer if prefer in types else types[0]


def datas(type: str, count: int) -> list[dict]:
    """Data for `count` events of `type` (distinct where the type has an application_id)."""
    if type == "application.created":
        return created_data(count)
    return [sample_data(type) for _ in range(count)]
