"""What the tracker's API accepts and answers."""
from __future__ import annotations

from datetime import date, timedelta

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from services.tracker.matching import CHANNELS
from shared.events import REJECTION_REASONS, STAGES
from shared.strict_fields import StrictBool, time_zone_name

WORK_MODES = ("onsite", "hybrid", "remote")
SALARY_PERIODS = ("year", "month", "week", "day", "hour")
ROUND_KINDS = ("phone", "technical", "onsite", "panel", "take_home")


def _short(max_len: int, required: bool = False):
    return fields.Str(required=required, allow_none=not required,
                      validate=validate.Length(min=1 if required else 0, max=max_len))


def _not_future(value: date | None) -> None:
    # a day of slack: the user's today may be UTC's tomorrow
    if value is not None and value > date.today() + timedelta(days=1):
        raise ValidationError("This date is in the future.")


class _In(Schema):
    class Meta:
        unknown = RAISE


class ApplicationIn(_In):
    company = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    role = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    source = _short(100)
    channel = fields.Str(allow_none=True, validate=validate.OneOf(CHANNELS))
    url = fields.Url(allow_none=True, validate=validate.Length(max=2000))
    location = _short(200)
    work_mode = fields.Str(allow_none=True, validate=validate.OneOf(WORK_MODES))
    salary_min = fields.Int(allow_none=True, strict=True, validate=validate.Range(min=0, max=100_000_000))
    salary_max = fields.Int(allow_none=True, strict=True, validate=validate.Range(min=0, max=100_000_000))
    salary_currency = fields.Str(allow_none=True, validate=validate.Regexp(r"^[A-Z]{3}$", error="Use a three-letter code such as EUR."))
    salary_period = fields.Str(allow_none=True, validate=validate.OneOf(SALARY_PERIODS))
    role_category = _short(100)
    applied_on = fields.Date(allow_none=True, validate=_not_future)
    excitement = fields.Int(allow_none=True, strict=True, validate=validate.Range(min=1, max=5))
    follow_up_on = fields.Date(allow_none=True)
    resume_version = _short(100)
    cover_letter_version = _short(100)
    tags = fields.List(fields.Str(validate=[validate.Length(min=1, max=50),
                                            validate.Regexp(r"^[^,]+$", error="A tag can't contain a comma.")]),
                       validate=validate.Length(max=20))
    notes = fields.Str(allow_none=True, validate=validate.Length(max=20000))

    @validates_schema
    def _salary_range(self, data, **kwargs):
        low, high = data.get("salary_min"), data.get("salary_max")
        if low is not None and high is not None and low > high:
            raise ValidationError("The minimum is above the maximum.", "salary_min")


class ApplicationPatch(ApplicationIn):
    """The same fields, all optional; company and role may not be emptied."""


class StageIn(_In):
    stage = fields.Str(required=True, validate=validate.OneOf([s for s in STAGES if s != "rejected"]))
    changed_on = fields.Date(allow_none=True, validate=_not_future)


class RejectionIn(_In):
    stage_reached = fields.Str(allow_none=True, validate=validate.OneOf(STAGES))
    reason = fields.Str(allow_none=True, validate=validate.OneOf(REJECTION_REASONS))
    feedback = fields.Str(allow_none=True, validate=validate.Length(max=20000))
    received_on = fields.Date(allow_none=True, validate=_not_future)


class RejectionPatch(_In):
    reason = fields.Str(allow_none=True, validate=validate.OneOf(REJECTION_REASONS))
    feedback = fields.Str(allow_none=True, validate=validate.Length(max=20000))


class NoteIn(_In):
    body = fields.Str(required=True, validate=validate.Length(min=1, max=20000))


class ContactIn(_In):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=200))
    title = _short(200)
    email = fields.Email(allow_none=True, validate=validate.Length(max=320))
    phone = fields.Str(allow_none=True, validate=validate.Regexp(r"^[0-9+()./ -]{3,50}$", error="That doesn't look like a phone number."))
    profile_url = fields.Url(allow_none=True, validate=validate.Length(max=2000))


class RoundIn(_In):
    scheduled_on = fields.Date(required=True)
    starts_at = fields.Time(allow_none=True, format="%H:%M")
    timezone = time_zone_name(allow_none=True)
    duration_minutes = fields.Int(allow_none=True, strict=True, validate=validate.Range(min=5, max=1440))
    location = _short(500)
    video_url = fields.Url(allow_none=True, validate=validate.Length(max=2000))
    kind = fields.Str(required=True, validate=validate.OneOf(ROUND_KINDS))
    interviewer = _short(200)
    notes = fields.Str(allow_none=True, validate=validate.Length(max=20000))


class SettingsIn(_In):
    auto_ghost = StrictBool(required=True)


def utc_stamp() -> fields.DateTime:
    """A moment in UTC, written in ISO 8601 without an offset (the stored values are naive UTC).

    The OpenAPI "date-time" format demands an offset, so the document names its own format.
    """
    return fields.DateTime(metadata={"format": "utc-date-time-without-offset",
                                     "description": "UTC, ISO 8601, no offset"})


class StageChangeOut(Schema):
    from_stage = fields.Str(allow_none=True)
    to_stage = fields.Str()
    changed_on = fields.Date()


class RejectionOut(Schema):
    stage_reached = fields.Str()
    reason = fields.Str(allow_none=True)
    feedback = fields.Str(allow_none=True)
    received_on = fields.Date()


class NoteOut(Schema):
    id = fields.Int()
    body = fields.Str()
    created_at = utc_stamp()
    updated_at = utc_stamp()


class ContactOut(Schema):
    id = fields.Int()
    name = fields.Str()
    title = fields.Str(allow_none=True)
    email = fields.Str(allow_none=True)
    phone = fields.Str(allow_none=True)
    profile_url = fields.Str(allow_none=True)


class RoundOut(Schema):
    id = fields.Int()
    scheduled_on = fields.Date()
    starts_at = fields.Time(allow_none=True, format="%H:%M")
    timezone = fields.Str(allow_none=True)
    duration_minutes = fields.Int(allow_none=True)
    location = fields.Str(allow_none=True)
    video_url = fields.Str(allow_none=True)
    kind = fields.Str()
    interviewer = fields.Str(allow_none=True)
    notes = fields.Str(allow_none=True)


class ApplicationOut(Schema):
    id = fields.Int()
    company = fields.Str()
    role = fields.Str()
    source = fields.Str(allow_none=True)
    channel = fields.Str()
    url = fields.Str(allow_none=True)
    location = fields.Str(allow_none=True)
    work_mode = fields.Str(allow_none=True)
    salary_min = fields.Int(allow_none=True)
    salary_max = fields.Int(allow_none=True)
    salary_currency = fields.Str(allow_none=True)
    salary_period = fields.Str(allow_none=True)
    role_category = fields.Str(allow_none=True)
    applied_on = fields.Date(allow_none=True)
    excitement = fields.Int(allow_none=True)
    follow_up_on = fields.Date(allow_none=True)
    resume_version = fields.Str(allow_none=True)
    cover_letter_version = fields.Str(allow_none=True)
    tags = fields.List(fields.Str())
    archived = StrictBool()
    notes = fields.Str(allow_none=True)
    stage = fields.Str()
    stage_since = fields.Date(allow_none=True)
    created_at = utc_stamp()
    updated_at = utc_stamp()
    rejection = fields.Nested(RejectionOut, allow_none=True)
    history = fields.List(fields.Nested(StageChangeOut))
    note_entries = fields.List(fields.Nested(NoteOut))
    contacts = fields.List(fields.Nested(ContactOut))
    rounds = fields.List(fields.Nested(RoundOut))
    # Only in the answer to POST /applications (set there, never read from the row).
    warnings = fields.List(fields.Dict(), metadata={"description": "gentle heads-ups, e.g. company_memory"})


class SettingsOut(Schema):
    auto_ghost = StrictBool()


application_in = ApplicationIn()
application_patch = ApplicationPatch()
stage_in = StageIn()
rejection_in = RejectionIn()
rejection_patch = RejectionPatch()
note_in, contact_in, round_in, settings_in = NoteIn(), ContactIn(), RoundIn(), SettingsIn()
application_out = ApplicationOut()
note_out, contact_out, round_out, settings_out = NoteOut(), ContactOut(), RoundOut(), SettingsOut()
