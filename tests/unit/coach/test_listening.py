"""Listening before speaking: what the person already told the coach shapes what it says.

Pure rule checks (a hand-made history) and, where a later answer changes an earlier card, the
handlers on a real SQLite database.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from services.coach import handlers as coach
from services.coach.models import Card, Suggestion
from services.coach.playbook.conditions import DISTRESS
from services.coach.playbook.engine import evaluate
from services.coach.playbook.loader import load_playbook
from services.coach.playbook.snapshot import App, Mood, Snapshot
from services.coach.texts import PROMPTS
from shared.events import make_event
from shared.worker import run_handlers

NOW = datetime(2026, 3, 11, 12, 0)
PLAYBOOK = load_playbook()


def rejected(reason=None, feedback=None, stage="applied", app_id=1, company="Acme", at=NOW):
    event = make_event("application.rejected", user_id="alice", producer="test", data={
        "application_id": app_id, "company": company, "role": "Analyst", "source": None, "stage_reached": stage,
        "reason": reason, "feedback": feedback, "received_on": at.date().isoformat()})
    event["occurred_at"] = at.isoformat() + "+00:00"
    return event


def actions(event, snap=None):
    return evaluate(event, snap or Snapshot("alice", apps=(App(1, rejected_on=NOW.date()),)), NOW, PLAYBOOK)


def rules(event, snap=None) -> set[str]:
    return {a.rule_id for a in actions(event, snap)}


# --- the distress word list -------------------------------------------------------------------------

@pytest.mark.parametrize("note", [
    "What's the point of any of this", "what’s the point", "I feel hopeless", "There's no point in trying",
    "I can't go on like this", "i cant do this anymore", "Sometimes I want to disappear",
    "everyone would be better off without me", "I've thought about hurting myself", "thinking of self-harm",
    "I want to end it all", "I feel worthless", "nothing to live for", "I don't want to be here",
    "suicidal thoughts again",
])
def test_words_of_hopelessness_or_self_harm_are_heard_in_many_phrasings(note):
    assert DISTRESS.search(note)


@pytest.mark.parametrize("note", [
    "Tired but fine", "The interview was pointed and tough", "I want to end the week with a walk",
    "Hard to keep going some days", "I hope they reply", "no pointers from them",
])
def test_everyday_words_are_not_mistaken_for_distress(note):
    assert not DISTRESS.search(note)


def test_distress_in_a_note_brings_the_support_pointer_first_never_by_email(make_service):
    svc = make_service()
    assert svc.post("/checkins", {"mood": 1, "note": "I'm such a failure. What's the point"}).status_code == 201
    [event] = svc.outbox_events("checkin.recorded")
    run_handlers(svc.runtime.sessions, coach.HANDLERS[event["type"]], event)
    [card] = svc.outbox("coach.card_composed")
    assert card["sections"][0]["kind"] == "safety" and card["urgency"] == "high" and card["email"] == "never"
    assert svc.runtime.settings.support_resources_text in card["sections"][0]["body"]
    assert all("failure" not in s["body"] and "point" not in s["title"] for s in card["sections"])
    assert {s["kind"] for s in card["sections"]} <= {"safety", "feelings", "selfcare"}


# --- the rejection form -------------------------------------------------------------------------------

def test_feedback_given_with_the_rejection_is_not_asked_for_and_is_named_as_received():
    given = actions(rejected(stage="interview", feedback="More SQL, please"))
    assert "rejection.feedback_request" not in {a.rule_id for a in given}
    [win] = [a for a in given if a.type == "win"]
    assert win.title.startswith("Feedback received from Acme") and "nerve" not in win.title
    assert "rejection.feedback_request" in rules(rejected(stage="interview"))


def test_a_mood_just_given_means_no_how_are_you():
    told = Snapshot("alice", moods=(Mood(NOW + timedelta(seconds=2), 2),))  # posted with the rejection form
    assert "rejection.feelings_first" not in rules(rejected(), told)
    earlier = Snapshot("alice", moods=(Mood(NOW - timedelta(days=2), 2),))
    assert "rejection.feelings_first" in rules(rejected(), earlier)


@pytest.mark.parametrize("reason", ["position_filled", "internal_candidate", "budget", "position_closed",
                                    "compensation", "location", "no_response"])
def test_reasons_that_are_not_about_the_person_say_so_and_ask_nothing_about_the_resume(reason):
    [reflection] = [a for a in actions(rejected(reason=reason)) if a.type == "reflection"]
    assert reflection.params["kind"] == "rejection_not_about_you"
    assert all(word not in reflection.body.lower() for word in ("résumé", "resume", "tailor", "posting"))
    assert any(v.title in {t for t, _ in PROMPTS["not_about_you"]} for v in reflection.variants)


@pytest.mark.parametrize("reason", ["experience", "skills", "culture_fit", "communication"])
def test_reasons_about_the_fit_get_their_own_prompts(reason):
    [reflection] = [a for a in actions(rejected(reason=reason)) if a.type == "reflection"]
    assert reflection.params["kind"] == f"rejection_{reason}"
    assert {v.body for v in reflection.variants} <= {b.format(company="Acme", role="Analyst") for _, b in
                                                     PROMPTS[reason]}


def test_no_reply_and_withdrawing_each_get_their_own_short_answer():
    ghosted = make_event("application.ghosted", user_id="alice", producer="test", data={
        "application_id": 1, "company": "Acme", "role": "Analyst", "source": None, "stage_reached": "applied",
        "ghosted_on": NOW.date().isoformat()})
    [said] = actions(ghosted)
    assert said.params["kind"] == "ghosted" and "Acme" in said.body
    withdrew = make_event("application.stage_changed", user_id="alice", producer="test", data={
        "application_id": 1, "from_stage": "applied", "to_stage": "withdrawn", "changed_on": NOW.date().isoformat()})
    assert "ended.withdrawn" in rules(withdrew, Snapshot("alice", apps=(App(1, "Acme", "Analyst"),)))


def test_very_low_for_a_while_needs_low_moods_on_three_different_days():
    checkin = make_event("checkin.recorded", user_id="alice", producer="test", data={"mood": 1, "note_present": False})
    one_evening = Snapshot("alice", moods=tuple(Mood(NOW - timedelta(minutes=m), 1) for m in (30, 20, 10, 0)))
    assert "checkin.professional_support" not in rules(checkin, one_evening)
    assert "checkin.self_care" not in rules(checkin, one_evening)  # two low moods, one day: not "running"
    three_days = Snapshot("alice", moods=tuple(Mood(NOW - timedelta(days=d), 2) for d in (6, 3, 0)))
    assert "checkin.professional_support" in rules(checkin, three_days)


# --- later answers settle what was said before ---------------------------------------------------

def _deliver(svc, event):
    return run_handlers(svc.runtime.sessions, coach.HANDLERS[event["type"]], event)


def test_a_checkin_resolves_a_pending_how_are_you(make_service):
    svc = make_service()
    _deliver(svc, rejected(reason="experience", at=NOW - timedelta(days=1)))
    [card] = svc.outbox("coach.card_composed")
    assert "feelings" in [s["kind"] for s in card["sections"]]
    assert svc.post("/checkins", {"mood": 3}).status_code == 201
    checkin = svc.outbox_events("checkin.recorded")[-1]
    checkin["occurred_at"] = NOW.isoformat() + "+00:00"
    _deliver(svc, checkin)
    revised = [c for c in svc.outbox("coach.card_composed") if c["card_id"] == card["card_id"]][-1]
    assert "feelings" not in [s["kind"] for s in revised["sections"]] and "check-in" not in revised["summary"]
    with svc.runtime.sessions() as session:
        assert session.scalars(select(Suggestion.status).where(Suggestion.kind == "checkin")).all() == ["done"]


def test_a_rejection_withdraws_what_no_longer_holds_for_that_application(make_service):
    svc = make_service()
    interview = make_event("interview.scheduled", user_id="alice", producer="test", data={
        "application_id": 1, "round_id": 1, "kind": "onsite", "scheduled_on": NOW.date().isoformat(),
        "company": "Acme", "role": "Analyst"})
    interview["occurred_at"] = (NOW - timedelta(days=2)).isoformat() + "+00:00"
    _deliver(svc, interview)
    with svc.runtime.sessions.begin() as session:  # an interview card shown earlier (as older versions made)
        session.add(Card(card_id="c-interview", user_id="alice", cause_event_id=interview["id"],
                         cause_type="interview.scheduled", application_id=1, title="Interview on the calendar",
                         summary="s", sections=[], status="sent", local_day=NOW.date(),
                         created_at=NOW - timedelta(days=2)))
    _deliver(svc, rejected(stage="interview"))
    [withdrawn] = svc.outbox("coaching.withdrawn")
    assert withdrawn["card_ids"] == ["c-interview"]
    with svc.runtime.sessions() as session:  # and "booked an interview with Acme" is not told after Acme's no
        assert not session.scalars(select(Card).where(Card.status == "noted")).all()


def stage_changed(to_stage, at, app_id=1):
    event = make_event("application.stage_changed", user_id="alice", producer="test", data={
        "application_id": app_id, "from_stage": "applied", "to_stage": to_stage,
        "changed_on": at.date().isoformat()})
    event["occurred_at"] = at.isoformat() + "+00:00"
    return event


def test_a_rejection_withdraws_the_card_that_cheered_an_interview_stage(make_service):
    svc = make_service()
    _deliver(svc, stage_changed("interview", NOW - timedelta(days=3)))
    [cheer] = svc.outbox("coach.card_composed")
    _deliver(svc, rejected(stage="interview"))
    assert cheer["card_id"] in svc.outbox("coaching.withdrawn")[-1]["card_ids"]


def test_a_stage_change_arriving_after_the_rejection_only_moves_the_furthest_stage(make_service):
    svc = make_service()
    _deliver(svc, rejected(stage="applied"))
    cards_before = len(svc.outbox("coach.card_composed"))
    _deliver(svc, stage_changed("interview", NOW - timedelta(days=1)))
    assert len(svc.outbox("coach.card_composed")) == cards_before
    with svc.runtime.sessions() as session:
        from services.coach.models import ApplicationFact
        fact = session.scalars(select(ApplicationFact)).one()
        assert (fact.stage, fact.furthest_stage) == ("rejected", "interview")


def test_distress_in_a_reflection_answer_is_heard_too():
    answer = make_event("reflection.completed", user_id="alice", producer="test", data={"reflection_id": 1, "mood": 2})
    heard = Snapshot("alice", current_text="Honestly I feel like giving up, what is the point")
    said = actions(answer, heard)
    [safety] = [a for a in said if a.rule_id == "reflection.safety_words"]
    assert safety.params["urgency"] == "high" and "giving up" not in safety.body
    assert "reflection.safety_words" not in rules(answer, Snapshot("alice", current_text="It went fine."))
