"""Channels: create, list, send a test, pause, resume, delete."""
from __future__ import annotations

import secrets
import uuid

from flask import Blueprint, current_app, g
from sqlalchemy import select, update

from services.notifier import clock, links, mail_limits
from services.notifier.channels import default_senders
from services.notifier.channels.message import DeliveryFailed, Message
from services.notifier.models import Channel, Delivery
from services.notifier.channels.destinations import refuse_private_target
from services.notifier.outgoing import NotSendable, channel_target, needs_verification
from services.notifier.schemas import channel_in, channel_out
from services.notifier.secrets_at_rest import SecretUnreadable, encrypt, mask, new_signing_key
from shared.web import ApiError, json_body

bp = Blueprint("channels", __name__)
# Tests put their own senders here; otherwise the real ones from settings.
SENDERS_KEY = "notifier.senders"


def get_channel_or_404(session, channel_id: int) -> Channel:
    channel = session.scalar(select(Channel).where(Channel.id == channel_id, Channel.user_id == g.user_id))
    if channel is None:
        raise ApiError(404, "not_found", "We couldn't find that channel.")
    return channel


@bp.get("/channels")
def list_channels():
    """Every channel of the caller, targets masked."""
    with g.runtime.sessions() as session:
        rows = session.scalars(select(Channel).where(Channel.user_id == g.user_id).order_by(Channel.id))
        return {"items": [channel_out.dump(c) for c in rows], "next_cursor": None}


@bp.post("/channels")
def create_channel():
    """Add a channel; a webhook's signing key is shown in this answer only."""
    fields = json_body(channel_in)
    if fields["kind"] != "email":
        refuse_private_target(fields, "target", g.runtime.settings.allow_private_targets)
    key = g.runtime.settings.secret_key
    signing_key = new_signing_key() if fields["kind"] == "webhook" else None
    with g.runtime.sessions.begin() as session:
        now = clock.now()
        channel = Channel(user_id=g.user_id, kind=fields["kind"], label=fields.get("label"),
                          target_encrypted=encrypt(key, fields["target"]),
                          secret_encrypted=encrypt(key, signing_key) if signing_key else None,
                          masked=mask(fields["target"]), created_at=now,
                          verified_at=None if fields["kind"] == "email" else now)
        session.add(channel)
        session.flush()
        if fields["kind"] == "email":
            ask_to_verify(session, channel, fields["target"], now)
        body = channel_out.dump(channel)
    if signing_key:
        body["signing_key"] = signing_key
    return body, 201


@bp.post("/channels/<int:channel_id>/test")
def test_channel(channel_id: int):
    """Send a test message now; the answer says only whether it was delivered, and why not."""
    with g.runtime.sessions.begin() as session:
        channel = get_channel_or_404(session, channel_id)
        if needs_verification(channel):
            return _test_result("This address isn't confirmed yet: follow the link we sent to it first.")
        try:
            target = channel_target(session, g.runtime.settings.secret_key, channel)
        except (NotSendable, SecretUnreadable) as exc:
            return _test_result(str(exc))
        now = clock.now()
        mail_limits.allow(session, g.user_id, target.address, "test", now)
        if target.kind == "email":
            if not mail_limits.room_this_hour(session, g.runtime.settings.mail_per_hour, now):
                return _test_result("We've sent a lot of mail this hour; please try again a little later.")
            mail_limits.record_sent(session, g.user_id, target.address, now)
    message = Message(key=f"rebound:test:{uuid.uuid4().hex}", subject="Rebound test message",
                      title="Rebound test message", kind="system",
                      body="If you can read this, this channel works. Nothing else to do.",
                      text="If you can read this, this channel works. Nothing else to do.", owner=g.user_id,
                      # Asked for by the person themselves: a way to their settings, nothing to stop.
                      settings_url=links.settings_url(g.runtime.settings.base_url))
    senders = current_app.config.get(SENDERS_KEY) or default_senders(g.runtime.settings)
    try:
        senders[target.kind](target, message)
    except DeliveryFailed as exc:  # the senders' reasons name no host, port or network detail
        return _test_result(str(exc))
    return _test_result(None)


def ask_to_verify(session, channel: Channel, address: str, now) -> None:
    """Mail a signed link to a new e-mail address; nothing else goes there until it is followed."""
    mail_limits.allow(session, channel.user_id, address, "verification", now)
    channel.verify_nonce = secrets.token_hex(16)
    session.add(Delivery(
        user_id=channel.user_id, dedupe_key=f"verify:c{channel.id}:{uuid.uuid4().hex}", channel_id=channel.id,
        purpose="verification", subject="Is this where you'd like your Rebound messages?",
        body=("Someone using Rebound, probably you, asked for their messages to come to this address. "
              "If that was you, follow the link below and we'll start. If it wasn't, ignore this "
              "e-mail: nothing more will come."),
        state="pending", not_before=now, created_at=now))


def _test_result(failure: str | None) -> dict:
    return {"ok": failure is None, "result": "delivered" if failure is None else "not delivered",
            "error": failure}


@bp.post("/channels/<int:channel_id>/pause")
def pause_channel(channel_id: int):
    """Stop sending to a channel until it is resumed."""
    with g.runtime.sessions.begin() as session:
        channel = get_channel_or_404(session, channel_id)
        if channel.paused_at is None:
            channel.paused_at, channel.paused_reason = clock.now(), "paused by you"
        return channel_out.dump(channel)


@bp.post("/channels/<int:channel_id>/resume")
def resume_channel(channel_id: int):
    """Send to a paused channel again, starting afresh."""
    with g.runtime.sessions.begin() as session:
        channel = get_channel_or_404(session, channel_id)
        channel.paused_at, channel.paused_reason, channel.consecutive_failures = None, None, 0
        return channel_out.dump(channel)


@bp.delete("/channels/<int:channel_id>")
def delete_channel(channel_id: int):
    """Remove a channel; what was waiting for it is cancelled."""
    with g.runtime.sessions.begin() as session:
        channel = get_channel_or_404(session, channel_id)
        session.execute(update(Delivery).where(
            Delivery.user_id == g.user_id, Delivery.channel_id == channel.id,
            Delivery.state.in_(("pending", "retry", "digest"))).values(
            state="cancelled", last_error="channel removed"))
        session.delete(channel)
    return "", 204
