"""Cards on a real database: the day's budget, folding, the day's line, and nothing said twice in 30 days."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import select

from services.coach import handlers as coach
from services.coach.models import Card, SaidText
from services.coach.texts import HEADINGS, PROMPTS, VOICE, WINS
from shared.events import make_event
from shared.worker import run_handlers

NOW = datetime(2026, 3, 11, 9, 0)  # a Wednesday


def _event(type_, data, at):
    event = make_event(type_, user_id="alice", producer="test", data=data)
    event["occurred_at"] = at.isoformat() + "+00:00"
    return event


def _deliver(svc, event):
    run_handlers(svc.runtime.sessions, coach.HANDLERS[event["type"]], event)


def _created(svc, app_id, at):
    _deliver(svc, _event("application.created", {
        "application_id": app_id, "company": f"Co{app_id}", "role": "Analyst", "source": "job_board",
        "role_category": None, "applied_on": at.date().isoformat()}, at))


def _rejected(svc, app_id, at, stage="applied", reason=None):
    _deliver(svc, _event("application.rejected", {
        "application_id": app_id, "company": f"Co{app_id}", "role": "Analyst", "source": None,
        "stage_reached": stage, "reason": reason, "feedback": None, "received_on": at.date().isoformat()}, at))


def _cards(svc, status=None) -> list[Card]:
    with svc.runtime.sessions() as session:
        query = select(Card).where(Card.status != "noted", Card.title != "").order_by(Card.id)  # not notes
        found = list(session.scalars(query if status is None else query.where(Card.status == status)))
        session.expunge_all()
        return found


def test_one_card_per_event_and_at_most_three_shown_a_day(make_service):
    svc = make_service()
    for i in range(5):
        _rejected(svc, i, NOW + timedelta(minutes=i), stage="interview")
    assert len(svc.outbox("coach.card_composed")) == 3
    assert [c.status for c in _cards(svc)] == ["sent", "sent", "sent", "held", "held"]
    assert Counter(c.cause_event_id for c in _cards(svc)).most_common(1)[0][1] == 1
    # The effects still happen for every rejection: a feedback draft and its reminder each.
    assert len(svc.get("/feedback-requests").json["items"]) == 5


def test_held_cards_are_folded_into_the_next_card_shown(make_service):
    svc = make_service()
    _created(svc, 10, NOW - timedelta(days=3))
    for i in range(1, 4):
        _rejected(svc, i, NOW + timedelta(minutes=i))
    _deliver(svc, _event("application.stage_changed", {"application_id": 10, "from_stage": "applied",
                                                       "to_stage": "screening", "changed_on": "2026-03-11"},
                         NOW + timedelta(minutes=5)))  # a first screening call: the day's fourth card, held
    assert [c.status for c in _cards(svc)] == ["sent", "sent", "sent", "sent", "held"]
    _deliver(svc, _event("application.stage_changed", {"application_id": 10, "from_stage": "screening",
                                                       "to_stage": "interview", "changed_on": "2026-03-12"},
                         NOW + timedelta(days=1)))
    card = svc.outbox("coach.card_composed")[-1]
    titles = [s["title"] for s in card["sections"]]
    assert any(t.startswith("Your first screening call") for t in titles), titles
    assert [c.status for c in _cards(svc)] == ["sent", "sent", "sent", "sent", "folded", "sent"]


def test_small_wins_become_one_line_in_the_next_card(make_service):
    svc = make_service()
    for i in range(1, 4):
        _created(svc, i, NOW + timedelta(hours=i))
    assert len(svc.outbox("coach.card_composed")) == 1  # the first application's win, nothing for the others
    _deliver(svc, _event("application.stage_changed", {"application_id": 1, "from_stage": "applied",
                                                       "to_stage": "screening", "changed_on": "2026-03-11"},
                         NOW + timedelta(hours=5)))
    [line] = [s for s in svc.outbox("coach.card_composed")[-1]["sections"] if s["title"].startswith("What you did")]
    assert line["title"] == "What you did today, Wednesday 11 March"
    assert line["body"] == "You sent 2 applications (Co2, Co3)."
    assert svc.outbox("suggestion.offered") == []  # no item of their own


def test_the_same_text_is_never_put_in_front_of_a_person_twice_within_thirty_days(make_service):
    """Twenty rejections in thirty days, two a day at most: every phrasing shown is new each time."""
    svc = make_service()
    for i in range(20):
        at = NOW + timedelta(days=i * 1.5)
        _rejected(svc, i, at, stage=("applied", "screening", "interview")[i % 3],
                  reason=(None, "experience", "position_filled", "skills")[i % 4])
        if i % 2:
            assert svc.post("/checkins", {"mood": 2 + i % 2}).status_code == 201
            checkin = svc.outbox_events("checkin.recorded")[-1]
            checkin["occurred_at"] = (at + timedelta(hours=3)).isoformat() + "+00:00"
            _deliver(svc, checkin)
    shown = [(s["title"], s["body"]) for c in svc.outbox("coach.card_composed") for s in c["sections"]]
    firsts = {}
    for card in svc.outbox("coach.card_composed"):
        for s in card["sections"]:
            firsts.setdefault((s["title"], s["body"]), card["card_id"])
    revisions = {c["card_id"] for c in svc.outbox("coach.card_composed")}
    assert len(shown) > 30 and len(revisions) >= 15
    with svc.runtime.sessions() as session:
        said = session.execute(select(SaidText.text_key, SaidText.said_at).order_by(SaidText.said_at)).all()
    last: dict[str, datetime] = {}
    for key, at in said:
        assert key not in last or at - last[key] >= timedelta(days=30), key
        last[key] = at


def test_no_two_texts_share_a_phrasing():
    """Two rules can never say the same words: every phrasing of every text is different."""
    phrasings = [p for options in VOICE.values() for p in options]
    phrasings += [p for options in PROMPTS.values() for p in options]
    assert len(phrasings) == len(set(phrasings))
    titles = [t for t, _ in phrasings] + [h[0] for h in HEADINGS.values()]
    assert len(titles) == len(set(titles)), [t for t, n in Counter(titles).items() if n > 1]
    assert len(set(WINS.values())) == len(WINS)


def test_the_budgets_are_settings_with_calm_defaults(make_service):
    svc = make_service()
    assert svc.get("/settings").json["coach_budget"] == {"max_sections": 4, "cards_per_day": 3, "repeat_days": 30}
    assert svc.patch("/settings", {"coach_budget": {"cards_per_day": 0}}).status_code == 422
    assert svc.patch("/settings", {"coach_budget": {"cards_per_day": 1}}).json["coach_budget"]["cards_per_day"] == 1
    for i in range(2):
        _rejected(svc, i, NOW + timedelta(minutes=i))
    assert len(svc.outbox("coach.card_composed")) == 1  # the second waits for tomorrow's card


def test_a_card_opens_with_what_happened_in_one_sentence_and_no_list_of_its_parts(make_service):
    svc = make_service()
    _rejected(svc, 1, NOW, stage="interview", reason="experience")
    [card] = svc.outbox("coach.card_composed")
    assert card["summary"] == "Co1 won't be going ahead with Analyst."
    assert len(card["sections"]) >= 2
