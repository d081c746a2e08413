"""Auto-recorded rejections from the mailbox: only when asked for, only once, only the owner's."""
from __future__ import annotations

from datetime import date

from services.tracker.handlers import HANDLERS
from shared.events import make_event

TODAY = date.today().isoformat()


def mailed(application_id: int, user="alice", auto=True, classification="rejection") -> dict:
    return make_event("mail.classified", user_id=user, producer="mailbox", data={
        "message_ref": "a" * 64, "classification": classification, "confidence": 0.9,
        "application_id": application_id, "company": "Acme", "role": "Engineer",
        "received_on": TODAY, "excerpt": "We have decided to move forward with other candidates.",
        "auto_record": auto})


def handle(tracker, event: dict) -> None:
    with tracker.runtime.sessions.begin() as session:
        for handler in HANDLERS[event["type"]]:
            handler(session, event)


def test_an_auto_recorded_rejection_is_recorded_with_the_mails_date(tracker):
    app = tracker.create()
    handle(tracker, mailed(app["id"]))
    shown = tracker.get(f"/applications/{app['id']}").json
    assert shown["stage"] == "rejected" and shown["rejection"]["received_on"] == TODAY
    [rejected] = tracker.events("application.rejected")
    assert rejected["data"]["received_on"] == TODAY
    handle(tracker, mailed(app["id"]))  # a second mail about it changes nothing
    assert len(tracker.events("application.rejected")) == 1


def test_proposals_that_wait_for_the_person_are_not_recorded(tracker):
    app = tracker.create()
    handle(tracker, mailed(app["id"], auto=False))
    handle(tracker, mailed(app["id"], classification="interview_invitation"))
    assert tracker.get(f"/applications/{app['id']}").json["stage"] != "rejected"


def test_another_persons_application_is_never_touched(tracker):
    app = tracker.create(user="bob")
    handle(tracker, mailed(app["id"], user="alice"))
    assert tracker.get(f"/applications/{app['id']}", user="bob").json["stage"] != "rejected"
