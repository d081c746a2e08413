"""Which of the person's applications a mail is about: sender, company names, role words, dates.

Scores are small whole numbers a person can follow: a company named by the sender or
in the text counts most, the role's words and a plausible date add to it.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from services.mailbox.classify import Classification, ParsedMail
from services.mailbox.classify.extract import FREE_MAIL, is_ats
from services.mailbox.models import KnownApplication

MATCH_THRESHOLD = 3.0
# Stages at which a class of mail is no longer news for an application (a rescheduled
# interview, a second rejection): such mail matches, and is then not proposed.
ALREADY = {
    "rejection": ("rejected", "withdrawn", "accepted"),
    "interview_invitation": ("interview", "final_interview", "offer", "accepted", "rejected", "withdrawn"),
    "offer": ("offer", "accepted"),
}


def already_known(app: KnownApplication, label: str) -> bool:
    return app.stage in ALREADY.get(label, ()) or (label == "rejection" and app.rejected_on is not None)
_LEGAL = re.compile(r"\b(inc|ltd|llc|gmbh|ag|sa|sas|sl|bv|nv|plc|co|corp|corporation|company|group)\b\.?")
_STOP = {"the", "and", "of", "for", "de", "la", "le", "der", "die", "das", "en", "van", "het", "m", "w", "d"}


@dataclass(frozen=True)
class Match:
    application_id: int
    score: float


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(_LEGAL.sub(" ", re.sub(r"[^a-z0-9]+", " ", text)).split())


def _words(text: str) -> set[str]:
    return {w for w in _plain(text).split() if len(w) > 1 and w not in _STOP}


def _domain_label(domain: str) -> str:
    if not domain or domain in FREE_MAIL or is_ats(domain):
        return ""
    parts = domain.split(".")
    return _plain(parts[-2] if len(parts) >= 2 else parts[0]).replace(" ", "")


def score(app: KnownApplication, mail: ParsedMail, verdict: Classification) -> float:
    company = _plain(app.company)
    if not company:
        return 0.0
    points = 0.0
    if verdict.company and _plain(verdict.company) == company:
        points += 3
    elif company in _plain(mail.sender_name):
        points += 3
    if company.replace(" ", "") and company.replace(" ", "") == _domain_label(mail.sender_domain):
        points += 2
    if f" {company} " in f" {_plain(mail.subject + ' ' + mail.text[:4000])} ":
        points += 2
    role_words = _words(app.role)
    if role_words:
        seen = _words(" ".join(filter(None, (verdict.role, mail.subject, mail.text[:4000]))))
        points += 2 * len(role_words & seen) / len(role_words)
    if app.applied_on and mail.received_on and (app.applied_on - mail.received_on).days > 1:
        # Mail from before the application is less likely about it; not ruled out, since people
        # often add an application days after sending it (and then it is dated the day added).
        points -= 1.5
    return points


def best_match(apps: Iterable[KnownApplication], mail: ParsedMail, verdict: Classification) -> Match | None:
    """The application this mail is most likely about, if any scores well enough."""
    candidates = []
    for app in apps:
        # On equal scores the newest application wins: mail usually answers recent ones.
        candidates.append((score(app, mail, verdict), app.applied_on or date.min, app.application_id))
    if not candidates:
        return None
    points, _, application_id = max(candidates)
    return Match(application_id, points) if points >= MATCH_THRESHOLD else None
