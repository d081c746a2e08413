"""What the notifier's API takes and answers."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates, validates_schema

from services.notifier.channels.apprise import understood
from services.notifier.preferences import KINDS, MODES
from services.notifier.support_network import RELATIONSHIPS
from services.notifier.topics import DIGEST, SAFETY, TOPICS
from shared.strict_fields import StrictBool
from shared.web import MAX_ROW_ID

HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
FREQUENCIES = {"daily": 1, "weekly": 7, "fortnightly": 14, "monthly": 30}
_hhmm = validate.Regexp(HHMM, error="Use 24-hour HH:MM, like 21:30.")


class _In(Schema):
    class Meta:
        unknown = RAISE


def _check_web_url(value: str) -> None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError("Must be an http:// or https:// URL.")


class NotificationOut(Schema):
    id = fields.Int()
    kind = fields.Str()
    severity = fields.Str()
    title = fields.Str()
    body = fields.Str()
    link = fields.Str(allow_none=True)
    # A coach card's sections; None where the item has none (or the column is not there yet).
    sections = fields.Function(lambda n: getattr(n, "sections", None), allow_none=True)
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)
    archived_at = fields.DateTime(allow_none=True)


class DeliveryOut(Schema):
    id = fields.Int()
    channel_id = fields.Int(allow_none=True)
    supporter_id = fields.Int(allow_none=True)
    purpose = fields.Str()
    state = fields.Str()
    attempts = fields.Int()
    last_error = fields.Str(allow_none=True)
    not_before = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class ChannelIn(_In):
    kind = fields.Str(required=True, validate=validate.OneOf(("email", "apprise", "webhook")))
    target = fields.Str(required=True, validate=validate.Length(min=3, max=2000))
    label = fields.Str(validate=validate.Length(max=100))

    @validates_schema
    def _target_fits_kind(self, data, **_kw):
        kind, target = data.get("kind"), data.get("target", "")
        try:
            if kind == "email":
                fields.Email().deserialize(target)
            elif kind == "webhook":
                _check_web_url(target)
            elif kind == "apprise" and not understood(target):
                raise ValidationError("Apprise doesn't recognise this URL.")
        except ValidationError as exc:
            raise ValidationError({"target": exc.messages if isinstance(exc.messages, list)
                                   else [str(exc.messages)]}) from None


class ChannelOut(Schema):
    id = fields.Int()
    kind = fields.Str()
    label = fields.Str(allow_none=True)
    target = fields.Str(attribute="masked")
    is_account_email = StrictBool()
    verified = fields.Function(lambda c: c.verified_at is not None or c.kind != "email" or c.is_account_email)
    paused = fields.Function(lambda c: c.paused_at is not None)
    paused_at = fields.DateTime(allow_none=True)
    paused_reason = fields.Str(allow_none=True)
    consecutive_failures = fields.Int()
    created_at = fields.DateTime()


class KindChoiceIn(_In):
    # channel ids: a number no id column can hold names no channel (refused, not a 500)
    channels = fields.List(fields.Int(strict=True, validate=validate.Range(min=1, max=MAX_ROW_ID)), allow_none=True)
    mode = fields.Str(validate=validate.OneOf(MODES))


class QuietHoursIn(_In):
    start = fields.Str(required=True, validate=_hhmm)
    end = fields.Str(required=True, validate=_hhmm)


class PreferencesIn(_In):
    kinds = fields.Dict(keys=fields.Str(validate=validate.OneOf(KINDS)), values=fields.Nested(KindChoiceIn))
    quiet_hours = fields.Nested(QuietHoursIn, allow_none=True)
    topics = fields.Dict(keys=fields.Str(validate=validate.OneOf(TOPICS)),
                         values=fields.Str(validate=validate.OneOf(MODES)))
    digest_time = fields.Str(validate=_hhmm)
    nudges_enabled = StrictBool()
    share_good_news = StrictBool()

    @validates("topics")
    def _safety_never_waits(self, value, **_kw):
        if value.get(SAFETY) == DIGEST:
            raise ValidationError("Safety notes are never held for a digest: choose right away or off.")


class SupporterIn(_In):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=100))
    relationship = fields.Str(required=True, validate=validate.OneOf(RELATIONSHIPS))
    email = fields.Email(allow_none=True)
    apprise_url = fields.Str(allow_none=True, validate=validate.Length(max=2000))
    share_details = StrictBool()
    max_frequency = fields.Str(validate=validate.OneOf(tuple(FREQUENCIES)))
    nudges_enabled = StrictBool()

    @validates("apprise_url")
    def _apprise(self, value, **_kw):
        if value and not understood(value):
            raise ValidationError("Apprise doesn't recognise this URL.")

    @validates_schema
    def _one_way_to_reach(self, data, partial=False, **_kw):
        if partial:
            return
        if bool(data.get("email")) == bool(data.get("apprise_url")):
            message = ["Give either an e-mail address or an Apprise URL (one of them)."]
            raise ValidationError({"email": message, "apprise_url": message})


def _frequency(supporter) -> str:
    by_days = {days: name for name, days in FREQUENCIES.items()}
    return by_days.get(supporter.min_days_between, f"every {supporter.min_days_between} days")


class SupporterOut(Schema):
    id = fields.Int()
    name = fields.Str()
    relationship = fields.Str()
    email = fields.Str(allow_none=True)
    apprise_url = fields.Str(allow_none=True, attribute="apprise_masked")
    share_details = StrictBool()
    max_frequency = fields.Function(_frequency)
    nudges_enabled = StrictBool()
    status = fields.Str()
    invited_at = fields.DateTime()
    confirmed_at = fields.DateTime(allow_none=True)
    unsubscribed_at = fields.DateTime(allow_none=True)
    last_nudged_at = fields.DateTime(allow_none=True)


notification_out = NotificationOut()
delivery_out = DeliveryOut()
channel_in, channel_out = ChannelIn(), ChannelOut()
preferences_in = PreferencesIn()
supporter_in, supporter_out = SupporterIn(), SupporterOut()
