"""What the frontend accepts, checked before anything reaches a service.

The services validate again; checking here too means a typo gets a clear 422
naming the field even when a service is slow, and nothing half-formed leaves.
Loaded data is dumped back to JSON-ready values (dates as ISO strings).
"""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate, validates_schema

from shared.events import REJECTION_REASONS, STAGES

MAX_LIMIT = 1000
REQUIRED = {"required": "Please fill this in."}
# A rejection is recorded with its own form (RejectionIn), never as a stage move: the tracker refuses it.
MOVABLE_STAGES = tuple(s for s in STAGES if s != "rejected")
LONG_TEXT = 20_000  # the tracker's and coach's cap on feedback, notes and letters
WORK_MODES = ("onsite", "hybrid", "remote")
SALARY_PERIODS = ("year", "month", "week", "day", "hour")


class Trimmed(fields.Str):
    """A string with surrounding whitespace removed, so "  " counts as empty."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


def at_most(max_len: int) -> validate.Length:
    """The real limit, said plainly: only ever the one that was crossed."""
    return validate.Length(max=max_len, error=f"Please keep this to {max_len:,} characters or fewer.")


def _text(max_len: int, required: bool = False) -> Trimmed:
    if required:
        return Trimmed(required=True, error_messages=REQUIRED, validate=[
            validate.Length(min=1, error=REQUIRED["required"]), at_most(max_len)])
    return Trimmed(allow_none=True, validate=at_most(max_len))


class Tags(fields.Field):
    """Tags typed as "remote, dream job": a list, trimmed, without repeats or empties."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, list):
            value = ",".join(str(v) for v in value)
        if not isinstance(value, str):
            raise ValidationError("Separate tags with commas.")
        tags = list(dict.fromkeys(t.strip() for t in value.split(",") if t.strip()))
        if len(tags) > 20:
            raise ValidationError("Up to 20 tags, please.")
        if any(len(t) > 50 for t in tags):
            raise ValidationError("Please keep each tag to 50 characters or fewer.")
        return tags

    def _serialize(self, value, attr, obj, **kwargs):
        return list(value or [])


def _money():
    return fields.Int(allow_none=True, validate=validate.Range(
        min=0, max=100_000_000, error="A whole number from 0 to 100,000,000."))


class ApplicationIn(Schema):
    company = _text(200, required=True)
    role = _text(200, required=True)
    source = _text(100)
    url = fields.Url(allow_none=True, validate=at_most(2000), error_messages={"invalid": "A web address like https://…"})
    applied_on = fields.Date(allow_none=True)
    role_category = _text(100)
    notes = _text(LONG_TEXT)
    location = _text(200)
    work_mode = fields.Str(allow_none=True, validate=validate.OneOf(WORK_MODES))
    salary_min = _money()
    salary_max = _money()
    salary_currency = fields.Str(allow_none=True, validate=validate.Regexp(
        r"^[A-Z]{3}$", error="Use a three-letter code such as EUR."))
    salary_period = fields.Str(allow_none=True, validate=validate.OneOf(SALARY_PERIODS))
    excitement = fields.Int(allow_none=True, validate=validate.Range(1, 5, error="From 1 to 5."))
    follow_up_on = fields.Date(allow_none=True)
    resume_version = _text(100)
    cover_letter_version = _text(100)
    tags = Tags()

    @pre_load
    def _upper_currency(self, data, **kwargs):
        if isinstance(data.get("salary_currency"), str):
            data = {**data, "salary_currency": data["salary_currency"].strip().upper()}
        return data

    @validates_schema
    def _salary_range(self, data, **kwargs):
        low, high = data.get("salary_min"), data.get("salary_max")
        if low is not None and high is not None and low > high:
            raise ValidationError("The lowest figure is above the highest.", "salary_min")



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


class NotificationQuery(Page):
    unread = fields.Str(validate=validate.OneOf(("0", "1")))


def clean(schema: Schema, payload: dict) -> dict:
    """Validate (ValidationError on bad input) and return JSON-ready values."""
    return schema.dump(schema.load(payload))


def clean_form(schema: Schema, form) -> dict:
    """Like clean, for an HTML form: blank optional fields count as not given."""
    payload = {k: v for k, v in form.items() if k in schema.fields and v.strip() != ""}
    return clean(schema, payload)
