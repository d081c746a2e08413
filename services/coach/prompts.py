"""The words the coach offers after a rejection, by the stage it came at.

Several phrasings each; `choose` picks one from the event id, so a retried
event gets the same words and different events get some variety.
"""
from __future__ import annotations

import zlib

REFLECTION_PROMPTS: dict[str, tuple[str, ...]] = {
    "resume": (
        "{company} passed on your application for {role}. That stings, and it says little about you. "
        "When you look at the posting again, which parts of it did your résumé speak to most clearly?",
        "No from {company} for {role}. It happens to strong applicants all the time. "
        "If you sent this application again tomorrow, what is one thing you would tailor?",
        "{company} won't be moving forward with {role}. Take a breath first. "
        "Was this a role you really wanted, or one you sent just in case? Both are fine; noticing helps you aim.",
    ),
    "screening": (
        "You reached a screening call with {company} for {role}, which means your application landed. "
        "How did your short pitch about yourself feel when you said it out loud?",
        "{company} stopped after the screening for {role}. Looking back on the call, "
        "was there a question about pay, timing or fit that caught you off guard?",
    ),
    "interview": (
        "You made it to interviews with {company} for {role}. That is real progress, even if this one ended. "
        "Which question do you remember most, and how would you answer it now?",
        "The {role} interviews at {company} didn't end the way you hoped. "
        "What is one moment that went well, and one thing you'd like to practise before the next one?",
        "{company} chose someone else for {role} after interviewing you. "
        "While it is fresh: what did you learn about the kind of team you want to join?",
    ),
}

STAGE_TO_KIND = {
    "saved": "resume", "applied": "resume", "screening": "screening",
    "interview": "interview", "final_interview": "interview", "offer": "interview",
}

WIN_TITLES = {
    "first_application": "You sent your first application: {company}, {role}. The search has begun.",
    "offer": "An offer from {company} for {role}! Take a moment to enjoy this.",
    "reflection_streak": "You've answered {count} reflections. That kind of honesty with yourself adds up.",
}


def choose(options: tuple[str, ...], seed: str) -> str:
    return options[zlib.crc32(seed.encode()) % len(options)]


def reflection_for(stage_reached: str, company: str, role: str, seed: str) -> tuple[str, str]:
    """(kind, prompt) for a rejection that came at `stage_reached`."""
    kind = STAGE_TO_KIND.get(stage_reached, "resume")
    text = choose(REFLECTION_PROMPTS[kind], seed).format(company=company, role=role)
    return f"rejection_{kind}", text
