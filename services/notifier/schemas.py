"""What the notifier's API answers."""
from __future__ import annotations

from marshmallow import Schema, fields


class NotificationOut(Schema):
    id = fields.Int()
    kind = fields.Str()
    severity = fields.Str()
    title = fields.Str()
    body = fields.Str()
    link = fields.Str()
    created_at = fields.DateTime()
    read_at = fields.DateTime()


notification_out = NotificationOut()
