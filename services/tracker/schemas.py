"""What the tracker's API accepts and answers."""
from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from shared.events import REJECTION_REASONS, STAGES


def _short(max_len: int, required: bool = False):
    return fields.Str(required=required, allow_none=not required,
                      validate=validate.Length(min=1 if required else 0, max=max_len))


class ApplicationIn(Schema):
    class Meta:
        unknown = RAISE

    company = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    role = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    source = _short(100)
    url = fields.Url(allow_none=True, validate=validate.Length(max=2000))
    applied_on = fields.Date(allow_none=True)
    role_category = _short(100)
    notes = fields.Str(allow_none=True, validate=validate.Length(max=20000))


class StageIn(Schema):
    class Meta:
        unknown = RAISE

    stage = fields.Str(required=True, validate=validate.OneOf([s for s in STAGES if s != "rejected"]))
    changed_on = fields.Date(allow_none=True)


class RejectionIn(Schema):
    class Meta:
        unknown = RAISE

    stage_reached = fields.Str(allow_none=True, validate=validate.OneOf(STAGES))
    reason = fields.Str(allow_none=True, validate=validate.OneOf(REJECTION_REASONS))
    feedback = fields.Str(allow_none=True, validate=validate.Length(max=20000))
    received_on = fields.Date(allow_none=True)


class StageChangeOut(Schema):
    from_stage = fields.Str()
    to_stage = fields.Str()
    changed_on = fields.Date()


class RejectionOut(Schema):
    stage_reached = fields.Str()
    reason = fields.Str()
    feedback = fields.Str()
    received_on = fields.Date()


class ApplicationOut(Schema):
    id = fields.Int()
    company = fields.Str()
    role = fields.Str()
    source = fields.Str()
    url = fields.Str()
    role_category = fields.Str()
    applied_on = fields.Date()
    notes = fields.Str()
    stage = fields.Str()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    rejection = fields.Nested(RejectionOut, allow_none=True)
    history = fields.List(fields.Nested(StageChangeOut))


application_in = ApplicationIn()
stage_in = StageIn()
rejection_in = RejectionIn()
application_out = ApplicationOut()
