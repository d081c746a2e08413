"""A coach card (`coach.card_composed`): one inbox item per moment, however many sections it holds.

The inbox item shows the title and the one-sentence summary, with the sections
beside it where the notifier keeps them. Channels get the sections as plain
paragraphs, unless the card is private or its producer said `email: never`;
a safety card (urgency high) goes out only as a pointer (see inbox.py).
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from services.notifier import inbox

URGENT = "high"
ABOUT_REJECTION = ("application.rejected", "application.ghosted")


def mail_text(data: dict) -> str:
    """The card as plain paragraphs: the summary, then each section's title and words."""
    parts = [data["summary"]]
    for section in data.get("sections") or []:
        lines = [section.get("title") or "", section.get("body") or ""]
        if section.get("link"):
            lines.append(section["link"])
        parts.append("\n".join(line for line in lines if line))
    return "\n\n".join(part for part in parts if part)


def inbox_card(session: Session, event: dict) -> None:
    """One coach card, one inbox item; the same card again revises that item in place."""
    data, user_id = event["data"], event["user_id"]
    ref = f"card:{data['card_id']}"[:64]
    sections = data.get("sections") or []
    if inbox.revise(session, user_id, ref, title=data["title"], body=data["summary"], sections=sections):
        return
    severity = "important" if data.get("urgency") == URGENT else "gentle"
    inbox.notify(
        session, user_id=user_id, kind="coach_card", severity=severity,
        title=data["title"], body=data["summary"], link=f"/inbox#card-{data['card_id']}",
        source_event_id=event["id"], ref=ref, sections=sections,
        about_rejection=data.get("cause_type") in ABOUT_REJECTION,
        # Private writing and safety words never leave the app.
        email=data.get("email"), private=bool(data.get("private")), mail_body=mail_text(data))
