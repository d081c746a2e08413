"""How the tracker recognises things: company names, source channels, duplicate rows."""
from __future__ import annotations

import hashlib
from datetime import date

CHANNELS = ("job_board", "referral", "company_site", "recruiter", "networking", "linkedin", "other")

# Words people write in "source", mapped to the channel they mean.
_CHANNEL_WORDS = (
    ("linkedin", "linkedin"),
    ("referr", "referral"), ("referred", "referral"), ("friend", "referral"),
    ("recruit", "recruiter"), ("headhunt", "recruiter"), ("agency", "recruiter"),
    ("career", "company_site"), ("company", "company_site"), ("website", "company_site"),
    ("network", "networking"), ("meetup", "networking"), ("conference", "networking"), ("event", "networking"),
    ("indeed", "job_board"), ("glassdoor", "job_board"), ("board", "job_board"), ("monster", "job_board"),
    ("stepstone", "job_board"), ("otta", "job_board"), ("wellfound", "job_board"), ("angel", "job_board"),
    ("ziprecruiter", "job_board"), ("dice", "job_board"), ("hired", "job_board"),
)


def company_key(name: str | None) -> str:
    """Lower case, letters and digits only: 'ACME, Inc.' and 'acme inc' are one company."""
    return "".join(ch for ch in (name or "").lower() if ch.isalnum())


def channel_of(source: str | None) -> str:
    """The channel a free-text source names; 'other' when we can't tell."""
    text = (source or "").strip().lower().replace("-", "_").replace(" ", "_")
    if text in CHANNELS:
        return text
    for word, channel in _CHANNEL_WORDS:
        if word in text:
            return channel
    return "other"


def fingerprint(company: str, role: str, applied_on: date | None, url: str | None) -> str:
    """A stable id of one application across imports of the same file."""
    parts = [company_key(company), company_key(role), applied_on.isoformat() if applied_on else "",
             (url or "").strip().lower().rstrip("/")]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:40]


def tags_text(tags: list[str] | None) -> str:
    """Tags stored as ',a,b,' (trimmed, de-duplicated, order kept)."""
    seen: list[str] = []
    for tag in tags or []:
        tag = tag.strip()
        if tag and tag not in seen:
            seen.append(tag)
    return f",{','.join(seen)}," if seen else ""


def tags_of(text: str) -> list[str]:
    """The tags stored by tags_text, in order."""
    return [t for t in text.split(",") if t]
