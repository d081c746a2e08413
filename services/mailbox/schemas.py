"""What the mailbox API takes and answers; the password is never answered."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from services.mailbox.targets import is_loopback_name

TLS_MODES = ("implicit", "starttls", "none")
MAX_LOOK_BACK_DAYS = 90


class AccountIn(Schema):
    host = fields.Str(required=True, validate=validate.Length(min=1, max=255))
    port = fields.Int(load_default=993, validate=validate.Range(1, 65535))
    tls = fields.Str(load_default="implicit", validate=validate.OneOf(TLS_MODES))
    username = fields.Str(required=True, validate=validate.Length(min=1, max=320))
    password = fields.Str(required=True, load_only=True, validate=validate.Length(min=1, max=500))
    folders = fields.List(fields.Str(validate=validate.Length(min=1, max=255)), load_default=lambda: ["INBOX"],
                          validate=validate.Length(min=1, max=20))
    look_back_days = fields.Int(load_default=0, validate=validate.Range(
        0, MAX_LOOK_BACK_DAYS, error="Choose between 0 and 90 days."))
    auto_record_above = fields.Float(load_default=None, allow_none=True, validate=validate.Range(0.5, 1.0))

    @validates("host")
    def _plain_host(self, value: str, **_kw) -> None:
        if any(c.isspace() for c in value) or "/" in value or ":" in value.strip("[]"):
            raise ValidationError("Just the server's name, like imap.example.com.")

    @validates_schema
    def _no_plain_text_over_the_network(self, data, **_kw) -> None:
        if data.get("tls") == "none" and not is_loopback_name(data.get("host", "")):
            raise ValidationError({"tls": ["Without TLS your password would cross the network "
                                           "unprotected. Choose TLS or STARTTLS."]})


class SettingsPatch(Schema):
    auto_record_above = fields.Float(allow_none=True, validate=validate.Range(0.5, 1.0))
    folders = fields.List(fields.Str(validate=validate.Length(min=1, max=255)),
                          validate=validate.Length(min=1, max=20))


class AccountOut(Schema):
    host = fields.Str()
    port = fields.Int()
    tls = fields.Str()
    username = fields.Str()
    folders = fields.List(fields.Str())
    start_on = fields.Date()
    status = fields.Str()
    auto_record_above = fields.Float(allow_none=True)
    last_checked_at = fields.DateTime(allow_none=True)
    last_error = fields.Str(allow_none=True)
    failing_since = fields.DateTime(allow_none=True)


class ProposalOut(Schema):
    id = fields.Int()
    classification = fields.Str()
    confidence = fields.Float()
    application_id = fields.Int(allow_none=True)
    company = fields.Str(allow_none=True)
    role = fields.Str(allow_none=True)
    received_on = fields.Date()
    excerpt = fields.Str()
    status = fields.Str()
    created_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)


class AcceptIn(Schema):
    # The application the frontend recorded it on (a new one for "new application?").
    application_id = fields.Int(load_default=None, allow_none=True, validate=validate.Range(min=1))


account_in, settings_patch, accept_in = AccountIn(), SettingsPatch(), AcceptIn()
account_out, proposal_out = AccountOut(), ProposalOut()
