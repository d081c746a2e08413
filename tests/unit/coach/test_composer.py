"""The composer: one card per moment, in priority order, without contradictions or repeats."""
from __future__ import annotations

from datetime import timedelta

from services.coach.composer import Budget, Section, Variant, compose


def section(kind: str, *keys: str, rule: str = "r") -> Section:
    keys = keys or (f"{kind}#0",)
    return Section(kind, tuple(Variant(k, f"{k} title", f"{k} body") for k in keys), rule_id=rule)


def kinds(composed) -> list[str]:
    return [s.kind for s in composed.sections]


def test_safety_then_feelings_then_reflection_then_one_step():
    composed = compose([section("next_step"), section("reflection"), section("feelings"), section("win")])
    assert kinds(composed) == ["feelings", "reflection", "next_step", "win"]
    assert kinds(compose([section("reflection"), section("safety", rule="checkin.safety_words")]))[0] == "safety"


def test_only_one_step_a_card_and_the_feedback_draft_is_it():
    composed = compose([section("next_step"), section("feedback"), section("reflection")])
    assert kinds(composed) == ["reflection", "feedback"]
    assert [s.kind for s in composed.dropped] == ["next_step"]


def test_rest_and_one_more_application_are_not_offered_together():
    assert kinds(compose([section("selfcare"), section("next_step"), section("feelings")])) == [
        "feelings", "selfcare"]


def test_someone_in_distress_is_offered_support_not_tasks():
    composed = compose([section("safety", rule="checkin.safety_words"), section("reflection"),
                        section("next_step"), section("goal"), section("selfcare"), section("insight")])
    assert kinds(composed) == ["safety", "selfcare"]


def test_at_most_four_sections_and_one_of_each_kind():
    composed = compose([section("feelings"), section("reflection"), section("reflection", "other#0"),
                        section("selfcare"), section("feedback"), section("win"), section("insight")])
    assert kinds(composed) == ["feelings", "reflection", "selfcare", "feedback"]
    assert len(compose([section("win")] * 2).sections) == 1
    assert len(compose([section(k) for k in ("feelings", "reflection", "win", "goal", "insight")],
                       budget=Budget(max_sections=2)).sections) == 2


def test_a_phrasing_said_within_the_budget_is_said_another_way_or_not_at_all():
    two_ways = section("feelings", "feelings#0", "feelings#1")
    assert composed_key(compose([two_ways], said={"feelings#0"})) == "feelings#1"
    assert compose([two_ways], said={"feelings#0", "feelings#1"}).sections == []
    # Two sections of one card never share a phrasing either.
    same = compose([section("reflection", "x#0"), section("selfcare", "x#0")])
    assert len(same.sections) == 1


def composed_key(composed) -> str:
    return composed.sections[0].text.key


def test_asks_are_spaced_however_many_moments_come_together():
    recent = {"feelings": timedelta(minutes=3), "next_step": timedelta(days=2)}
    composed = compose([section("feelings"), section("next_step"), section("reflection")], since=recent)
    assert kinds(composed) == ["reflection", "next_step"]
    # Safety from the person's own words is never spaced; from a pattern of moods it is.
    words = section("safety", rule="checkin.safety_words")
    pattern = section("safety", rule="checkin.professional_support")
    assert kinds(compose([words], since={"safety": timedelta(hours=1)})) == ["safety"]
    assert kinds(compose([pattern], since={"safety": timedelta(hours=1)})) == []
