"""Your support network and how news reaches you: supporters, channels, preferences."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from frontend import panels, service_client
from frontend.login import current_user_id, login_required
from frontend.schemas import REQUIRED, Trimmed
from frontend.views.actions import act, form_payload

bp = Blueprint("network", __name__, url_prefix="/network")

RELATIONSHIPS = {"friend": "Friend", "family": "Family", "peer": "Peer", "mentor": "Mentor", "coach": "Coach"}
FREQUENCIES = {"daily": "At most daily", "weekly": "At most weekly", "fortnightly": "Every two weeks",
               "monthly": "At most monthly"}
CHANNEL_KINDS = {"email": "E-mail", "apprise": "Apprise URL (chat apps)", "webhook": "Webhook"}


class SupporterIn(Schema):
    name = Trimmed(required=True, error_messages=REQUIRED, validate=validate.Length(min=1, max=100))
    relationship = fields.Str(required=True, validate=validate.OneOf(tuple(RELATIONSHIPS)))
    email = fields.Email()
    max_frequency = fields.Str(validate=validate.OneOf(tuple(FREQUENCIES)))

    @validates_schema
    def _needs_address(self, data, **kwargs):
        if not data.get("email"):
            raise ValidationError("Please give their e-mail address.", "email")


class ChannelIn(Schema):
    kind = fields.Str(required=True, validate=validate.OneOf(tuple(CHANNEL_KINDS)))
    target = Trimmed(required=True, error_messages=REQUIRED, validate=validate.Length(min=3, max=2000))
    label = Trimmed(validate=validate.Length(max=100))


def _panel(user_id: str, path: str, key: str) -> dict:
    try:
        return {key: panels.items("notifier", path, user_id), f"{key}_down": False}
    except service_client.ServiceUnavailable:
        return {key: [], f"{key}_down": True}


def _preferences(user_id: str) -> dict:
    try:
        return {"prefs": panels.document("notifier", "/preferences", user_id), "prefs_down": False}
    except service_client.ServiceUnavailable:
        return {"prefs": {}, "prefs_down": True}


@bp.get("")
@login_required
def index():
    """Supporters, channels and preferences on one page."""
    user_id = current_user_id()
    context = panels.gather(lambda: _panel(user_id, "/supporters", "supporters"),
                            lambda: _panel(user_id, "/channels", "channels"),
                            lambda: _preferences(user_id))
    context.update(relationships=RELATIONSHIPS, frequencies=FREQUENCIES,
                   channel_kinds=CHANNEL_KINDS)
    return render_template("network.html", **context)


@bp.post("/supporters")
@login_required
def add_supporter():
    """Invite someone to cheer you on; they confirm from their e-mail."""
    back = url_for(".index") + "#supporters"
    payload, refusal = form_payload(SupporterIn(), back)
    return refusal or act("notifier", "POST", "/supporters", "Invitation sent. It's brave to ask.",
                          back, payload)


@bp.post("/supporters/<int:supporter_id>/<any(resend, remove):action>")
@login_required
def supporter_action(supporter_id: int, action: str):
    back = url_for(".index") + "#supporters"
    if action == "resend":
        return act("notifier", "POST", f"/supporters/{supporter_id}/resend", "Invitation sent again.", back)
    return act("notifier", "DELETE", f"/supporters/{supporter_id}", "Removed from your network.", back)


@bp.post("/channels")
@login_required
def add_channel():
    back = url_for(".index") + "#channels"
    payload, refusal = form_payload(ChannelIn(), back)
    return refusal or act("notifier", "POST", "/channels", "Channel added. Try the test button.",
                          back, payload)


@bp.post("/channels/<int:channel_id>/<any(test, pause, resume, remove):action>")
@login_required
def channel_action(channel_id: int, action: str):
    """Test, pause, resume or remove a channel."""
    back = url_for(".index") + "#channels"
    if action == "remove":
        return act("notifier", "DELETE", f"/channels/{channel_id}", "Channel removed.", back)
    if action == "test":
        reply = service_client.call("notifier", "POST", f"/channels/{channel_id}/test", current_user_id())
        if reply.ok and reply.body.get("ok"):
            flash("Test sent. Check that it arrived.")
        else:
            reason = reply.body.get("error") if reply.ok else None  # a refusal (429...) says its own words
            flash(f"The test didn't get through: {reason}" if isinstance(reason, str)
                  else panels.service_message(reply), "error")
        return redirect(back)
    done = {"pause": "Paused.", "resume": "Resumed."}[action]
    return act("notifier", "POST", f"/channels/{channel_id}/{action}", done, back)


@bp.post("/preferences")
@login_required
def save_preferences():
    """Whether supporters may hear when things are tough, and of good news.

    How news reaches you yourself lives in Settings → Notifications.
    """
    form = request.form
    payload = {"nudges_enabled": form.get("nudges_enabled") == "on",
               "share_good_news": form.get("share_good_news") == "on"}
    return act("notifier", "PATCH", "/preferences", "Saved.", url_for(".index") + "#preferences", payload)
