"""Turning a delivery row into a Target and a Message, at the moment of sending.

Secrets are decrypted only here, and supporters are checked once more: an
invitation goes only to someone still invited, anything else only to someone
who confirmed. Signed links are made here too, so handlers need no keys: every
message to the person carries a link to their notification settings and a
one-click link that switches its topic off. A topic switched off after the
message was queued (say, by that link) stops it here.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from services.notifier import links, preferences, topics
from services.notifier.channels.message import Message, Target
from services.notifier.models import Channel, Delivery, Notification, Preferences, Recipient, Supporter
from services.notifier.secrets_at_rest import decrypt


class NotSendable(Exception):
    """The destination is gone or no longer wants this: cancel, do not retry."""


def channel_target(session: Session, secret_key: str, channel: Channel) -> Target:
    if channel.is_account_email:
        recipient = session.get(Recipient, channel.user_id)
        if recipient is None:
            raise NotSendable("we don't know this account's e-mail address yet")
        return Target("email", recipient.email)
    secret = decrypt(secret_key, channel.secret_encrypted) if channel.secret_encrypted else None
    return Target(channel.kind, decrypt(secret_key, channel.target_encrypted), secret)


def needs_verification(channel: Channel) -> bool:
    """An e-mail channel (other than the account's own address) waiting for its link to be followed."""
    return channel.kind == "email" and not channel.is_account_email and channel.verified_at is None


def _verification(session, settings, channel: Channel, delivery: Delivery, key: str, now: datetime):
    if not needs_verification(channel) or not channel.verify_nonce:
        raise NotSendable("this address is already confirmed")
    token = links.make_token(settings.secret_key, links.VERIFY_CHANNEL, channel.id, channel.verify_nonce,
                             now.replace(tzinfo=timezone.utc).timestamp())
    link = links.channel_link_url(settings.base_url, token)
    message = Message(key=key, subject=delivery.subject, title=delivery.subject, body=delivery.body,
                      text=_text(delivery.body, link, None), link=link, kind="verification",
                      extra={"link_label": "Yes, send my Rebound messages here"})
    return channel_target(session, settings.secret_key, channel), replace(message, owner=channel.user_id)


def supporter_target(secret_key: str, supporter: Supporter) -> Target:
    if supporter.email:
        return Target("email", supporter.email)
    return Target("apprise", decrypt(secret_key, supporter.apprise_encrypted))


def _absolute(base_url: str, link: str | None) -> str | None:
    if link and link.startswith("/"):
        return base_url + link
    return link


def _text(body: str, link: str | None, unsubscribe_url: str | None, settings_url: str | None = None) -> str:
    parts = [body]
    if link:
        parts.append(link)
    if settings_url:
        parts.append(f"Choose what reaches you, and when: {settings_url}")
    elif unsubscribe_url:
        parts.append(f"Don't want these messages? One click stops them: {unsubscribe_url}")
    return "\n\n".join(parts)


def _to_the_person(session: Session, settings, delivery: Delivery, now: datetime) -> Message:
    """A message on the person's own channel, with their settings and one-click links."""
    notification = session.get(Notification, delivery.notification_id) if delivery.notification_id else None
    kind, severity = (notification.kind, notification.severity) if notification else ("system", "info")
    topic = topics.of(kind, severity)
    prefs = session.get(Preferences, delivery.user_id) or preferences.defaults(delivery.user_id)
    if topics.mode_of(prefs.topic_modes, topic) == topics.OFF:
        raise NotSendable(f"{topics.LABELS[topic]} were switched off")
    now_ts = now.replace(tzinfo=timezone.utc).timestamp()
    unsubscribe = links.topic_off_url(settings.base_url, links.make_topic_token(
        settings.secret_key, delivery.user_id, topic, now_ts))
    settings_url = links.settings_url(settings.base_url)
    link = _absolute(settings.base_url, delivery.link)
    return Message(key=f"rebound:{delivery.dedupe_key}", subject=delivery.subject, title=delivery.subject,
                   body=delivery.body, text=_text(delivery.body, link, None, settings_url), link=link,
                   kind=kind, severity=severity, unsubscribe_url=unsubscribe, one_click=True,
                   settings_url=settings_url, extra={"topic_label": topics.LABELS[topic]})


def resolve(session: Session, settings, delivery: Delivery, now: datetime) -> tuple[Target, Message]:
    """What to send where; NotSendable if it must not go out any more."""
    key = f"rebound:{delivery.dedupe_key}"
    if delivery.channel_id is not None:
        channel = session.get(Channel, delivery.channel_id)
        if channel is None or channel.user_id != delivery.user_id:
            raise NotSendable("the channel was removed")
        if delivery.purpose == "verification":
            return _verification(session, settings, channel, delivery, key, now)
        if needs_verification(channel):
            raise NotSendable("waiting for this address to be confirmed")
        message = _to_the_person(session, settings, delivery, now)
        return channel_target(session, settings.secret_key, channel), replace(message, owner=delivery.user_id)
    supporter = session.get(Supporter, delivery.supporter_id)
    wanted = "invited" if delivery.purpose == "invitation" else "confirmed"
    if supporter is None or supporter.user_id != delivery.user_id or supporter.status != wanted:
        raise NotSendable(f"the supporter is not {wanted}")
    now_ts = now.replace(tzinfo=timezone.utc).timestamp()
    unsubscribe = links.link_url(settings.base_url, links.UNSUBSCRIBE, links.make_token(
        settings.secret_key, links.UNSUBSCRIBE, supporter.id, supporter.nonce, now_ts))
    link, extra = None, {}
    if delivery.purpose == "invitation":
        link = links.link_url(settings.base_url, links.CONFIRM, links.make_token(
            settings.secret_key, links.CONFIRM, supporter.id, supporter.nonce, now_ts))
        extra = {"link_label": "Yes, I'd like to help"}
    message = Message(key=key, subject=delivery.subject, title=delivery.subject, body=delivery.body,
                      text=_text(delivery.body, link, unsubscribe), link=link,
                      unsubscribe_url=unsubscribe, kind=delivery.purpose, extra=extra, owner=delivery.user_id)
    return supporter_target(settings.secret_key, supporter), message
