"""Maya's eight weeks through the real handlers: the budgets hold, nothing contradicts her, and the
transcript of what she saw is written to docs/coaching-transcript.md."""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path

import pytest

from services.notifier import topics

from services.coach.texts import PROMPTS
from tests.scenarios import persona
from tests.scenarios.figures import figures, repeated_texts
from tests.scenarios.transcript import render
from tests.scenarios.world import World

TRANSCRIPT = Path(__file__).resolve().parents[2] / "docs" / "coaching-transcript.md"


@pytest.fixture(scope="module")
def lived(tmp_path_factory):
    patch = pytest.MonkeyPatch()
    world = World(tmp_path_factory.mktemp("maya"), patch, persona.START)
    facts = persona.run(world)
    numbers = figures(world, facts)
    TRANSCRIPT.write_text(render(world.log, persona.START, numbers), encoding="utf-8")
    yield world, facts, numbers
    world.close()
    patch.undo()


def cards(world):
    return [i for i in world.inbox() if i.kind == "coach_card"]


def visible(world):
    return [i for i in world.inbox() if i.archived_at is None]


def test_every_rejection_brings_at_most_one_inbox_item(lived):
    world, facts, numbers = lived
    assert len(facts["rejections"]) == 10
    assert all(n <= 1 for n in numbers["inbox_items_per_rejection"]), numbers["inbox_items_per_rejection"]


def test_at_most_three_coach_items_a_day_and_email_only_as_a_digest_or_an_asked_reminder(lived):
    world, facts, numbers = lived
    per_day = Counter(c.created_at.date() for c in cards(world) if c.severity != "important")
    assert max(per_day.values()) <= 3, per_day
    digests = {i.title for i in world.inbox() if i.kind == "digest"}
    reminders = {i.title for i in world.inbox() if i.kind == "reminder"}
    safety_pointer = {topics.SAFETY_POINTER[0]}  # safety goes out at once, only as a pointer
    allowed = digests | reminders | safety_pointer
    assert all(m.subject in allowed for m in world.mails), [m.subject for m in world.mails]
    mails = defaultdict(int)
    for mail in world.mails:
        mails[mail.at.date()] += 1
    assert max(mails.values(), default=0) <= 2, mails


def test_no_text_is_shown_twice_within_thirty_days(lived):
    world, _, _ = lived
    assert repeated_texts(world.log) == []


def test_feedback_given_with_a_rejection_is_not_asked_for_again(lived):
    world, facts, _ = lived
    [with_feedback] = [r for r in facts["rejections"] if r["feedback"]]
    company = persona.COMPANIES[with_feedback["app"] - 1]
    texts = [f"{s['title']} {s['body']}" for c in cards(world) for s in (c.sections or [])]
    assert not any(f"Ask {company} for feedback" in t for t in texts)
    assert not any("takes nerve" in t for t in texts)
    assert any(f"Feedback received from {company}" in t for t in texts)


def test_a_mood_given_with_a_rejection_leaves_no_how_are_you(lived):
    world, facts, _ = lived
    for rejection in (r for r in facts["rejections"] if r["mood"]):
        company = persona.COMPANIES[rejection["app"] - 1]
        card = next(c for c in cards(world) if c.title in (f"After {company}'s answer", f"After {company}' answer"))
        assert all(s["kind"] != "feelings" for s in card.sections)


def test_a_checkin_resolves_a_pending_how_are_you(lived):
    world, _, _ = lived
    revised = [s for s in world.log if s.what == "revised"]
    assert revised and all(sec["kind"] != "feelings" for s in revised for sec in s.sections)


def test_no_reply_and_withdrawal_each_get_a_short_kind_answer(lived):
    world, facts, _ = lived
    for app_id in facts["ghosted"]:
        assert any(c.title == f"No reply from {persona.COMPANIES[app_id - 1]}" for c in cards(world))
    for app_id in facts["withdrawn"]:
        assert any(c.title == f"You withdrew from {persona.COMPANIES[app_id - 1]}" for c in cards(world))


def test_very_low_for_a_while_needs_several_days(lived):
    world, _, _ = lived
    first_checkin = next(s.at for s in world.log if s.what == "did" and s.title.startswith("Checked in"))
    for seen in world.log:
        if seen.what == "inbox" and any("very low" in f"{s['body']}" for s in seen.sections):
            assert seen.at - first_checkin > timedelta(days=3)


def test_a_distress_note_brings_support_first_and_is_never_emailed(lived):
    world, _, _ = lived
    note_at = next(s.at for s in world.log if s.what == "did" and "What's the point" in s.title)
    card = next(s for s in world.log if s.what == "inbox" and s.at >= note_at)
    assert card.sections[0]["kind"] == "safety" and card.at - note_at < timedelta(minutes=1)
    assert world.settings_resources() in card.sections[0]["body"]
    assert not any(card.title in m.body or "point of any" in m.body for m in world.mails)


def test_a_filled_role_is_not_about_the_person(lived):
    world, facts, _ = lived
    for rejection in (r for r in facts["rejections"] if r["reason"] == "position_filled"):
        company = persona.COMPANIES[rejection["app"] - 1]
        card = next(c for c in cards(world) if c.title == f"After {company}'s answer")
        [reflection] = [s for s in card.sections if s["kind"] == "reflection"]
        assert reflection["title"] in {title for title, _ in PROMPTS["not_about_you"]}
        assert "résumé" not in reflection["body"] and "tailor" not in reflection["body"]


def test_nothing_about_an_interview_stays_after_that_company_said_no(lived):
    world, facts, _ = lived
    for rejection in facts["rejections"]:
        company = persona.COMPANIES[rejection["app"] - 1]
        assert not any("Interview on the calendar" in i.title and company in i.body for i in visible(world))


def test_no_garbled_sentences(lived):
    world, _, _ = lived
    for seen in world.log:
        for text in [seen.title, seen.body] + [s["body"] for s in seen.sections]:
            assert ".:" not in text and "{" not in text and "  " not in text.strip(), text
