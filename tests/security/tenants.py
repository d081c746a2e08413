"""What the tenant matrix knows: how to give a user one of everything, and a valid body per route.

Each service's SEEDERS entry creates a full set of rows for one user (through
the service's own API where one exists, through its event handlers or models
where rows only come from events) and returns the ids, keyed by the URL
argument that names them. An `<int:...>` argument the matrix does not know
fails the matrix, so a new route cannot slip past it.
"""
from __future__ import annotations

import itertools
import uuid
from datetime import date

from services.coach.models import FeedbackRequest, Goal, Reflection, Suggestion
from services.notifier import handlers as notifier_handlers
from shared.events import make_event
from werkzeug.routing import IntegerConverter

MARKER = "alice-private-7f3a"   # in every text field of A's rows; B must never see it

TODAY = date.today().isoformat()
DETAIL_BODIES = {
    "notes": {"body": f"note {MARKER}"},
    "contacts": {"name": f"Contact {MARKER}", "email": "contact@example.com"},
    "rounds": {"scheduled_on": TODAY, "kind": "phone", "interviewer": f"Pat {MARKER}"},
}


def _created(response, what: str) -> dict:
    assert response.status_code == 201, f"could not create {what}: {response.status_code} {response.get_data(as_text=True)}"
    return response.json


def seed_tracker(svc, user: str) -> dict:
    app = _created(svc.post("/applications", {"company": f"Acme {MARKER}", "role": "Engineer",
                                              "notes": f"notes {MARKER}"}, user=user), "application")
    ids = {"app_id": app["id"]}
    for kind, body in DETAIL_BODIES.items():
        ids[("item_id", kind)] = _created(svc.post(f"/applications/{app['id']}/{kind}", body, user=user), kind)["id"]
    return ids


def seed_coach(svc, user: str) -> dict:
    _created(svc.post("/checkins", {"mood": 2, "note": f"checkin {MARKER}"}, user=user), "check-in")
    _created(svc.post("/efforts", {"kind": "learning", "amount": 1, "what": f"course {MARKER}"}, user=user), "effort")
    _created(svc.post("/wins", {"title": f"win {MARKER}"}, user=user), "win")
    _created(svc.post("/feedback", {"text": f"feedback {MARKER}"}, user=user), "feedback")
    with svc.runtime.sessions.begin() as session:
        # Reflections, proposals, suggestions and drafts only come from events.
        rows = [
            Reflection(user_id=user, application_id=1, kind="rejection_applied", prompt=f"prompt {MARKER}",
                       source_event_id=str(uuid.uuid4())),
            Goal(user_id=user, kind="outreach", title=f"goal {MARKER}", target=3, status="proposed",
                 week_start=date.today(), source_event_id=str(uuid.uuid4())),
            Suggestion(user_id=user, kind="self_care", title=f"suggestion {MARKER}", body=f"body {MARKER}",
                       source_event_id=str(uuid.uuid4())),
            FeedbackRequest(user_id=user, application_id=1, subject=f"subject {MARKER}",
                            body=f"draft {MARKER}", source_event_id=str(uuid.uuid4())),
        ]
        session.add_all(rows)
        session.flush()
        return {"reflection_id": rows[0].id, "goal_id": rows[1].id, "suggestion_id": rows[2].id,
                "draft_id": rows[3].id}


def seed_notifier(svc, user: str) -> dict:
    registered = make_event("user.registered", user_id=user, producer="test", data={
        "email": f"{user}@example.com", "display_name": f"{user} {MARKER}", "timezone": "UTC"})
    prompted = make_event("reflection.prompted", user_id=user, producer="test", data={
        "reflection_id": 7, "application_id": 1, "kind": "rejection_applied", "prompt": f"prompt {MARKER}"})
    with svc.runtime.sessions.begin() as session:
        for event in (registered, prompted):
            for handler in notifier_handlers.HANDLERS[event["type"]]:
                handler(session, event)
    [notification] = svc.get("/notifications", user=user).json["items"]
    channel = _created(svc.post("/channels", {"kind": "email", "target": f"{user}-alt@example.com",
                                              "label": f"label {MARKER}"}, user=user), "channel")
    supporter = _created(svc.post("/supporters", {"name": f"Sam {MARKER}", "relationship": "friend",
                                                  "email": "sam@example.com"}, user=user), "supporter")
    return {"notification_id": notification["id"], "channel_id": channel["id"], "supporter_id": supporter["id"]}


def seed_mailbox(svc, user: str) -> dict:
    """A connected mailbox and a proposal: rows the watcher makes from mail, written directly."""
    from services.mailbox.models import MailAccount, Proposal
    with svc.runtime.sessions.begin() as session:
        session.add(MailAccount(user_id=user, host="imap.example.invalid", port=993, tls="implicit",
                                username=f"{user}-{MARKER}", password_encrypted="not-used", folders=["INBOX"],
                                start_on=date.today()))
        proposal = Proposal(user_id=user, message_ref=uuid.uuid4().hex, classification="rejection",
                            confidence=0.8, application_id=1, company=f"Acme {MARKER}", role="Engineer",
                            received_on=date.today(), excerpt=f"excerpt {MARKER}")
        session.add(proposal)
        session.flush()
        return {"proposal_id": proposal.id}


SEEDERS = {"tracker": seed_tracker, "coach": seed_coach, "notifier": seed_notifier, "mailbox": seed_mailbox}

# A body each route accepts from its owner, so a 404 for the intruder means "not yours", not "bad body".
BODIES = {
    ("tracker", "applications.patch"): {"role": "Staff Engineer"},
    ("tracker", "applications.stage"): {"stage": "screening"},
    ("tracker", "applications.rejection"): {"reason": "experience"},
    ("tracker", "applications.patch_rejection"): {"feedback": "More depth next time"},
    ("coach", "coach.answer_reflection"): {"answer": "It went fine"},
    ("coach", "coach_goals.update_goal"): {"target": 4},
    ("coach", "coach_feedback.update_draft"): {"subject": "Thanks"},
    ("notifier", "supporters.update_supporter"): {"name": "Sam"},
}


def body_for(service: str, endpoint: str, kind: str | None):
    if endpoint == "details.add_item" or endpoint == "details.patch_item":
        return DETAIL_BODIES[kind]
    return BODIES.get((service, endpoint))


# Path arguments that are not ids: every value they take.
CHOICES = {"fmt": ("md", "csv")}


def owns_ids(rule) -> bool:
    """Whether the rule names a row by an integer id."""
    return any(isinstance(c, IntegerConverter) for c in rule._converters.values())


def concrete_calls(service: str, rule, ids: dict):
    """Every (path, kind) a rule stands for, with A's ids filled in.

    Raises LookupError naming an argument the matrix does not know how to fill.
    """
    free = {}
    for arg, converter in rule._converters.items():
        if hasattr(converter, "items"):
            free[arg] = sorted(converter.items)
        elif arg in CHOICES:
            free[arg] = CHOICES[arg]
    for choice in itertools.product(*free.values()):
        values = dict(zip(free, choice))
        kind = values.get("kind")
        for arg in rule.arguments:
            if arg in values:
                continue
            if (arg, kind) in ids:
                values[arg] = ids[(arg, kind)]
            elif arg in ids:
                values[arg] = ids[arg]
            else:
                raise LookupError(f"{service} {rule.rule}: the tenant matrix cannot make a <{arg}> for user A; "
                                  "teach tests/security/tenants.py how")
        yield rule.build(values, append_unknown=False)[1], kind
