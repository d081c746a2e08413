"""The coach's answers to events: keep the facts, then let the playbook speak.

Each event type has a fact-keeping handler (what happened) followed by
`run_playbook` (what the coach does about it). Both write in the worker's
transaction; `run_playbook` (speaking.py) loads a snapshot, evaluates, applies.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from services.coach import listening, scheduler
from services.coach.fact_store import known_fact, remember_fact
from services.coach.feedback_tags import tag_feedback
from services.coach.goals import add_progress, week_start
from services.coach.history import occurred_at
from services.coach.models import ApplicationFact, Feedback, Profile, insert_once, metadata
from services.coach.playbook.snapshot import made_at, rank
from services.coach.profiles import settings_of
from services.coach.speaking import run_playbook
from shared.erasure import erase_user_rows
from shared.events import imported_events

ENDINGS = ("rejected", "withdrawn", "ghosted")
UPDATABLE = {"company", "role", "source", "role_category", "contact_name", "contact_email"}


def listen_to_checkin(session: Session, event: dict) -> None:
    listening.resolve_checkin_asks(session, event, occurred_at(event))


def remember_user(session: Session, event: dict) -> None:
    data = event["data"]
    profile = session.get(Profile, event["user_id"]) or Profile(user_id=event["user_id"], disabled_rules=[])
    profile.display_name, profile.timezone = data["display_name"], data["timezone"] or "UTC"
    session.add(profile)
    session.flush()
    scheduler.schedule_user(session, event["user_id"], occurred_at(event))


def note_application(session: Session, event: dict) -> None:
    """Remember the application and count it towards this week's goal if it was sent this week."""
    data, user_id = event["data"], event["user_id"]
    recorded_at, applied_on = occurred_at(event), data["applied_on"] and date.fromisoformat(data["applied_on"])
    tz = _timezone(session, user_id)
    # One round trip: insert unless a fact exists already (a rejection may have arrived first).
    added = session.execute(insert_once(session, ApplicationFact, "user_id", "application_id"), {
        "user_id": user_id, "application_id": data["application_id"], "company": data["company"],
        "role": data["role"], "source": data["source"], "role_category": data["role_category"],
        "stage": "applied", "furthest_stage": "applied", "created_at": made_at(applied_on, recorded_at, tz),
        "applied_on": applied_on,
    }).first()
    if added is None:
        return
    if applied_on is None or applied_on >= week_start(recorded_at, tz):
        add_progress(session, user_id, "applications", 1, recorded_at, cause=event)


def _timezone(session: Session, user_id: str) -> str:
    profile = settings_of(session, user_id)
    return (profile.timezone if profile else None) or "UTC"


def note_update(session: Session, event: dict) -> None:
    fact = _fact(session, event["user_id"], event["data"]["application_id"])
    if fact is None:
        return
    for name, value in event["data"]["changes"].items():
        if name in UPDATABLE and (value is None or isinstance(value, str)):
            if value is not None or name not in ("company", "role"):
                setattr(fact, name, value)


def take_stage_change(session: Session, event: dict) -> None:
    """Keep the stage; speak about it only while it is news."""
    if note_stage_change(session, event):
        run_playbook(session, event)


def note_stage_change(session: Session, event: dict) -> bool:
    """False for a change that arrived after the rejection: no card cheers a step the company has since closed."""
    fact = _fact(session, event["user_id"], event["data"]["application_id"])
    if fact is None:
        return True
    to_stage = event["data"]["to_stage"]
    if fact.stage == "rejected" and to_stage not in ENDINGS:
        # The tracker refuses such a change once a rejection is recorded, so
        # this one happened before it and arrived late: it can only tell us
        # how far the application got.
        if rank(to_stage) > rank(fact.furthest_stage):
            fact.furthest_stage = to_stage
        return False
    _advance(fact, to_stage)
    return True


def note_rejection(session: Session, event: dict) -> None:
    data, user_id = event["data"], event["user_id"]
    fact = _fact(session, user_id, data["application_id"])
    if fact is None:
        fact = remember_fact(session, ApplicationFact(
            user_id=user_id, application_id=data["application_id"], company=data["company"], role=data["role"],
            source=data["source"], stage="applied", furthest_stage="applied", created_at=occurred_at(event)))
        session.add(fact)
    _advance(fact, data["stage_reached"])
    fact.stage, fact.reason, fact.rejection_event_id = "rejected", data["reason"], event["id"]
    fact.rejected_on = date.fromisoformat(data["received_on"])
    if data.get("feedback"):
        _store_feedback(session, event, data["feedback"])
    listening.withdraw_stale_for_rejection(session, event, occurred_at(event))


def note_ghosted(session: Session, event: dict) -> None:
    fact = _fact(session, event["user_id"], event["data"]["application_id"])
    if fact is not None:
        fact.stage = "ghosted"


def note_offer(session: Session, event: dict) -> None:
    fact = _fact(session, event["user_id"], event["data"]["application_id"])
    if fact is not None:
        _advance(fact, "offer")


def note_feedback(session: Session, event: dict) -> None:
    _store_feedback(session, event, event["data"]["feedback"])


def hide_application(session: Session, event: dict) -> None:
    """Deleted or archived applications leave the coach's counts (unarchiving brings them back)."""
    fact = _fact(session, event["user_id"], event["data"]["application_id"])
    if fact is not None:
        fact.hidden = event["type"] == "application.deleted" or bool(event["data"].get("archived"))


def _store_feedback(session: Session, event: dict, text: str) -> None:
    """Once per event: a redelivered event finds its feedback there already."""
    session.execute(insert_once(session, Feedback, "source_event_id"), {
        "user_id": event["user_id"], "application_id": event["data"]["application_id"], "text": text,
        "tags": tag_feedback(text), "source_event_id": event["id"]})


def _advance(fact: ApplicationFact, stage: str) -> None:
    fact.stage = stage
    if rank(stage) > rank(fact.furthest_stage):
        fact.furthest_stage = stage


def _fact(session: Session, user_id: str, application_id: int) -> ApplicationFact | None:
    # Kept for the rest of the event: the playbook and the feedback draft ask for it again.
    return known_fact(session, user_id, application_id)


def erase_user(session: Session, event: dict) -> None:
    """Forget everything about a person who deleted their account."""
    erase_user_rows(session, metadata, event["user_id"])


def absorb_imported(session: Session, event: dict) -> None:
    """Imported history (applications.imported): each inner event, in order, through the
    handlers it would have met travelling alone."""
    for inner in imported_events(event):
        for handler in HANDLERS[inner["type"]]:
            handler(session, inner)


HANDLERS = {
    "user.registered": [remember_user],
    "user.deleted": [erase_user],
    "application.created": [note_application, run_playbook],
    "application.updated": [note_update],
    "application.stage_changed": [take_stage_change],
    "application.offer_received": [note_offer, run_playbook],
    "application.rejected": [note_rejection, run_playbook],
    "application.feedback_received": [note_feedback, run_playbook],
    "application.deleted": [hide_application],
    "application.archived": [hide_application],
    "application.ghosted": [note_ghosted, run_playbook],
    "application.rejection_retracted": [run_playbook],
    "interview.scheduled": [run_playbook],
    "reflection.completed": [run_playbook],
    "checkin.recorded": [listen_to_checkin, run_playbook],
    "applications.imported": [absorb_imported],
}
