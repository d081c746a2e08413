"""What the coach's API accepts and answers."""
from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate


class AnswerIn(Schema):
    class Meta:
        unknown = RAISE

    answer = fields.Str(required=True, validate=validate.Length(min=1, max=20000))
    mood = fields.Int(allow_none=True, validate=validate.Range(1, 5))


class ReflectionOut(Schema):
    id = fields.Int()
    application_id = fields.Int()
    kind = fields.Str()
    prompt = fields.Str()
    answer = fields.Str()
    mood = fields.Int()
    status = fields.Str()
    created_at = fields.DateTime()
    answered_at = fields.DateTime()


class WinOut(Schema):
    id = fields.Int()
    kind = fields.Str()
    title = fields.Str()
    created_at = fields.DateTime()


class GoalOut(Schema):
    id = fields.Int()
    kind = fields.Str()
    title = fields.Str()
    progress = fields.Int()
    target = fields.Int()
    period = fields.Str()
    status = fields.Str()


answer_in = AnswerIn()
reflection_out = ReflectionOut()
win_out = WinOut()
goal_out = GoalOut()
