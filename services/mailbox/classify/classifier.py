"""Weighted phrase rules to one of five classes, with a confidence and the excerpt that decided.

The rules live in `rules.py`; this module adds them up and decides:
- an offer phrase always wins over a rejection phrase (no offer is ever read as a rejection);
- a mail about something else (a flat, a loan, a tender, a newsletter, a permit, a friend) is damped;
- a class needs a decisive phrase (weight >= 2.5) or several smaller ones, else it is `other`;
  in a mail that names no job at all, only a decisive phrase counts;
- what the rules leave as `other` in a personal mail about nothing else gets a second opinion
  from the words (`word_model.py`), taken only when it is near certain.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from services.mailbox.classify import rules, word_model
from services.mailbox.classify.extract import extract_company, extract_role
from services.mailbox.classify.parse import ParsedMail, parse_message

CLASSES = ("rejection", "interview_invitation", "application_received", "offer", "other")
_JOB_RULES = {
    "rejection": rules.REJECTION,
    "interview_invitation": rules.INTERVIEW,
    "application_received": rules.RECEIVED,
    "offer": rules.OFFER,
}
THRESHOLD = 2.5        # the least a job class needs to be chosen
CONTEXT_DAMPING = 0.35  # what a job class keeps of its score in a mail about something else
EXCERPT_LIMIT = 300
SECOND_OPINION_MIN = 0.99  # the word model's share of the evidence before its class is taken
# The confidence of a class the words alone found: enough to propose it about an application the
# mail matches (proposals.MATCHED_MIN), not enough for "new application?" (UNMATCHED_MIN).
SECOND_OPINION_CONFIDENCE = 0.5


@dataclass(frozen=True)
class Classification:
    label: str
    confidence: float
    excerpt: str
    company: str | None
    role: str | None
    received_on: date | None
    scores: dict[str, float]


@dataclass(frozen=True)
class _Hit:
    weight: float
    start: int
    end: int


@lru_cache(maxsize=1)
def _compiled():
    def compile_all(table):
        return [(re.compile(p), w) for entries in table.values() for p, w in entries]
    return ({label: compile_all(table) for label, table in _JOB_RULES.items()},
            compile_all(rules.CONTEXT), re.compile(rules.JOB_WORDS))


def normalise(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u00a0", " ")
    return " ".join(text.lower().split())


def _hits(patterns, text: str) -> list[_Hit]:
    """Each pattern found, heaviest first; a phrase already counted is not counted again by a
    lighter pattern that matches the same words."""
    found: list[_Hit] = []
    for pattern, weight in sorted(patterns, key=lambda p: -p[1]):
        match = pattern.search(text)
        if match and not any(match.start() < h.end and h.start < match.end() for h in found):
            found.append(_Hit(weight, match.start(), match.end()))
    return found


def _excerpt(original: str, hit: _Hit | None) -> str:
    """The sentence around the deciding phrase, at most EXCERPT_LIMIT characters."""
    if hit is None:
        return original[:EXCERPT_LIMIT]
    start = max(original.rfind(". ", 0, hit.start), original.rfind("\n", 0, hit.start)) + 1
    end_candidates = [i for i in (original.find(". ", hit.end), original.find("\n", hit.end)) if i >= 0]
    end = min(end_candidates) + 1 if end_candidates else len(original)
    sentence = original[start:end].strip()
    if len(sentence) > EXCERPT_LIMIT:
        sentence = sentence[:EXCERPT_LIMIT - 1].rstrip() + "…"
    return sentence


def _confidence(best: float, runner_up: float) -> float:
    """Grows with the winning score (one decisive phrase alone is about 0.65) and with its lead."""
    strength = 1 - math.exp(-best / THRESHOLD)
    margin = (best - runner_up) / best if best else 0.0
    return round(min(0.99, strength * (0.75 + 0.25 * margin)), 2)


def classify(mail: ParsedMail) -> Classification:
    """Decide one parsed message's class."""
    job_patterns, context_patterns, job_words = _compiled()
    text = normalise(f"{mail.subject}. {mail.text}")
    scores: dict[str, float] = {}
    best_hits: dict[str, _Hit | None] = {}
    for label, patterns in job_patterns.items():
        hits = _hits(patterns, text)
        scores[label] = sum(h.weight for h in hits)
        best_hits[label] = max(hits, key=lambda h: h.weight) if hits else None
    context = sum(h.weight for h in _hits(context_patterns, text)) + (1.0 if mail.bulk else 0.0)
    about_jobs = bool(job_words.search(text))
    if not about_jobs:
        context += 1.5
        _damp_small_talk(scores, best_hits)
    scores["other"] = context
    if context >= 2:
        for label in _JOB_RULES:
            scores[label] *= CONTEXT_DAMPING
    label = _decide(scores)
    ranked = sorted(scores.values(), reverse=True)
    runner_up = ranked[1] if scores[label] == ranked[0] else ranked[0]
    confidence = _confidence(max(scores[label], THRESHOLD if label == "other" else 0), runner_up)
    if label == "other" and not mail.bulk and context < 2:
        second = _second_opinion(text, scores)
        if second is not None:
            label, confidence = second, SECOND_OPINION_CONFIDENCE
    hit = best_hits.get(label)
    original = " ".join(f"{mail.subject}. {mail.text}".replace("\u00a0", " ").split())
    # Positions found in the lower-cased text hold in the original while lengths agree.
    excerpt = _excerpt(original, hit if len(original) == len(text) else None)
    about_a_job = label != "other"  # a friend's or a landlord's name is no company to match
    return Classification(label=label, confidence=confidence, excerpt=excerpt,
                          company=extract_company(mail) if about_a_job else None,
                          role=extract_role(mail) if about_a_job else None,
                          received_on=mail.received_on, scores=scores)


def _second_opinion(text: str, scores: dict[str, float]) -> str | None:
    """The word model's class, if it is near certain; never a rejection where an offer's phrases stand."""
    chances = word_model.shipped().chances(text)
    best = max(chances, key=chances.get)
    if best == "other" or chances[best] < SECOND_OPINION_MIN:
        return None
    if best == "rejection" and scores["offer"] > 0:
        return None
    return best


def _damp_small_talk(scores: dict[str, float], best_hits: dict[str, _Hit | None]) -> None:
    """In a mail that names no job at all, small cues that merely add up ("thanks ... however",
    "sorry to tell you", a clock time) are how any letter sounds: only a decisive phrase counts."""
    for label, hit in best_hits.items():
        if hit is None or hit.weight < THRESHOLD:
            scores[label] *= CONTEXT_DAMPING


def _decide(scores: dict[str, float]) -> str:
    if scores["offer"] >= THRESHOLD and scores["offer"] >= scores["rejection"] - 1:
        return "offer"  # an offer that mentions something it couldn't do is still an offer
    job = {k: v for k, v in scores.items() if k not in ("other", "offer")}
    if scores["offer"] >= THRESHOLD:
        job["offer"] = scores["offer"]
    label = max(job, key=job.get)
    if job[label] < THRESHOLD or job[label] <= scores["other"]:
        return "other"
    if label == "rejection" and scores["offer"] >= THRESHOLD:
        return "offer"
    return label


def classify_bytes(raw: bytes) -> Classification:
    return classify(parse_message(raw))
