"""Everything the coach says, in our own words, several ways each: the one place for its texts.

A text is a key with phrasings, each a (title, body) pair that may use the facts
a rule found ({company}, {role}, {count}...). A phrasing's identity is
"key#index": the composer never puts the same phrasing in front of a person
twice within 30 days, so the keys a person meets often have several. `rotate`
starts from a phrasing chosen by (user, event, key), so a retried event gets
the same words.
"""
from __future__ import annotations

import string
import zlib

from shared.config import DEFAULT_SUPPORT_RESOURCES  # noqa: F401  (the one wording of the pointer)

VOICE: dict[str, tuple[tuple[str, str], ...]] = {
    # --- feelings first (after a rejection) -----------------------------------------------------
    "feelings_first": (
        ("How are you feeling?", "A no from {company} can knock the wind out of anyone. Whatever you feel is a normal response. If you like, note your mood from 1 to 5; it is just for you."),
        ("A moment for you first", "Hearing no from {company} hurts, and that is normal. When you're ready, you could note how you are, from 1 to 5, or simply skip it."),
        ("Checking in with you", "News like this from {company} lands differently on different days, and every reaction is normal. How is today going for you? A mood from 1 to 5 is enough."),
        ("However you feel is fine", "Disappointment, relief, nothing much at all: any of them is normal after a no from {company}. Jot down your mood from 1 to 5 if it helps you keep track."),
    ),
    # --- one next step, as an if-then plan (implementation intentions) -----------------------------
    "next_step": (
        ("A plan for {plan_day}, if you want one", "Plans written as 'when…, then I'll…' are easier to keep. One you could take or change: \"When I open my laptop on {plan_day}, I'll spend twenty minutes on one application I like.\""),
        ("One small step, your way", "If it would help, pick a moment and a step: \"On {plan_day} after lunch, I'll message one person who works where I'd like to work.\" Change the words until they fit you."),
        ("A step with a time on it", "A small plan with a when is more likely to happen: \"On {plan_day} morning, with my first coffee, I'll look at two new postings.\" You could adopt it, change it or skip it."),
        ("When, then", "You could try a plan like this one: \"When I sit down on {plan_day}, I'll tailor one application before I check e-mail.\" Resting first is a good plan too."),
    ),
    # --- self-care and self-compassion ------------------------------------------------------------
    "self_care": (
        ("Be kind to yourself this week", "{rejections} rejections in {days} days is a lot to carry. It might help to plan something that restores you: a walk, a friend, an evening off. The search will still be here tomorrow."),
        ("A lot has landed on you lately", "You've had a hard run. Would you like to take some pressure off? Something small and pleasant today counts as progress too."),
        ("Room to breathe", "Several noes close together wear anyone down. An evening without the search is not a step back; it is how people keep going."),
    ),
    "self_care_mood": (
        ("Your mood has been low", "You've checked in low on a few different days now. That happens in a long search. What is one thing that usually lifts you a little? Maybe make room for it today."),
        ("A few heavy days", "Your last check-ins, on different days, have been low. Be as gentle with yourself as you would with a friend: something small and restful counts."),
    ),
    "self_compassion": (
        ("What would you tell a friend?", "If a good friend were in your place right now, what would you say to them? You deserve to hear the same."),
        ("Go gently", "Imagine a friend had the week you've had. What kindness would you offer them? Try offering it to yourself."),
        ("The same kindness", "A search is hard on everyone who goes through it; you are not alone in finding it so. Treat yourself the way you'd treat someone you care about."),
    ),
    "growth": (
        ("What did this teach you?", "It sounds like you're being hard on yourself. Looking back without blame: what did this experience teach you that you can take into the next one?"),
        ("A different angle", "Setbacks say more about fit and timing than about your worth. If you look at it as practice, what did it show you?"),
    ),
    # --- goals (learning-goal framing, realistic targets) ------------------------------------------
    "lighter_week": (
        ("A lighter week", "How about a lighter goal for this week: {target} applications instead of {previous}? Accept it on the Goals page if it feels right, or keep your usual goal."),
        ("Easing off a little", "Would {target} applications this week, instead of {previous}, feel kinder? You can accept or decline it on the Goals page."),
    ),
    "lower_target": (
        ("A goal that fits this stretch", "The last two weeks didn't reach {previous} applications, and that's alright. Would {target} a week feel more doable for now?"),
    ),
    "higher_target": (
        ("Ready to stretch a little?", "You've met your goal three weeks running. Would you like to try {target} a week? Only if it feels good."),
    ),
    "learning_goal": (
        ("Something to get better at", "The same theme, {theme_words}, has come up more than once. A goal about learning, not results, often helps more: a short course, a practice session or a certification. Accept it and we'll count the hours with you."),
    ),
    # --- people, offers and looking back ---------------------------------------------------------
    "share_news": (
        ("Share the good news?", "An offer from {company}! The people who cheered you on would love to hear it. Would you like to tell them?"),
    ),
    "look_back": (
        ("Look how far you've come", "{applications} applications over {weeks} weeks, {interviews} interviews and {wins} wins along the way. This was built on all of it."),
    ),
    "mentor": (
        ("Talk it over with someone who's been there?", "You've reached interviews {count} times, which says a lot. A conversation with a mentor could help with the last step. Is there someone in your network you could ask?"),
    ),
    # --- feedback --------------------------------------------------------------------------------
    "feedback_request": (
        ("Ask {company} for feedback?", "We drafted a short, friendly note asking {company} for feedback on your {role} application. Edit it as you like, and mark it sent when you've sent it."),
    ),
    # --- insights and balance --------------------------------------------------------------------
    "source_insight": (
        ("Where your applications go", "{top_count} of your last {recent} applications went out {source_words}, and {top_answered} of those got an answer; of the {rest_total} you sent other ways, {rest_answered} did. You might try a few more another way."),
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
    # --- safety ----------------------------------------------------------------------------------
    "professional_support": (
        ("You don't have to carry this alone", "Your check-ins have been very low on several days lately. Talking to someone can help, a friend or a professional. {resources}"),
    ),
    "safety_words": (
        ("You matter more than this search", "What you wrote sounds really heavy. You don't have to carry it alone. {resources}"),
        ("Someone to talk to", "It sounds like things feel very dark right now. Please reach out to someone today. {resources}"),
    ),
    # --- inoculation against setbacks (JOBS programme) ---------------------------------------------
    "setbacks_expected": (
        ("Setbacks are part of the road", "Most searches include many noes before a yes; it is how hiring works, not a verdict on you. When one comes: pause, look after yourself, take one lesson if there is one, then one small step."),
    ),
    "before_interviews": (
        ("Before your interviews", "A tip people find useful: decide now what you'll do if an interview doesn't work out. An evening off, a call with a friend, then one small step. Planning for a setback makes it smaller when it comes."),
    ),
    # --- expressive writing (private) --------------------------------------------------------------
    "expressive_writing": (
        ("A page just for you", "If you'd like, write for fifteen minutes about this stretch: what happened and how it felt. Only you will see it; it is never shared or sent anywhere. Writing it down helps many people put it behind them."),
        ("Write it out, privately", "Sometimes it helps to write freely about a hard week, for yourself alone. Nothing you write here is shared or e-mailed. Stop whenever you like."),
    ),
    # --- endings that are not a rejection --------------------------------------------------------
    "ghosted": (
        ("When {company} goes quiet", "No reply is the most common ending of all: busy teams, frozen roles, lost e-mails. It says nothing about you. Let {company} go, and keep your energy for the people who answer."),
        ("Silence from {company}", "Being left without an answer from {company} is frustrating, and it happens to almost everyone who applies. Closing it here was a good call; that space is free for something new."),
        ("Closing the loop yourself", "{company} never replied. You did the tidy, self-respecting thing by calling it. Most silences are about their workload, not your application."),
    ),
    "withdrawn": (
        ("You made a choice", "Stepping back from {company} was your decision, and choosing where to spend your energy is part of a good search. What made you decide? It may tell you what you're looking for."),
        ("Knowing what you want", "Withdrawing from {company} takes clarity. If a line about why would help you later, the journal is there."),
    ),
    # --- the weekly review and the week's close ------------------------------------------------------
    "weekly_review": (
        ("A look back at your week", "A few minutes, if you have them: what happened this week, what went well, and one thing to focus on next week?"),
        ("Your week, in a few lines", "What stood out this week, what are you glad you did, and what is your one focus for next week?"),
        ("Before the new week", "What moved this week, what did you learn, and what would you like next week to hold?"),
        ("Three questions for Sunday", "What are you proud of this week? What was hard? What is one small thing you want from next week?"),
        ("Closing the week kindly", "Looking back without judging: what did you do this week, and what would make next week a little easier?"),
    ),
    # --- small wins: never an item of their own; noted for the day's "what you did" line (did.py) ----
    "small_application": (("Application sent", "Another one out the door: {company}."),),
    "small_interview": (("Interview booked", "An interview with {company} is booked."),),
    "small_reflection": (("Reflection answered", "You took a moment to reflect."),),
}

# Reflection prompts after a rejection, by what it was about. Reasons about the employer's
# situation are not about the person, and their prompts say so and ask nothing about the résumé.
PROMPTS: dict[str, tuple[tuple[str, str], ...]] = {
    "not_about_you": (
        ("This one wasn't about you", "{company} {why}. That is a decision about their plans, not about you or your application; there is nothing to fix. If you want a thought to keep: what drew you to {company}, and where else might you find it?"),
        ("Their circumstances, not your application", "{company} {why}. It happens to strong candidates every week. What did you like about this role that you'd look for again?"),
        ("Nothing to fix here", "{company} {why}. It's a closed door, not a judgement. Is there another team like theirs you'd like to try?"),
    ),
    "experience": (
        ("About experience", "{company} was looking for more experience for {role}. Experience is often a matter of how it's told: which piece of your past work shows what they wanted, even if the title was different?"),
        ("Telling your experience", "{company} asked for more experience for {role}. What is one project you could describe in more detail next time, with what you did and what came of it?"),
        ("Experience, counted differently", "For {role}, {company} wanted more experience. Volunteering, side projects and courses count too. Which of yours could you name next time?"),
    ),
    "skills": (
        ("About skills", "{company} mentioned skills for {role}. Which one skill, if you learned a bit more of it, would open the most doors? That's a learning goal, not a grade."),
        ("One skill at a time", "A skills gap for {role} at {company} is something you can work on. What would a first small step to learning it look like?"),
    ),
    "culture_fit": (
        ("About fit", "{company} spoke of fit for {role}. Fit goes both ways: what did you see of their team that did or didn't feel like you?"),
        ("The team you want", "After {company}'s answer about fit: what kind of team would you like to join next? Naming it helps you aim."),
    ),
    "communication": (
        ("About telling your story", "{company} mentioned communication for {role}. What is one answer you'd like to practise out loud before the next conversation?"),
    ),
    "resume": (
        ("A look at the posting", "{company} passed on your application for {role}. That stings, and it says little about you. When you look at the posting again, which parts did your application speak to most clearly?"),
        ("If you sent it again", "No from {company} for {role}. It happens to strong applicants all the time. If you sent this application again tomorrow, what is one thing you would tailor?"),
        ("Where to aim", "{company} won't be moving forward with {role}. Take a breath first. Was this a role you really wanted, or one you sent just in case? Both are fine; noticing helps you aim."),
        ("What stood out", "{company} said no to {role}. Looking at your application for it, which line are you proudest of? Keep that one."),
    ),
    "screening": (
        ("After the screening call", "You reached a screening call with {company} for {role}, which means your application landed. How did your short pitch about yourself feel when you said it out loud?"),
        ("Looking back on the call", "{company} stopped after the screening for {role}. Was there a question about pay, timing or fit that caught you off guard?"),
        ("A call is progress", "A screening call with {company} means someone chose to talk to you. What would you like to say first in the next one?"),
    ),
    "interview": (
        ("The question you remember", "You made it to interviews with {company} for {role}. That is real progress, even if this one ended. Which question do you remember most, and how would you answer it now?"),
        ("One good moment", "The {role} interviews at {company} didn't end the way you hoped. What is one moment that went well, and one thing you'd like to practise before the next one?"),
        ("While it's fresh", "{company} chose someone else for {role} after interviewing you. While it is fresh: what did you learn about the kind of team you want to join?"),
    ),
}

# Why a rejection that was not about the person came, in a few words (reason -> words).
NOT_ABOUT_YOU = {
    "position_filled": "filled the {role} role", "internal_candidate": "chose an internal candidate for {role}",
    "budget": "ran out of budget for {role}", "position_closed": "closed the {role} position",
    "compensation": "couldn't meet the pay that fits {role}", "location": "needed someone in another place for {role}",
    "no_response": "stopped replying about {role}",
}
OWN_PROMPTS = ("experience", "skills", "culture_fit", "communication")
STAGE_PROMPTS = {"saved": "resume", "applied": "resume", "screening": "screening", "interview": "interview",
                 "final_interview": "interview", "offer": "interview"}

# Wins: "first sentence. the rest" - the first sentence is the section's title.
WINS: dict[str, str] = {
    "first_application": "You sent your first application. {company}, {role}: the search has begun.",
    "nth_application": "{count} applications sent, every one an action you chose to take.",
    "first_screening": "Your first screening call, with {company}. Someone read your application and wanted to talk.",
    "first_interview": "Your first interview, with {company}. You turned an application into a conversation.",
    "final_round": "A final round with {company} for {role}. You got this far by preparing and showing up.",
    "feedback_received": "Feedback received from {company}. It's saved with the {role} application, for whenever it's useful.",
    "feedback_obtained": "You got feedback from {company} on {role}. You asked, and now it's saved with the application.",
    "reflection_streak": "{count} reflections answered. That kind of honesty with yourself adds up.",
    "weekly_goal_met": "You met your goal for the week of {week}: {progress} of {target}.",
    "offer": "An offer from {company} for {role}! Take a moment to enjoy this.",
    "accepted": "You accepted an offer at {company}. Congratulations, from all of us.",
}

FEEDBACK_SUBJECT = "Feedback on my application for {role}"
FEEDBACK_BODY = (
    "Hello {greeting},\n\nThank you for considering me for the {role} role at {company}, "
    "and for letting me know your decision. I would be grateful for any short feedback on my "
    "application or interviews: what stood out, and what I could do better next time.\n\n"
    "Thank you for your time, and all the best with the hire.\n\n{sender}"
)


# The daily line of small wins (never one item each): "What you did <day>: ..."
DID_PARTS = {
    "application": ("sent an application to {names}", "sent {n} applications ({names})"),
    "interview": ("booked an interview with {names}", "booked {n} interviews ({names})"),
    "reflection": ("answered a reflection", "answered {n} reflections"),
    "checkin": ("checked in with yourself", "checked in with yourself {n} times"),
    "goal": ("reached this week's goal", "reached this week's goal"),
}


def rotate(options: tuple, seed: str) -> list[tuple[int, object]]:
    """(index, option) pairs starting from the one the seed chooses, then the others in order."""
    start = zlib.crc32(seed.encode()) % len(options)
    return [((start + i) % len(options), options[(start + i) % len(options)]) for i in range(len(options))]


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


# Codes never reach the person: a source or a theme is said in words.
SOURCE_WORDS = {"job_board": "through job boards", "referral": "through referrals",
                "company_site": "on company sites", "recruiter": "through recruiters",
                "networking": "through people you know", "linkedin": "on LinkedIn", "other": "in other ways"}
THEME_WORDS = {"experience": "experience", "skills": "skills", "culture_fit": "team fit", "culture": "team fit",
               "communication": "communication", "compensation": "pay", "location": "location"}


def fill(template: str, facts: dict) -> str:
    """Format with the facts; an absent fact reads as nothing rather than failing."""
    words = {"source_words": SOURCE_WORDS.get(facts.get("source") or "", f"through {facts.get('source')}"),
             "theme_words": THEME_WORDS.get(facts.get("theme") or "", facts.get("theme") or "")}
    return string.Formatter().vformat(template, (), _Blank({**words, **facts})).replace("  ", " ").strip()


def phrasings(key: str, seed: str, facts: dict, table: dict | None = None) -> list[tuple[str, str, str]]:
    """Every phrasing of a text as (identity, title, body), the seeded choice first."""
    options = (table or VOICE)[key]
    return [(_identity(key, i, title, facts), fill(title, facts), fill(body, facts))
            for i, (title, body) in rotate(options, seed)]


def _identity(key: str, index: int, title: str, facts: dict) -> str:
    """A phrasing is the same text wherever it is used, unless its very title names the company."""
    company = facts.get("company") if "{company}" in title else None
    return f"{key}#{index}" + (f":{company}" if company else "")


def say(key: str, seed: str, facts: dict) -> tuple[str, str]:
    _, title, body = phrasings(key, seed, facts)[0]
    return title, body


def win_title(kind: str, facts: dict) -> str:
    return fill(WINS[kind], facts)


def split_win(text: str) -> tuple[str, str]:
    """A win's title (its first sentence) and the rest."""
    head, dot, rest = text.partition(". ")
    return (head + "." if dot else head), rest if dot else ""


def prompt_kind(stage: str | None, reason: str | None) -> str:
    """Which prompts fit this rejection: its reason first, then the stage it came at."""
    if reason in NOT_ABOUT_YOU:
        return "not_about_you"
    if reason in OWN_PROMPTS:
        return reason
    return STAGE_PROMPTS.get(stage or "applied", "resume")


def reflection_phrasings(stage: str | None, reason: str | None, facts: dict,
                         seed: str) -> tuple[str, list[tuple[str, str, str]]]:
    """(reflection kind, phrasings) for a rejection."""
    kind = prompt_kind(stage, reason)
    facts = {**facts, "why": fill(NOT_ABOUT_YOU.get(reason or "", ""), facts)}
    return f"rejection_{kind}", [(f"prompt:{i}", t, b) for i, t, b in phrasings(kind, seed, facts, PROMPTS)]


# A card's title and the opening of its summary, by what caused it: (title, opening).
# Those that name no company name the day, so no two cards read the same.
HEADINGS: dict[str, tuple[str, str]] = {
    "application.rejected": ("After {company_s} answer", "{company} won't be going ahead with {role}"),
    "application.created": ("Your application to {company}", "You applied to {company} for {role}"),
    "application.offer_received": ("An offer from {company}!", "{company} offered you the {role} role"),
    "application.feedback_received": ("Feedback from {company}", "{company} sent feedback on {role}"),
    "application.ghosted": ("No reply from {company}", "You closed {company} as no reply"),
    "interview.scheduled": ("Your interview with {company}", "An interview with {company} is booked"),
    "stage.screening": ("A call with {company}", "{company} wants to talk about {role}"),
    "stage.interview": ("Interviews with {company}", "{company} invited you to interview for {role}"),
    "stage.final_interview": ("The final round at {company}", "You reached the final round at {company}"),
    "stage.withdrawn": ("You withdrew from {company}", "You stepped back from {company}"),
    "stage.accepted": ("You said yes to {company}", "You accepted the {role} role at {company}"),
    "stage": ("News about {company}", "{company} moved forward"),
    "reflection.completed": ("After your reflection, {day}", "You reflected on {day}"),
    "checkin.recorded": ("After your check-in, {day}", "You checked in on {day}"),
    "week.closed": ("The week of {week} is done", "The week of {week} closed"),
    "weekly_review": ("Your week of {week}", "A look back at the week of {week}"),
}


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def heading(kind: str, facts: dict) -> tuple[str, str]:
    title, opening = HEADINGS.get(kind, ("From your coach, {day}", "A note from your coach"))
    facts = {**facts, "company_s": possessive(facts.get("company") or "")}
    return fill(title, facts), fill(opening, facts)
