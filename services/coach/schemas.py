"""What the coach's API accepts and answers."""
from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from services.coach.budgets import budget_of
from shared.strict_fields import time_zone_name

MOOD = validate.Range(1, 5)


# The largest id any of our tables can hold; larger ones are refused, not stored.
ROW_ID_MAX = 2**31 - 1


class _In(Schema):
    class Meta:
        unknown = RAISE


class AnswerIn(_In):
    answer = fields.Str(required=True, validate=validate.Length(min=1, max=20000))
    mood = fields.Int(allow_none=True, validate=MOOD)


class CheckinIn(_In):
    mood = fields.Int(required=True, validate=MOOD)
    note = fields.Str(allow_none=True, validate=validate.Length(max=5000))
    application_id = fields.Int(allow_none=True, validate=validate.Range(min=1, max=ROW_ID_MAX))


class GoalIn(_In):
    kind = fields.Str(required=True, validate=validate.OneOf(("applications", "outreach", "learning_hours", "rest_days")))
    target = fields.Int(required=True, validate=validate.Range(1, 500))
    title = fields.Str(validate=validate.Length(min=1, max=300))


class GoalPatch(_In):
    target = fields.Int(validate=validate.Range(1, 500))
    title = fields.Str(validate=validate.Length(min=1, max=300))
    status = fields.Str(validate=validate.OneOf(("active", "declined")))


class WinIn(_In):
    title = fields.Str(required=True, validate=validate.Length(min=1, max=300))


class EffortIn(_In):
    kind = fields.Str(required=True, validate=validate.OneOf(("outreach", "learning", "rest")))
    amount = fields.Float(required=True, validate=validate.Range(min=0.25, max=1000))
    what = fields.Str(allow_none=True, validate=validate.Length(max=300))
    logged_on = fields.Date()


class FeedbackIn(_In):
    text = fields.Str(required=True, validate=validate.Length(min=1, max=20000))
    application_id = fields.Int(allow_none=True, validate=validate.Range(min=1, max=ROW_ID_MAX))


class DraftPatch(_In):
    subject = fields.Str(validate=validate.Length(min=1, max=300))
    body = fields.Str(validate=validate.Length(min=1, max=20000))
    to_email = fields.Email(allow_none=True)
    status = fields.Str(validate=validate.OneOf(("draft", "sent")))


class SettingsPatch(_In):
    timezone = time_zone_name()
    review_weekday = fields.Int(validate=validate.Range(0, 6))
    review_time = fields.Str(validate=validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$"))
    disabled_rules = fields.List(fields.Str(validate=validate.Length(max=64)))
    nudge_threshold = fields.Int(validate=validate.Range(2, 50))
    weekly_target = fields.Int(allow_none=True, validate=validate.Range(1, 500))
    coach_budget = fields.Nested(lambda: CoachBudget(), allow_none=True)


class CoachBudget(_In):
    """How much the coach may say (composer.Budget); an absent field keeps its calm default."""
    cards_per_day = fields.Int(validate=validate.Range(1, 10))
    max_sections = fields.Int(validate=validate.Range(1, 6))
    repeat_days = fields.Int(validate=validate.Range(7, 90))


class ReflectionOut(Schema):
    id = fields.Int()
    application_id = fields.Int(allow_none=True)
    kind = fields.Str()
    prompt = fields.Str()
    answer = fields.Str(allow_none=True)
    mood = fields.Int(allow_none=True)
    status = fields.Str()
    created_at = fields.DateTime()
    answered_at = fields.DateTime(allow_none=True)


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
    week_start = fields.Date(allow_none=True)


class SuggestionOut(Schema):
    id = fields.Int()
    kind = fields.Str()
    title = fields.Str()
    body = fields.Str()
    application_id = fields.Int(allow_none=True)
    urgency = fields.Str()
    status = fields.Str()
    created_at = fields.DateTime()


class CheckinOut(Schema):
    id = fields.Int()
    mood = fields.Int()
    note = fields.Str(allow_none=True)
    application_id = fields.Int(allow_none=True)
    created_at = fields.DateTime()


class DraftOut(Schema):
    id = fields.Int()
    application_id = fields.Int()
    to_name = fields.Str(allow_none=True)
    to_email = fields.Str(allow_none=True)
    subject = fields.Str()
    body = fields.Str()
    status = fields.Str()
    sent_at = fields.DateTime(allow_none=True)


class FeedbackOut(Schema):
    id = fields.Int()
    application_id = fields.Int(allow_none=True)
    text = fields.Str()
    tags = fields.List(fields.Str())
    created_at = fields.DateTime()


class EffortOut(Schema):
    id = fields.Int()
    kind = fields.Str()
    amount = fields.Float()
    what = fields.Str(allow_none=True)
    logged_on = fields.Date()


class SettingsOut(Schema):
    timezone = fields.Str()
    review_weekday = fields.Int()
    review_time = fields.Str()
    disabled_rules = fields.List(fields.Str())
    nudge_threshold = fields.Int()
    weekly_target = fields.Int(allow_none=True)
    coach_budget = fields.Method("_budget")

    def _budget(self, profile) -> dict:
        return dict(vars(budget_of(profile)))


answer_in, checkin_in, goal_in, goal_patch = AnswerIn(), CheckinIn(), GoalIn(), GoalPatch()
win_in, effort_in, feedback_in, draft_patch, settings_patch = (
    WinIn(), EffortIn(), FeedbackIn(), DraftPatch(), SettingsPatch())
reflection_out, win_out, goal_out, suggestion_out = ReflectionOut(), WinOut(), GoalOut(), SuggestionOut()
checkin_out, draft_out, feedback_out, effort_out, settings_out = (
    CheckinOut(), DraftOut(), FeedbackOut(), EffortOut(), SettingsOut())
