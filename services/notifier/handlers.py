"""The notifier's answers to events: each user-facing event becomes an inbox item."""
from __future__ import annotations

from sqlalchemy.orm import Session

from services.notifier.models import Notification, Recipient, metadata
from shared.erasure import erase_user_rows


def remember_recipient(session: Session, event: dict) -> None:
    data = event["data"]
    recipient = session.get(Recipient, event["user_id"]) or Recipient(user_id=event["user_id"])
    recipient.display_name, recipient.email, recipient.timezone = (
        data["display_name"], data["email"], data["timezone"])
    session.add(recipient)


def inbox_reflection(session: Session, event: dict) -> None:
    data = event["data"]
    session.add(Notification(
        user_id=event["user_id"], kind="reflection", severity="gentle",
        title="A moment for you, when you're ready", body=data["prompt"],
        link=f"/reflections#reflection-{data['reflection_id']}", source_event_id=event["id"],
    ))


def inbox_win(session: Session, event: dict) -> None:
    data = event["data"]
    session.add(Notification(
        user_id=event["user_id"], kind="win", severity="celebration",
        title="A win worth noticing", body=data["title"], link="/wins", source_event_id=event["id"],
    ))


def erase_user(session: Session, event: dict) -> None:
    """Forget everything about a person who deleted their account."""
    erase_user_rows(session, metadata, event["user_id"])


HANDLERS = {
    "user.registered": [remember_recipient],
    "user.deleted": [erase_user],
    "reflection.prompted": [inbox_reflection],
    "win.celebrated": [inbox_win],
}
