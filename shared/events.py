"""The event envelope and the data schema of every event type (version 1).

ARCHITECTURE.md's event table is the contract; this module is its code.
Events are plain JSON dicts; they are validated when written to the outbox
and again when a worker takes them off the bus.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

STAGES = (
    "saved", "applied", "screening", "interview", "final_interview",
    "offer", "accepted", "rejected", "withdrawn", "ghosted",
)
REJECTION_REASONS = (
    "no_response", "position_filled", "internal_candidate", "budget", "position_closed",
    "experience", "skills", "communication", "culture_fit", "compensation", "location", "other",
)


class InvalidEvent(ValueError):
    """An event that does not match the envelope or its type's data schema."""

    def __init__(self, errors: dict):
        super().__init__(f"invalid event: {errors}")
        self.errors = errors


class _Data(Schema):
    class Meta:
        unknown = RAISE


def _text(required=True, allow_none=False, **kw):
    return fields.Str(required=required, allow_none=allow_none, **kw)


class UserRegistered(_Data):
    display_name = _text(allow_none=True)
    email = fields.Email(required=True)
    timezone = _text()


class UserDeleted(_Data):
    pass


class ApplicationCreated(_Data):
    application_id = fields.Int(required=True)
    company = _text()
    role = _text()
    source = _text(allow_none=True)
    role_category = _text(allow_none=True)
    applied_on = fields.Date(required=True, allow_none=True)


class ApplicationStageChanged(_Data):
    application_id = fields.Int(required=True)
    from_stage = _text(allow_none=True, validate=validate.OneOf(STAGES))
    to_stage = _text(validate=validate.OneOf(STAGES))
    changed_on = fields.Date(required=True)


class ApplicationRejected(_Data):
    application_id = fields.Int(required=True)
    company = _text()
    role = _text()
    source = _text(allow_none=True)
    stage_reached = _text(validate=validate.OneOf(STAGES))
    reason = _text(allow_none=True, validate=validate.OneOf(REJECTION_REASONS))
    feedback = _text(allow_none=True)
    received_on = fields.Date(required=True)


class ApplicationOfferReceived(_Data):
    application_id = fields.Int(required=True)
    company = _text()
    role = _text()


class ApplicationFeedbackReceived(_Data):
    application_id = fields.Int(required=True)
    feedback = _text()


class ReflectionPrompted(_Data):
    reflection_id = fields.Int(required=True)
    application_id = fields.Int(required=True, allow_none=True)
    kind = _text()
    prompt = _text()
    urgency = fields.Str(validate=validate.OneOf(("low", "normal", "high")))
    card_id = fields.Str(allow_none=True)  # set when a coach card carries this piece


class ReflectionCompleted(_Data):
    reflection_id = fields.Int(required=True)
    mood = fields.Int(required=True, allow_none=True, validate=validate.Range(1, 5))


class GoalUpdated(_Data):
    goal_id = fields.Int(required=True)
    kind = _text()
    title = _text()
    progress = fields.Int(required=True)
    target = fields.Int(required=True)
    period = _text()
    # proposed, active, met, missed, declined, withdrawn; absent means active
    status = fields.Str(validate=validate.Length(max=16))
    card_id = fields.Str(allow_none=True)  # set when a coach card carries this piece


class WinCelebrated(_Data):
    win_id = fields.Int(required=True)
    kind = _text()
    title = _text()
    urgency = fields.Str(validate=validate.OneOf(("low", "normal", "high")))
    card_id = fields.Str(allow_none=True)  # set when a coach card carries this piece


class CheckinRecorded(_Data):
    mood = fields.Int(required=True, validate=validate.Range(1, 5))
    note_present = fields.Bool(required=True)


class SupportNudgeRequested(_Data):
    reason = _text()
    intensity = _text(validate=validate.OneOf(("gentle", "strong")))
    share_details = fields.Bool(required=True)


class ReminderDue(_Data):
    reminder_id = fields.Int(required=True)
    kind = _text(validate=validate.OneOf(("follow_up", "feedback_request", "weekly_review")))
    application_id = fields.Int(required=True, allow_none=True)
    due_at = fields.DateTime(required=True)
    urgency = fields.Str(validate=validate.OneOf(("low", "normal", "high")))


class NotificationDelivered(_Data):
    notification_id = fields.Int(required=True)
    channel = _text()


URGENCIES = ("low", "normal", "high")
_urgency = fields.Str(validate=validate.OneOf(URGENCIES))  # optional: "normal" when absent


class ApplicationUpdated(_Data):
    application_id = fields.Int(required=True)
    # Only the fields that changed, with their new values (JSON primitives).
    changes = fields.Dict(keys=fields.Str(), required=True)


class ApplicationDeleted(_Data):
    application_id = fields.Int(required=True)


class ApplicationArchived(_Data):
    application_id = fields.Int(required=True)
    archived = fields.Bool(required=True)


class ApplicationGhosted(_Data):
    application_id = fields.Int(required=True)
    company = _text()
    role = _text()
    source = _text(allow_none=True)
    stage_reached = _text(validate=validate.OneOf(STAGES))
    ghosted_on = fields.Date(required=True)


class ApplicationRejectionRetracted(_Data):
    application_id = fields.Int(required=True)
    # The id of the application.rejected event being taken back.
    rejection_event_id = fields.UUID(required=True, allow_none=True)


class InterviewScheduled(_Data):
    application_id = fields.Int(required=True)
    round_id = fields.Int(required=True)
    kind = _text(validate=validate.OneOf(("phone", "technical", "onsite", "panel", "take_home")))
    scheduled_on = fields.Date(required=True)
    company = _text()
    role = _text()


class SuggestionOffered(_Data):
    suggestion_id = fields.Int(required=True)
    kind = _text()
    title = _text()
    body = _text()
    application_id = fields.Int(allow_none=True)
    urgency = _urgency
    card_id = fields.Str(allow_none=True)  # set when a coach card carries this piece


class InsightGenerated(_Data):
    insight_id = fields.Int(required=True)
    kind = _text()
    title = _text()
    body = _text()
    urgency = _urgency
    card_id = fields.Str(allow_none=True)  # set when a coach card carries this piece


class CoachingWithdrawn(_Data):
    """What the coach took back (a retracted rejection, a card that no longer holds)."""
    application_id = fields.Int(required=True, allow_none=True)
    reflection_ids = fields.List(fields.Int(), required=True)
    suggestion_ids = fields.List(fields.Int(), required=True)
    win_ids = fields.List(fields.Int(), required=True)
    card_ids = fields.List(fields.Str())  # optional: whole coach cards taken back


CARD_SECTION_KINDS = ("safety", "feelings", "reflection", "next_step", "feedback", "selfcare", "win",
                      "insight", "review", "goal")


class CardSection(_Data):
    kind = _text(validate=validate.OneOf(CARD_SECTION_KINDS))
    title = _text()
    body = _text()
    link = _text(allow_none=True)


class CoachCardComposed(_Data):
    """One coach card: everything the coach says about one moment. The same card_id again revises it."""
    card_id = _text(validate=validate.Length(min=1, max=36))
    cause_event_id = _text()
    cause_type = _text()  # the event type that caused it, or "schedule"
    application_id = fields.Int(required=True, allow_none=True)
    title = _text()
    summary = _text()
    sections = fields.List(fields.Nested(CardSection), required=True)
    urgency = fields.Str(required=True, validate=validate.OneOf(URGENCIES))  # "high" only for safety
    email = fields.Str(required=True, validate=validate.OneOf(("immediate", "digest", "never")))
    private = fields.Bool(required=True)


# What one imported application can say about its history, in its order.
IMPORTED_TYPES = ("application.created", "application.stage_changed", "application.rejected",
                  "application.offer_received", "application.ghosted")
IMPORT_BATCH_ROWS = 200  # applications per applications.imported event


class ImportedEvent(_Data):
    """One event of an imported application's history, as it would have travelled alone."""
    id = fields.UUID(required=True)
    type = fields.Str(required=True, validate=validate.OneOf(IMPORTED_TYPES))
    data = fields.Dict(required=True)

    @validates_schema
    def _data_fits_type(self, item, **_kw):
        errors = _SCHEMA_CACHE[item["type"]].validate(item["data"])
        if errors:
            raise ValidationError({"data": errors})


class ApplicationsImported(_Data):
    """Up to IMPORT_BATCH_ROWS imported applications' events: history travels in bulk, behind live events."""
    events = fields.List(fields.Nested(ImportedEvent), required=True,
                         validate=validate.Length(min=1, max=IMPORT_BATCH_ROWS * 12))


MAIL_CLASSES = ("rejection", "interview_invitation", "application_received", "offer", "other")


class MailClassified(_Data):
    """A mail the mailbox service read, as the decision it led to (never the mail itself)."""
    message_ref = _text(validate=validate.Length(min=1, max=64))
    classification = _text(validate=validate.OneOf(MAIL_CLASSES))
    confidence = fields.Float(required=True, validate=validate.Range(0, 1))
    application_id = fields.Int(allow_none=True)
    company = _text(required=False, allow_none=True, validate=validate.Length(max=200))
    role = _text(required=False, allow_none=True, validate=validate.Length(max=200))
    received_on = fields.Date(required=True)
    excerpt = _text(validate=validate.Length(max=300))
    # True when the person chose to record mail like this without being asked: the tracker records it.
    auto_record = fields.Bool()


class MailboxFailing(_Data):
    """A connected mailbox has failed to answer for a while; the notifier tells its owner once."""
    reason = _text(validate=validate.Length(max=300))
    failing_since = fields.AwareDateTime(required=True)
    attempts = fields.Int(required=True)


DATA_SCHEMAS: dict[str, type[Schema]] = {
    "user.registered": UserRegistered,
    "user.deleted": UserDeleted,
    "application.created": ApplicationCreated,
    "application.stage_changed": ApplicationStageChanged,
    "application.rejected": ApplicationRejected,
    "application.offer_received": ApplicationOfferReceived,
    "application.feedback_received": ApplicationFeedbackReceived,
    "reflection.prompted": ReflectionPrompted,
    "reflection.completed": ReflectionCompleted,
    "goal.updated": GoalUpdated,
    "win.celebrated": WinCelebrated,
    "checkin.recorded": CheckinRecorded,
    "support.nudge_requested": SupportNudgeRequested,
    "reminder.due": ReminderDue,
    "notification.delivered": NotificationDelivered,
    "application.updated": ApplicationUpdated,
    "application.deleted": ApplicationDeleted,
    "application.archived": ApplicationArchived,
    "application.ghosted": ApplicationGhosted,
    "application.rejection_retracted": ApplicationRejectionRetracted,
    "interview.scheduled": InterviewScheduled,
    "suggestion.offered": SuggestionOffered,
    "insight.generated": InsightGenerated,
    "coaching.withdrawn": CoachingWithdrawn,
    "coach.card_composed": CoachCardComposed,
    "applications.imported": ApplicationsImported,
    "mail.classified": MailClassified,
    "mailbox.failing": MailboxFailing,
}
_SCHEMA_CACHE = {name: schema() for name, schema in DATA_SCHEMAS.items()}


class Envelope(Schema):
    class Meta:
        unknown = RAISE

    id = fields.UUID(required=True)
    type = fields.Str(required=True, validate=validate.OneOf(tuple(DATA_SCHEMAS)))
    version = fields.Int(required=True, validate=validate.Equal(1))
    occurred_at = fields.AwareDateTime(required=True)
    producer = fields.Str(required=True)
    user_id = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    correlation_id = fields.UUID(required=True)
    causation_id = fields.UUID(required=True, allow_none=True)
    data = fields.Dict(required=True)


_ENVELOPE = Envelope()


def validate_event(event: object) -> dict:
    """Return the event unchanged if it is valid, else raise InvalidEvent."""
    if not isinstance(event, dict):
        raise InvalidEvent({"_schema": ["an event is a JSON object"]})
    errors = _ENVELOPE.validate(event)
    if errors:
        raise InvalidEvent(errors)
    data_errors = _SCHEMA_CACHE[event["type"]].validate(event["data"])
    if data_errors:
        raise InvalidEvent({"data": data_errors})
    return event


def make_event(
    type: str,
    *,
    user_id: str,
    data: dict,
    producer: str,
    cause: dict | None = None,
) -> dict:
    """A new, validated event; `cause` is the event this one answers, if any."""
    event_id = str(uuid.uuid4())
    event = {
        "id": event_id,
        "type": type,
        "version": 1,
        "occurred_at": datetime.now(timezone.utc).isoformat(),
        "producer": producer,
        "user_id": user_id,
        "correlation_id": cause["correlation_id"] if cause else event_id,
        "causation_id": cause["id"] if cause else None,
        "data": data,
    }
    return validate_event(event)


__all__ = ["InvalidEvent", "ValidationError", "make_event", "validate_event", "DATA_SCHEMAS"]


def imported_events(event: dict):
    """The events an `applications.imported` batch carries, each as if it had travelled alone."""
    for item in event["data"]["events"]:
        yield {**event, "id": item["id"], "type": item["type"], "data": item["data"], "causation_id": event["id"]}
