"""Coach and notifier handlers on a real database, and their APIs' scoping."""
from datetime import date

import pytest

from services.coach import handlers as coach
from services.coach.texts import reflection_phrasings
from services.notifier import handlers as notifier
from shared.events import make_event


def _event(type_, data, user="alice"):
    return make_event(type_, user_id=user, data=data, producer="test")


def _created(app_id=1, user="alice"):
    return _event("application.created", {
        "application_id": app_id, "company": "Acme", "role": "Engineer", "source": "job_board",
        "role_category": None, "applied_on": date.today().isoformat()}, user)


def _rejected(app_id=1, stage="interview", user="alice"):
    return _event("application.rejected", {
        "application_id": app_id, "company": "Acme", "role": "Engineer", "source": None,
        "stage_reached": stage, "reason": None, "feedback": None,
        "received_on": date.today().isoformat()}, user)


def _apply(runtime, handlers, event):
    with runtime.sessions.begin() as session:
        for handler in handlers[event["type"]]:
            handler(session, event)


def test_first_application_is_a_win_the_second_is_not(make_service):
    svc = make_service("coach")
    _apply(svc.runtime, coach.HANDLERS, _created(1))
    _apply(svc.runtime, coach.HANDLERS, _created(2))
    wins = svc.get("/wins").json["items"]
    assert [w["kind"] for w in wins] == ["first_application"]
    assert svc.outbox_types().count("win.celebrated") == 1


def test_a_rejection_prompts_a_stage_fitting_reflection(make_service):
    svc = make_service("coach")
    _apply(svc.runtime, coach.HANDLERS, _rejected(stage="interview"))
    [reflection] = svc.get("/reflections?status=open").json["items"]
    assert reflection["kind"] == "rejection_interview"
    assert "Acme" in reflection["prompt"]
    assert svc.outbox_types().count("reflection.prompted") == 1
    assert svc.get("/reflections", user="bob").json["items"] == []


def test_answering_a_reflection_closes_it_and_emits_once(make_service):
    svc = make_service("coach")
    _apply(svc.runtime, coach.HANDLERS, _rejected())
    [reflection] = svc.get("/reflections").json["items"]
    assert svc.post(f"/reflections/{reflection['id']}", {"answer": ""}).status_code == 422
    assert svc.post(f"/reflections/{reflection['id']}", {"answer": "ok"}, user="bob").status_code == 404
    done = svc.post(f"/reflections/{reflection['id']}", {"answer": "I rushed it", "mood": 3})
    assert done.status_code == 200 and done.json["status"] == "done"
    svc.post(f"/reflections/{reflection['id']}", {"answer": "edited"})
    types = svc.outbox_types()
    assert (types.count("reflection.prompted"), types.count("reflection.completed")) == (1, 1)
    assert svc.get("/reflections?status=open").json["items"] == []
    assert svc.get("/reflections?status=maybe").status_code == 422


def test_the_same_event_always_gets_the_same_words():
    facts = {"company": "Acme", "role": "Engineer"}
    first = reflection_phrasings("screening", None, facts, seed="event-1")
    assert reflection_phrasings("screening", None, facts, seed="event-1") == first
    assert first[0] == "rejection_screening"
    prompts = {reflection_phrasings("applied", None, facts, seed=f"e{i}")[1][0] for i in range(30)}
    assert len(prompts) > 1


def test_notifier_turns_prompts_and_wins_into_inbox_items(make_service):
    svc = make_service("notifier")
    prompt = _event("reflection.prompted", {"reflection_id": 7, "application_id": 1,
                                            "kind": "rejection_resume", "prompt": "How was it?"})
    win = _event("win.celebrated", {"win_id": 1, "kind": "first_application", "title": "First!"})
    _apply(svc.runtime, notifier.HANDLERS, prompt)
    _apply(svc.runtime, notifier.HANDLERS, win)
    items = svc.get("/notifications").json["items"]
    assert [(n["kind"], n["body"]) for n in items] == [("win", "First!"), ("reflection", "How was it?")]
    assert svc.get("/notifications/unread_count").json == {"count": 2}
    assert svc.post(f"/notifications/{items[0]['id']}/read", user="bob").status_code == 404
    assert svc.post(f"/notifications/{items[0]['id']}/read").json["read_at"] is not None
    assert svc.get("/notifications?unread=1").json["items"][0]["kind"] == "reflection"
    assert svc.get("/notifications", user="bob").json["items"] == []


@pytest.mark.parametrize("service", ["coach", "notifier"])
def test_service_lists_need_a_token(make_service, service):
    svc = make_service(service)
    path = "/reflections" if service == "coach" else "/notifications"
    assert svc.get(path, user=None).status_code == 401
