"""Conditions a rule can ask for: pure functions of (event, snapshot, now).

Each returns None when it does not hold, or a dict of facts (possibly empty)
that the voice may use in its words. `CONDITIONS` names each one with the
parameters it takes (and their types) so the loader can check a playbook.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

from services.coach.playbook import snapshot
from services.coach.playbook.snapshot import INTERVIEW_STAGES, Snapshot, local

Facts = dict | None

# Words that often come with blaming oneself. A heuristic, documented in docs/coaching.md.
SELF_BLAME = re.compile(
    r"\b(my fault|i(?:'m| am) (?:so )?(?:stupid|useless|a failure|not good enough|hopeless|worthless)"
    r"|i failed|i always mess|i ruined|i blew it|i screwed up|i messed up|i'?m the problem"
    r"|i should have known|i'?ll never)\b", re.IGNORECASE)


# Words of hopelessness or self-harm, in several phrasings. Not a diagnosis: a reason to show the
# support-resources pointer at once, first in the card, and never to e-mail the card. docs/coaching.md
# lists them; tests/unit/coach/test_listening.py tries each family.
DISTRESS = re.compile(
    r"\b(what['’]?s the point|what is the point|no point (?:in|to) (?:any|anything|going on|living|trying)"
    r"|pointless|hopeless|no hope|give up on (?:everything|life)|can['’]?t go on|cannot go on|can['’]?t do this anymore"
    r"|(?:want|wish) (?:to|i could) disappear|(?:want|wish) (?:to|i was|i were) (?:die|dead)|better off (?:dead|without me)"
    r"|kill(?:ing)? myself|end (?:it all|my life)|hurt(?:ing)? myself|harm(?:ing)? myself|self[- ]harm"
    r"|suicid\w*|no reason to live|nothing to live for|don['’]?t want to be here|worthless)\b",
    re.IGNORECASE)


def _data(event: dict) -> dict:
    return event.get("data", {})


def stage_reached(event, snap: Snapshot, now, *, stages: list) -> Facts:
    data = _data(event)
    stage = data.get("stage_reached") or data.get("to_stage")
    return {"stage": stage} if stage in stages else None


def first_time_at(event, snap: Snapshot, now, *, stage: str) -> Facts:
    """The event moved an application to `stage`, and no other application had got that far."""
    if _data(event).get("to_stage") != stage:
        return None
    return None if snap.reached_count(stage, excluding=_data(event).get("application_id")) else {}


def rejections_within(event, snap: Snapshot, now, *, days: int, at_least: int | None = None,
                      at_least_setting: bool = False) -> Facts:
    need = snap.nudge_threshold if at_least_setting else (at_least or 1)
    count = snap.rejections_since(now.date() - timedelta(days=days))
    return {"rejections": count, "days": days} if count >= need else None


def _days(moods, tz: str) -> int:
    return len({local(m.at, tz).date() for m in moods})


def low_mood_running(event, snap: Snapshot, now, *, at_most: int, count: int, on_days: int = 1) -> Facts:
    """The last `count` moods were all low, and they came on at least `on_days` different days."""
    recent = snap.moods[-count:]
    if len(recent) == count and all(m.mood <= at_most for m in recent) and _days(recent, snap.timezone) >= on_days:
        return {"moods": [m.mood for m in recent]}
    return None


def very_low_mood(event, snap: Snapshot, now, *, at_most: int, count: int, days: int, on_days: int = 1) -> Facts:
    """At least `count` low moods in `days` days, on at least `on_days` different days: never one bad evening."""
    since = now - timedelta(days=days)
    low = [m for m in snap.moods if m.at >= since and m.mood <= at_most]
    return {"low_count": len(low)} if len(low) >= count and _days(low, snap.timezone) >= on_days else None


def distress_words(event, snap: Snapshot, now) -> Facts:
    """Words of hopelessness or self-harm in the note or answer this event is about."""
    return {} if snap.current_text and DISTRESS.search(snap.current_text) else None


def no_mood_since(event, snap: Snapshot, now, *, hours: int) -> Facts:
    """No mood was given in the last `hours` (a mood typed in the rejection form counts: it may be seconds newer)."""
    return None if any(m.at >= now - timedelta(hours=hours) for m in snap.moods) else {}


def no_feedback_given(event, snap: Snapshot, now) -> Facts:
    return None if _data(event).get("feedback") else {}


def first_rejection(event, snap: Snapshot, now) -> Facts:
    """The person's first rejection (past history brought in by an import counts too)."""
    return {} if snap.rejections_since(date.min) <= 1 else None


def self_critical(event, snap: Snapshot, now, *, low_mood_at_most: int | None = None) -> Facts:
    """Self-blaming words in the answer or note; or, if asked, a low mood right now."""
    if snap.current_text and SELF_BLAME.search(snap.current_text):
        return {"why": "words"}
    mood = _data(event).get("mood")
    if low_mood_at_most is not None and mood is not None and mood <= low_mood_at_most:
        return {"why": "mood"}
    return None


def self_blame_words(event, snap: Snapshot, now) -> Facts:
    return {} if snap.current_text and SELF_BLAME.search(snap.current_text) else None


def applications_count(event, snap: Snapshot, now, *, equals: int | None = None,
                       every: int | None = None) -> Facts:
    n = snap.app_count()
    if equals is not None and n == equals:
        return {"count": n}
    if every and n and n % every == 0:
        return {"count": n}
    return None


def source_share(event, snap: Snapshot, now, *, last: int, at_least: float, min_apps: int = 10,
                 min_rest: int = 3) -> Facts:
    """One source carries most recent applications and answers less often than the rest.

    The rest must hold `min_rest` applications: one answered referral is no comparison.
    """
    sources = snap.recent_sources(last)
    if len(sources) < min_apps:
        return None
    top = max(set(sources), key=sources.count)
    share = sources.count(top) / len(sources)
    if share < at_least:
        return None
    by_source = snap.responses_by_source()
    mine = by_source.get(top, (0, 0))
    rest = [counts for source, counts in by_source.items() if source != top]
    rest_total, rest_answered = sum(total for total, _ in rest), sum(answered for _, answered in rest)
    if rest_total < min_rest or mine[1] / mine[0] >= rest_answered / rest_total:
        return None
    return {"source": top, "recent": len(sources), "top_count": sources.count(top), "top_answered": mine[1],
            "rest_total": rest_total, "rest_answered": rest_answered}


def category_stuck(event, snap: Snapshot, now, *, at_least: int) -> Facts:
    """Many rejections in one role category, and not one interview there."""
    app = snap.app(_data(event).get("application_id"))
    if app is None or not app.category:
        return None
    rejected, reached_interview = snap.category_record(app.category)
    if rejected >= at_least and not reached_interview:
        return {"category": app.category, "rejections": rejected}
    return None


def interview_rejections(event, snap: Snapshot, now, *, at_least: int) -> Facts:
    count = snap.rejections_at(INTERVIEW_STAGES)
    return {"count": count} if count >= at_least else None


def repeated_reason(event, snap: Snapshot, now, *, at_least: int) -> Facts:
    """This rejection's reason, or a tag of this feedback, has come up `at_least` times."""
    data = _data(event)
    reason = data.get("reason")
    if reason and reason not in ("other", "no_response", "position_filled", "internal_candidate", "budget",
                                 "position_closed"):
        if snap.rejections_for(reason) >= at_least:
            return {"theme": reason}
    if event.get("type") == "application.feedback_received":
        latest = snap.feedback_tags[-1] if snap.feedback_tags else ()
        for tag in latest:
            if tag != "other" and sum(tag in tags for tags in snap.feedback_tags) >= at_least:
                return {"theme": tag}
    return None


def late_night_applications(event, snap: Snapshot, now, *, start_hour: int, end_hour: int,
                            at_least: int, days: int) -> Facts:
    count = snap.late_count(now - timedelta(days=days), now, start_hour, end_hour)
    return {"late": count} if count >= at_least else None


def sent_lately(event, snap: Snapshot, now) -> Facts:
    """The event's application was sent around when it was recorded, not brought in from the past."""
    applied_on = _data(event).get("applied_on")
    if applied_on and not snapshot.sent_lately(date.fromisoformat(applied_on), local(now, snap.timezone).date()):
        return None
    return {}


def received_lately(event, snap: Snapshot, now, *, days: int) -> Facts:
    """The event's rejection came within `days` of being recorded (not brought in with past history)."""
    received_on = _data(event).get("received_on")
    if received_on and date.fromisoformat(received_on) < local(now, snap.timezone).date() - timedelta(days=days):
        return None
    return {}


def applications_in_a_day(event, snap: Snapshot, now, *, more_than: int) -> Facts:
    count = snap.made_on(local(now, snap.timezone).date())
    return {"today": count} if count > more_than else None


def days_since_activity(event, snap: Snapshot, now, *, at_least: int) -> Facts:
    if snap.last_activity is None:
        return None
    days = (now - snap.last_activity).days
    return {"days": days} if days >= at_least else None


def reflections_done(event, snap: Snapshot, now, *, every: int) -> Facts:
    n = snap.reflections_done
    return {"count": n} if n and n % every == 0 else None


def goal_results(event, snap: Snapshot, now, *, last: int, all_are: str) -> Facts:
    recent = snap.goal_results[-last:]
    return {"weeks": last} if len(recent) == last and all(r == all_are for r in recent) else None


def mood_at_most(event, snap: Snapshot, now, *, value: int) -> Facts:
    mood = _data(event).get("mood")
    return {"mood": mood} if mood is not None and mood <= value else None


def feedback_was_given(event, snap: Snapshot, now) -> Facts:
    data = _data(event)
    return {} if data.get("feedback") else None


def journey(event, snap: Snapshot, now) -> Facts:
    """Always holds: the road so far, for a look back."""
    started = snap.first_created()
    weeks = max(1, -(-(now - started).days // 7)) if started else 1
    interviews = snap.reached_count("interview")
    return {"applications": snap.app_count(), "weeks": weeks, "interviews": interviews,
            "wins": snap.wins_count + 1}


# name -> (function, {param: type}, required params)
CONDITIONS = {
    "stage_reached": (stage_reached, {"stages": list}, {"stages"}),
    "first_time_at": (first_time_at, {"stage": str}, {"stage"}),
    "rejections_within": (rejections_within, {"days": int, "at_least": int, "at_least_setting": bool}, {"days"}),
    "low_mood_running": (low_mood_running, {"at_most": int, "count": int, "on_days": int}, {"at_most", "count"}),
    "very_low_mood": (very_low_mood, {"at_most": int, "count": int, "days": int, "on_days": int},
                      {"at_most", "count", "days"}),
    "distress_words": (distress_words, {}, set()),
    "no_mood_since": (no_mood_since, {"hours": int}, {"hours"}),
    "no_feedback_given": (no_feedback_given, {}, set()),
    "first_rejection": (first_rejection, {}, set()),
    "self_critical": (self_critical, {"low_mood_at_most": int}, set()),
    "self_blame_words": (self_blame_words, {}, set()),
    "applications_count": (applications_count, {"equals": int, "every": int}, set()),
    "source_share": (source_share, {"last": int, "at_least": float, "min_apps": int}, {"last", "at_least"}),
    "category_stuck": (category_stuck, {"at_least": int}, {"at_least"}),
    "interview_rejections": (interview_rejections, {"at_least": int}, {"at_least"}),
    "repeated_reason": (repeated_reason, {"at_least": int}, {"at_least"}),
    "late_night_applications": (late_night_applications, {"start_hour": int, "end_hour": int,
                                "at_least": int, "days": int}, {"start_hour", "end_hour", "at_least", "days"}),
    "applications_in_a_day": (applications_in_a_day, {"more_than": int}, {"more_than"}),
    "sent_lately": (sent_lately, {}, set()),
    "received_lately": (received_lately, {"days": int}, {"days"}),
    "days_since_activity": (days_since_activity, {"at_least": int}, {"at_least"}),
    "reflections_done": (reflections_done, {"every": int}, {"every"}),
    "goal_results": (goal_results, {"last": int, "all_are": str}, {"last", "all_are"}),
    "mood_at_most": (mood_at_most, {"value": int}, {"value"}),
    "feedback_was_given": (feedback_was_given, {}, set()),
    "journey": (journey, {}, set()),
}
