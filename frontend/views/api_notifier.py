"""Public API routes of the notifier: inbox, channels, preferences, supporters.

The supporters' own confirm and unsubscribe links are not here: they carry
no account and are answered by the pages at /supporters/confirm/<token>.
"""
from __future__ import annotations

from frontend.schemas import NotificationQuery
from frontend.views.api import Route, api_blueprint, register


def _notifier(method: str, path: str, summary: str, **options) -> Route:
    return Route(method, path, "notifier", summary, **options)


ROUTES = [
    _notifier("GET", "/notifications", "Notifications (unread=1, archived=1, kind=)",
              query=NotificationQuery(), kind="list"),
    _notifier("GET", "/notifications/unread_count",
              "How many notifications are unread (send If-None-Match; may answer 304)"),
    _notifier("POST", "/notifications/{id}/read", "Mark one notification as read",
              answer_schema="NotificationOut"),
    _notifier("POST", "/notifications/read_all", "Mark every notification as read"),
    _notifier("POST", "/notifications/{id}/archive", "Archive a notification", answer_schema="NotificationOut"),
    _notifier("GET", "/notifications/{id}/deliveries", "Where a notification was sent", kind="list"),
    _notifier("GET", "/channels", "Ways to reach you", kind="list"),
    _notifier("POST", "/channels", "Add a channel (a webhook's signing key is shown once)",
              request_schema="ChannelIn", answer_schema="ChannelOut", status=201),
    _notifier("POST", "/channels/{id}/test", "Send a test message to a channel"),
    _notifier("POST", "/channels/{id}/pause", "Pause a channel", answer_schema="ChannelOut"),
    _notifier("POST", "/channels/{id}/resume", "Resume a channel", answer_schema="ChannelOut"),
    _notifier("DELETE", "/channels/{id}", "Remove a channel", status=204),
    _notifier("GET", "/preferences", "Notification preferences"),
    _notifier("PUT", "/preferences", "Set notification preferences", request_schema="PreferencesIn"),
    _notifier("PATCH", "/preferences", "Change notification preferences", request_schema="PreferencesIn"),
    _notifier("GET", "/supporters", "Your support network", kind="list"),
    _notifier("POST", "/supporters", "Invite a supporter", request_schema="SupporterIn",
              answer_schema="SupporterOut", status=201),
    _notifier("PATCH", "/supporters/{id}", "Change a supporter", request_schema="SupporterIn",
              answer_schema="SupporterOut"),
    _notifier("DELETE", "/supporters/{id}", "Remove a supporter", status=204),
    _notifier("POST", "/supporters/{id}/resend", "Send the invitation again", answer_schema="SupporterOut"),
]

bp = api_blueprint("api_notifier")
register(bp, ROUTES)
