"""What the mailbox tests share besides fixtures: the person, and applications the tracker told of."""
from __future__ import annotations

from services.mailbox import handlers
from shared.events import make_event

USER_ID = "user-1"


def know_application(runtime, application_id: int, company: str, role: str, applied_on="2026-10-01",
                     user_id=USER_ID) -> None:
    """The tracker told us about an application (as its event would)."""
    event = make_event("application.created", user_id=user_id, producer="tracker", data={
        "application_id": application_id, "company": company, "role": role, "source": None,
        "role_category": None, "applied_on": applied_on})
    with runtime.sessions.begin() as session:
        handlers.remember_application(session, event)
