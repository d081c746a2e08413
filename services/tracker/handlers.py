"""The tracker's answers to events: forget people who leave, and record a rejection the
mailbox read when the person lets it."""
from __future__ import annotations

from sqlalchemy.orm import Session

from services.tracker.mail_records import record_mailed_rejection
from services.tracker.models import metadata
from shared.erasure import erase_user_rows


def erase_user(session: Session, event: dict) -> None:
    erase_user_rows(session, metadata, event["user_id"])


HANDLERS = {
    "user.deleted": [erase_user],
    "mail.classified": [record_mailed_rejection],
}
