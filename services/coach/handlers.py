"""The coach's answers to events: one function per event type, rows + events out."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.coach.models import ApplicationFact, Profile, Reflection, Win, metadata
from services.coach.prompts import WIN_TITLES, reflection_for
from shared.erasure import erase_user_rows
from shared.outbox import emit

PRODUCER = "coach"
REFLECTION_STREAK = 3


def remember_user(session: Session, event: dict) -> None:
    data = event["data"]
    profile = session.get(Profile, event["user_id"]) or Profile(user_id=event["user_id"])
    profile.display_name, profile.timezone = data["display_name"], data["timezone"]
    session.add(profile)


def note_application(session: Session, event: dict) -> None:
    """Remember the application; celebrate the very first one."""
    data, user_id = event["data"], event["user_id"]
    fact = _fact(session, user_id, data["application_id"])
    if fact is None:
        session.add(ApplicationFact(
            user_id=user_id, application_id=data["application_id"], company=data["company"],
            role=data["role"], source=data["source"], role_category=data["role_category"],
            stage="applied", applied_on=data["applied_on"] and date.fromisoformat(data["applied_on"]),
        ))
        session.flush()
    count = session.scalar(select(func.count()).select_from(ApplicationFact).where(
        ApplicationFact.user_id == user_id))
    if count == 1:
        celebrate(session, event, "first_application", key="",
                  title=WIN_TITLES["first_application"].format(**data))


def note_stage_change(session: Session, event: dict) -> None:
    fact = _fact(session, event["user_id"], event["data"]["application_id"])
    if fact is not None:
        fact.stage = event["data"]["to_stage"]


def celebrate_offer(session: Session, event: dict) -> None:
    data = event["data"]
    celebrate(session, event, "offer", key=str(data["application_id"]),
              title=WIN_TITLES["offer"].format(**data))


def prompt_reflection(session: Session, event: dict) -> None:
    """After a rejection: a reflection prompt fitted to the stage it came at."""
    data, user_id = event["data"], event["user_id"]
    fact = _fact(session, user_id, data["application_id"])
    if fact is not None:
        fact.stage = "rejected"
    kind, prompt = reflection_for(data["stage_reached"], data["company"], data["role"], seed=event["id"])
    reflection = Reflection(user_id=user_id, application_id=data["application_id"], kind=kind,
                            prompt=prompt, source_event_id=event["id"])
    session.add(reflection)
    session.flush()
    emit(session, "reflection.prompted", user_id=user_id, producer=PRODUCER, cause=event, data={
        "reflection_id": reflection.id, "application_id": data["application_id"],
        "kind": kind, "prompt": prompt,
    })


def count_reflection_streak(session: Session, event: dict) -> None:
    answered = session.scalar(select(func.count()).select_from(Reflection).where(
        Reflection.user_id == event["user_id"], Reflection.status == "done"))
    if answered == REFLECTION_STREAK:
        celebrate(session, event, "reflection_streak", key=str(REFLECTION_STREAK),
                  title=WIN_TITLES["reflection_streak"].format(count=answered))


def celebrate(session: Session, cause: dict, kind: str, key: str, title: str) -> Win | None:
    """Record a win once per (user, kind, key) and announce it."""
    exists = session.scalar(select(Win.id).where(
        Win.user_id == cause["user_id"], Win.kind == kind, Win.key == key))
    if exists:
        return None
    win = Win(user_id=cause["user_id"], kind=kind, key=key, title=title)
    session.add(win)
    session.flush()
    emit(session, "win.celebrated", user_id=cause["user_id"], producer=PRODUCER, cause=cause,
         data={"win_id": win.id, "kind": kind, "title": title})
    return win


def _fact(session: Session, user_id: str, application_id: int) -> ApplicationFact | None:
    return session.scalar(select(ApplicationFact).where(
        ApplicationFact.user_id == user_id, ApplicationFact.application_id == application_id))


def erase_user(session: Session, event: dict) -> None:
    """Forget everything about a person who deleted their account."""
    erase_user_rows(session, metadata, event["user_id"])


HANDLERS = {
    "user.registered": [remember_user],
    "user.deleted": [erase_user],
    "application.created": [note_application],
    "application.stage_changed": [note_stage_change],
    "application.offer_received": [celebrate_offer],
    "application.rejected": [prompt_reflection],
    "reflection.completed": [count_reflection_streak],
}
