"""Senders: one function per channel kind, `send(target, message)`, raising DeliveryFailed
(channels/message.py). The dispatcher picks the sender by kind; tests pass their own mapping.
"""
from __future__ import annotations

import functools

from services.notifier.channels import apprise, email, webhook
from services.notifier.channels.message import DeliveryFailed, Message, Sender, Target

# The frontend sends its own mail (frontend/mail.py) with these names from here.
__all__ = ["DeliveryFailed", "Message", "Sender", "Target", "default_senders"]


def default_senders(settings) -> dict[str, Sender]:
    """The real senders, configured from settings."""
    allow = settings.allow_private_targets
    return {
        "email": email.EmailSender(settings.smtp_url, settings.data_dir / "mail", settings.mail_from),
        "apprise": functools.partial(apprise.send, allow_private=allow),
        "webhook": functools.partial(webhook.send, allow_private=allow),
    }
