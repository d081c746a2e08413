"""The mailbox service's answers to events: a small copy of the person's applications, and erasure.

The copy (company, role, dates) is what mail is matched against; no other service's
tables are ever read.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import delete
from sqlalchemy.orm import Session

from services.mailbox.models import KnownApplication, metadata
from shared.erasure import erase_user_rows
from shared.events import imported_events


def _known(session: Session, user_id: str, application_id: int) -> KnownApplication | None:
    return session.get(KnownApplication, (user_id, application_id))


def remember_application(session: Session, event: dict) -> None:
    data = event["data"]
    known = _known(session, event["user_id"], data["application_id"]) or KnownApplication(
        user_id=event["user_id"], application_id=data["application_id"])
    known.company, known.role = data["company"][:200], data["role"][:200]
    known.applied_on = date.fromisoformat(data["applied_on"]) if data.get("applied_on") else None
    session.add(known)


def remember_stage(session: Session, event: dict) -> None:
    data = event["data"]
    known = _known(session, event["user_id"], data["application_id"])
    if known is not None:
        known.stage = data["to_stage"]


def remember_rejection(session: Session, event: dict) -> None:
    """A rejected application is not proposed as rejected again."""
    data = event["data"]
    known = _known(session, event["user_id"], data["application_id"]) or KnownApplication(
        user_id=event["user_id"], application_id=data["application_id"])
    known.company, known.role = data["company"][:200], data["role"][:200]
    known.rejected_on, known.stage = date.fromisoformat(data["received_on"]), "rejected"
    session.add(known)


def forget_application(session: Session, event: dict) -> None:
    session.execute(delete(KnownApplication).where(
        KnownApplication.user_id == event["user_id"],
        KnownApplication.application_id == event["data"]["application_id"]))


def erase_user(session: Session, event: dict) -> None:
    """Forget the mailbox, its password, the proposals and the copy of applications."""
    erase_user_rows(session, metadata, event["user_id"])


def remember_imported(session: Session, event: dict) -> None:
    """Imported history (applications.imported): the inner events this service listens to, in order."""
    for inner in imported_events(event):
        for handler in HANDLERS.get(inner["type"], ()):
            handler(session, inner)


HANDLERS = {
    "user.deleted": [erase_user],
    "applications.imported": [remember_imported],
    "application.created": [remember_application],
    "application.stage_changed": [remember_stage],
    "application.rejected": [remember_rejection],
    "application.deleted": [forget_application],
}
