"""The tracker's answers to events: it only needs to forget people who leave."""
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
