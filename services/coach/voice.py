"""Everything the coach says, in our own words, several ways each.

`say` picks one phrasing from (user, event, key), so a retried event gets the
same words and different events get some variety. Phrasings are (title, body);
they may use the facts a rule found ({company}, {role}, {count}...).
"""
from __future__ import annotations

import string
import zlib

VOICE: dict[str, tuple[tuple[str, str], ...]] = {
    "feelings_first": (
        ("How are you feeling?", "A no from {company} can knock the wind out of anyone. Whatever you feel right now is a normal response. If you like, note your mood from 1 to 5 and a line about it; it is just for you."),
        ("A moment for you first", "Hearing no from {company} hurts, and that is normal. Before anything else: how are you, from 1 to 5? Add a note if you want to, or skip it."),
    ),
    "next_step": (
        ("One small next step, if you want one", "When you feel ready, you could pick one thing: send one new application, or spend twenty minutes on a role you'd love. Either is a good choice, and so is resting today."),
        ("Something you could do next", "If it would help, you might choose one small step this week: reach out to one person in your field, or revisit a posting that excited you. It's your call."),
    ),
    "self_care": (
        ("Be kind to yourself this week", "{rejections} rejections in {days} days is a lot to carry. It might help to plan something that restores you: a walk, a friend, an evening off. The search will still be here tomorrow."),
        ("A lot has landed on you lately", "You've had a hard run. Would you like to take some pressure off? Something small and pleasant today counts as progress too."),
    ),
    "self_care_mood": (
        ("Your mood has been low", "You've checked in low a couple of times now. That happens in a long search. What is one thing that usually lifts you a little? Maybe make room for it today."),
    ),
    "lighter_week": (
        ("A lighter week", "How about a lighter goal for this week: {target} applications instead of {previous}? Accept it if it feels right, or keep your usual goal."),
    ),
    "lower_target": (
        ("A goal that fits this stretch", "The last two weeks didn't reach {previous} applications, and that's alright. Would {target} a week feel more doable for now?"),
    ),
    "higher_target": (
        ("Ready to stretch a little?", "You've met your goal three weeks running. Would you like to try {target} a week? Only if it feels good."),
    ),
    "learning_goal": (
        ("An idea to grow from the feedback", "\"{theme}\" has come up more than once. Would you like a small learning goal for it: a short course, a practice session, or a certification? Accept it and we'll count the hours with you."),
    ),
    "support_nudge": (
        ("A hard stretch", "The user has had a hard stretch in their job search."),
    ),
    "share_news": (
        ("Share the good news?", "An offer from {company}! The people who cheered you on would love to hear it. Would you like to tell them?"),
    ),
    "growth": (
        ("What did this teach you?", "It sounds like you're being hard on yourself. Looking back without blame: what did this experience teach you that you can take into the next one?"),
        ("A different angle", "Setbacks say more about fit and timing than about your worth. If you look at it as practice, what did it show you?"),
    ),
    "self_compassion": (
        ("What would you tell a friend?", "If a good friend were in your place right now, what would you say to them? You deserve to hear the same."),
        ("Go gently", "Imagine a friend had the week you've had. What kindness would you offer them? Try offering it to yourself."),
    ),
    "feedback_request": (
        ("Ask {company} for feedback?", "We drafted a short, friendly note asking {company} for feedback on your {role} application. Edit it as you like, copy it, and mark it sent when you've sent it."),
    ),
    "mentor": (
        ("Talk it over with someone who's been there?", "You've reached interviews {count} times, which says a lot. A conversation with a mentor could help with the last step. Is there someone in your network you could ask, or would you like to look for one?"),
    ),
    "source_insight": (
        ("Where your applications go", "{share_pct}% of your last {recent} applications came from {source}, and {rate_top_pct}% of those got an answer, against {rate_rest_pct}% from your other sources. You might try a few more through other channels."),
    ),
    "adjacent_roles": (
        ("Another way in?", "{rejections} rejections in {category} without an interview yet. That can be about the market, not you. You could try a neighbouring kind of role, or ask someone in {category} how they got their first interview."),
    ),
    "rest_late": (
        ("Time to rest", "Quite a few applications went out late at night lately. Good sleep makes for better applications; maybe give yourself an evening off."),
    ),
    "rest_many": (
        ("That's a big day", "You sent {today} applications today. That is a lot of effort. How about a pause, and fewer but more tailored ones tomorrow?"),
    ),
    "professional_support": (
        ("You don't have to carry this alone", "Your check-ins have been very low for a while. Talking to someone can help, a friend or a professional. {resources}"),
    ),
    "small_application": (
        ("Application sent", "Another one out the door: {company}. Nicely done."),
    ),
    "small_interview": (
        ("Interview on the calendar", "An interview with {company} is booked. That is your application working."),
    ),
    "small_reflection": (
        ("Thanks for reflecting", "Taking a moment to reflect is quiet, useful work."),
    ),
    "look_back": (
        ("Look how far you've come", "{applications} applications over {weeks} weeks, {interviews} interviews and {wins} wins along the way. This offer was built on all of it."),
    ),
}

WINS: dict[str, str] = {
    "first_application": "You sent your first application: {company}, {role}. The search has begun.",
    "nth_application": "{count} applications sent. Each one took courage.",
    "first_screening": "Your first screening call, with {company}. Someone read your application and wanted to talk.",
    "first_interview": "Your first interview, with {company}. A real milestone.",
    "final_round": "A final round with {company} for {role}. You got this far.",
    "feedback_obtained": "You got feedback on {role} at {company}. Asking for it takes nerve.",
    "reflection_streak": "You've answered {count} reflections. That kind of honesty with yourself adds up.",
    "weekly_goal_met": "You met your goal this week: {progress} of {target}.",
    "offer": "An offer from {company} for {role}! Take a moment to enjoy this.",
    "accepted": "You accepted an offer at {company}. Congratulations, from the bottom of our heart.",
}

FEEDBACK_SUBJECT = "Feedback on my application for {role}"
FEEDBACK_BODY = (
    "Hello {greeting},\n\nThank you for considering me for the {role} role at {company}, "
    "and for letting me know your decision. I would be grateful for any short feedback on my "
    "application or interviews: what stood out, and what I could do better next time.\n\n"
    "Thank you for your time, and all the best with the hire.\n\n{sender}"
)

WEEKLY_REVIEW = (
    "Your weekly look back: what happened this week, what went well, and one thing to focus on next week?",
    "Time for your weekly review. What stood out this week, what are you glad you did, and what is your one focus for next week?",
)


def pick(options: tuple, seed: str):
    return options[zlib.crc32(seed.encode()) % len(options)]


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def fill(template: str, facts: dict) -> str:
    """Format with the facts; an absent fact reads as nothing rather than failing."""
    return string.Formatter().vformat(template, (), _Blank(facts)).replace("  ", " ").strip()


def say(key: str, seed: str, facts: dict) -> tuple[str, str]:
    title, body = pick(VOICE[key], f"{seed}:{key}")
    return fill(title, facts), fill(body, facts)


def win_title(kind: str, facts: dict) -> str:
    return fill(WINS[kind], facts)
