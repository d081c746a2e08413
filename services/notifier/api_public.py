"""Answers by signed link, with no sign-in: supporters confirm or unsubscribe, and the
person switches one topic of e-mail off (RFC 8058 one-click, see `topic_off`).

Served as its own small app under /public (see api.create_app), so the
internal-token check never applies to it. The frontend renders the pages:
GET tells it what to show (without changing anything, so link scanners in
mail systems cannot confirm on someone's behalf); POST records the answer.
Every bad link answers 410 with reason "invalid" or "expired".
"""
from __future__ import annotations

from datetime import timezone

from flask import Blueprint, Flask, g, request

from services.notifier import clock, links, preferences, topics
from services.notifier.models import Channel, Preferences, Recipient, Supporter
from shared.web import error_response, install_json_errors

PREFIX = "/public"
bp = Blueprint("public", __name__)


class _Refused(Exception):
    def __init__(self, reason: str):
        self.reason = reason


def _supporter(session, purpose: str, token: str) -> Supporter:
    try:
        claim = links.read_token(g.runtime.settings.secret_key, purpose, token,
                                 now_ts=clock.now().replace(tzinfo=timezone.utc).timestamp())
    except links.BadLink as exc:
        raise _Refused(exc.reason) from None
    supporter = session.get(Supporter, claim.supporter_id)
    if supporter is None or supporter.nonce != claim.nonce:
        raise _Refused("invalid")
    return supporter


def _view(session, supporter: Supporter) -> dict:
    recipient = session.get(Recipient, supporter.user_id)
    return {"status": supporter.status, "supporter_name": supporter.name,
            "person_name": (recipient and recipient.display_name) or "Someone you know"}


@bp.get("/supporters/confirm/<token>")
@bp.get("/supporters/unsubscribe/<token>")
def look(token: str):
    """What the page should show for this link; changes nothing."""
    purpose = links.CONFIRM if "/confirm/" in request.path else links.UNSUBSCRIBE
    with g.runtime.sessions() as session:
        supporter = _supporter(session, purpose, token)
        if purpose == links.CONFIRM and supporter.status == "unsubscribed":
            raise _Refused("invalid")
        return {"valid": True, **_view(session, supporter)}


@bp.post("/supporters/confirm/<token>")
def confirm(token: str):
    """Yes: the supporter agrees to hear from us now and then."""
    with g.runtime.sessions.begin() as session:
        supporter = _supporter(session, links.CONFIRM, token)
        if supporter.status == "unsubscribed":
            raise _Refused("invalid")
        if supporter.status == "invited":
            supporter.status, supporter.confirmed_at = "confirmed", clock.now()
        return {"valid": True, **_view(session, supporter)}


@bp.post("/supporters/unsubscribe/<token>")
def unsubscribe(token: str):
    """No more messages to this supporter, in one click."""
    with g.runtime.sessions.begin() as session:
        supporter = _supporter(session, links.UNSUBSCRIBE, token)
        if supporter.status != "unsubscribed":
            supporter.status, supporter.unsubscribed_at = "unsubscribed", clock.now()
        return {"valid": True, **_view(session, supporter)}


def _topic_claim(token: str) -> links.TopicClaim:
    try:
        claim = links.read_topic_token(g.runtime.settings.secret_key, token,
                                       now_ts=clock.now().replace(tzinfo=timezone.utc).timestamp())
    except links.BadLink as exc:
        raise _Refused(exc.reason) from None
    if claim.topic not in topics.LABELS:
        raise _Refused("invalid")
    return claim


def _topic_view(prefs, topic: str) -> dict:
    modes = topics.modes(prefs.topic_modes)
    on = (any(mode == topics.DIGEST for mode in modes.values()) if topic == topics.DIGEST_LETTER
          else modes[topic] != topics.OFF)
    return {"valid": True, "topic": topic, "label": topics.LABELS[topic], "on": on}


@bp.get("/mail/unsubscribe/<token>")
def look_topic(token: str):
    """Which topic this link switches off, and whether it is still on; changes nothing."""
    claim = _topic_claim(token)
    with g.runtime.sessions() as session:
        if session.get(Recipient, claim.user_id) is None:
            raise _Refused("invalid")  # the account is gone
        prefs = session.get(Preferences, claim.user_id) or preferences.defaults(claim.user_id)
        return _topic_view(prefs, claim.topic)


@bp.post("/mail/unsubscribe/<token>")
def topic_off(token: str):
    """Switch the topic off (the digest: every topic that waits for it); the inbox keeps everything."""
    claim = _topic_claim(token)
    with g.runtime.sessions.begin() as session:
        if session.get(Recipient, claim.user_id) is None:
            raise _Refused("invalid")
        prefs = preferences.get(session, claim.user_id)
        prefs.topic_modes = topics.unsubscribed(prefs.topic_modes, claim.topic)
        return _topic_view(prefs, claim.topic)


def _channel(session, token: str) -> Channel:
    try:
        claim = links.read_token(g.runtime.settings.secret_key, links.VERIFY_CHANNEL, token,
                                 now_ts=clock.now().replace(tzinfo=timezone.utc).timestamp())
    except links.BadLink as exc:
        raise _Refused(exc.reason) from None
    channel = session.get(Channel, claim.supporter_id)
    if channel is None or channel.verify_nonce is None or channel.verify_nonce != claim.nonce:
        raise _Refused("invalid")
    return channel


@bp.get("/channels/verify/<token>")
def look_at_channel(token: str):
    """Whether this address-confirmation link is good; changes nothing (mail scanners open links)."""
    with g.runtime.sessions() as session:
        channel = _channel(session, token)
        return {"valid": True, "verified": channel.verified_at is not None}


@bp.post("/channels/verify/<token>")
def verify_channel(token: str):
    """The address's owner agrees: messages may go there from now on."""
    with g.runtime.sessions.begin() as session:
        channel = _channel(session, token)
        if channel.verified_at is None:
            channel.verified_at = clock.now()
        return {"valid": True, "verified": True}


def create_public_app(runtime) -> Flask:
    app = Flask(__name__)
    install_json_errors(app)

    @app.errorhandler(_Refused)
    def _refused(exc: _Refused):
        message = ("This link has expired." if exc.reason == "expired"
                   else "This link is not valid.")
        return error_response(410, exc.reason, message)

    @app.before_request
    def _attach_runtime():
        g.runtime = runtime

    app.register_blueprint(bp)
    return app
