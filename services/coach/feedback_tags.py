"""Tagging feedback by theme with plain keyword matching (documented in docs/coaching.md)."""
from __future__ import annotations

import re

KEYWORDS = {
    "skills": r"skill|technical|coding|knowledge|tool|framework|language|certif|portfolio",
    "experience": r"experience|senior|junior|years|background|track record|industry",
    "communication": r"communicat|explain|clarity|clear|articulat|present|concise|listen|structure",
    "culture": r"culture|fit|values|team|collaborat|attitude|motivation",
}


def tag_feedback(text: str) -> list[str]:
    """The themes a piece of feedback touches; ["other"] when none match."""
    found = [tag for tag, pattern in KEYWORDS.items() if re.search(pattern, text or "", re.IGNORECASE)]
    return found or ["other"]
