"""What the frontend accepts, checked before anything reaches a service.

The services validate again; checking here too means a typo gets a clear 422
naming the field even when a service is slow, and nothing half-formed leaves.
Loaded data is dumped back to JSON-ready values (dates as ISO strings).
"""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from shared.events import REJECTION_REASONS, STAGES

MAX_LIMIT = 1000
REQUIRED = {"required": "Please fill this in."}
# A rejection is recorded with its own form (RejectionIn), never as a stage move: the tracker refuses it.
MOVABLE_STAGES = tuple(s for s in STAGES if s != "rejected")
LONG_TEXT = 20_000  # the tracker's and coach's cap on feedback, notes and letters


class Trimmed(fields.Str):
    """A string with surrounding whitespace removed, so "  " counts as empty."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


def _text(max_len: int, required: bool = False) -> Trimmed:
    if required:
        return Trimmed(required=True, error_messages=REQUIRED, validate=validate.Length(
            min=1, max=max_len, error=f"Please fill this in (up to {max_len} characters)."))
    return Trimmed(allow_none=True, validate=validate.Length(max=max_len))


class ApplicationIn(Schema):
    company = _text(200, required=True)
    role = _text(200, required=True)
    source = _text(100)
    url = fields.Url(allow_none=True, validate=validate.Length(max=2000))
    applied_on = fields.Date(allow_none=True)
    role_category = _text(100)
    notes = _text(LONG_TEXT)



class StageIn(Schema):
    stage = fields.Str(required=True, error_messages=REQUIRED, validate=validate.OneOf(MOVABLE_STAGES))
    changed_on = fields.Date(allow_none=True)


class RejectionIn(Schema):
    stage_reached = fields.Str(allow_none=True, validate=validate.OneOf(STAGES))
    reason = fields.Str(allow_none=True, validate=validate.OneOf(REJECTION_REASONS))
    feedback = _text(LONG_TEXT)
    received_on = fields.Date(allow_none=True)


class ReflectionAnswerIn(Schema):
    answer = _text(10_000, required=True)
    mood = fields.Int(allow_none=True, validate=validate.Range(1, 5))


class Page(Schema):
    class Meta:  # cache-busters and the like in a query string are harmless
        unknown = EXCLUDE

    limit = fields.Int(validate=validate.Range(1, MAX_LIMIT))
    cursor = fields.Str()


class ApplicationQuery(Page):
    stage = fields.Str(validate=validate.OneOf(STAGES))
    q = fields.Str(validate=validate.Length(max=200))


class ReflectionQuery(Page):
    status = fields.Str(validate=validate.OneOf(("open", "done")))


class NotificationQuery(Page):
    unread = fields.Str(validate=validate.OneOf(("0", "1")))


def clean(schema: Schema, payload: dict) -> dict:
    """Validate (ValidationError on bad input) and return JSON-ready values."""
    return schema.dump(schema.load(payload))


def clean_form(schema: Schema, form) -> dict:
    """Like clean, for an HTML form: blank optional fields count as not given."""
    payload = {k: v for k, v in form.items() if k in schema.fields and v.strip() != ""}
    return clean(schema, payload)
