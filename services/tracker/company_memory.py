"""Company memory: a gentle heads-up before applying again where it recently ended badly."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.tracker.matching import company_key
from services.tracker.models import Application, Rejection

WINDOW = timedelta(days=365)


def recent_endings(session: Session, user_id: str, company: str, today: date | None = None) -> list[dict]:
    """Rejections and ghostings at this company in the last twelve months, oldest first."""
    since = (today or date.today()) - WINDOW
    key = company_key(company)
    if not key:
        return []
    rejected = session.execute(
        select(Rejection.received_on)
        .join(Application, Application.id == Rejection.application_id)
        .where(Application.user_id == user_id, Application.company_key == key,
               Rejection.received_on >= since)
    ).scalars().all()
    ghosted = session.execute(
        select(Application.stage_since)
        .where(Application.user_id == user_id, Application.company_key == key,
               Application.stage == "ghosted", Application.stage_since >= since)
    ).scalars().all()
    endings = [("rejected", d) for d in rejected] + [("ghosted", d) for d in ghosted if d]
    return [{"outcome": outcome, "on": on.isoformat()} for outcome, on in sorted(endings, key=lambda e: e[1])]


def warnings_for(endings: list[dict], company: str) -> list[dict]:
    if not endings:
        return []
    count = len(endings)
    times = "once" if count == 1 else f"{count} times"
    message = (f"A heads-up: an application at {company} ended without a yes {times} in the past "
               "year. Trying again can be exactly right; a quick look back at what you learned there may help.")
    return [{"code": "company_memory", "message": message,
             "dates": [e["on"] for e in endings], "endings": endings}]
