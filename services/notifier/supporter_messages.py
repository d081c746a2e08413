"""What supporters read: an invitation, a nudge, good news. Short, kind, and discreet.

Company, role and reasons appear only when both the user's request and the
supporter's share_details allow it. The unsubscribe link is added at send time.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    subject: str
    body: str


def _who(display_name: str | None) -> str:
    return display_name or "Someone you know"


_NOT_IN_HEADERS = re.compile(r"[^\w .'\-]+", re.UNICODE)


def in_header(display_name: str | None) -> str:
    """The name as a subject line may carry it to someone who never asked for our mail.

    A display name is typed by whoever signed up: it must not pose as an address
    ("Bank <help@bank.example>"), carry a link, or break the header. Letters, digits,
    spaces, ' - and a dot ending a word stay; anything else goes; at most 40 characters.
    """
    cleaned = _NOT_IN_HEADERS.sub(" ", (display_name or "").replace("_", " "))
    cleaned = " ".join(re.sub(r"\.(?=\S)", " ", cleaned).split())  # "J. Smith" stays; "evil.example" doesn't
    for scheme in ("http", "https", "www"):  # "http //x" still reads like a link
        cleaned = re.sub(rf"\b{scheme}\b", " ", cleaned, flags=re.IGNORECASE)
    cleaned = " ".join(cleaned.split())[:40].strip()
    return cleaned or "Someone you know"


def invitation(display_name: str | None, supporter_name: str) -> Text:
    who = _who(display_name)
    return Text(
        subject=f"{in_header(display_name)} would like you in their corner",
        body=(f"Hi {supporter_name},\n\n"
              f"{who} is looking for a new job and uses Rebound to keep going through the ups "
              f"and downs. They added you as someone they trust. Once in a while, when things "
              f"get tough, we may send you a short note suggesting a kind message to them.\n\n"
              f"Nothing will be sent to you unless you say yes with the link below. "
              f"If you'd rather not, simply ignore this message."),
    )


def nudge(display_name: str | None, supporter_name: str, reason: str | None) -> Text:
    who = _who(display_name)
    # Offers of time and company, never questions about the search or advice on it: from the
    # people closest, those weigh as criticism (social undermining; see docs/coaching.md, family 7).
    body = (f"Hi {supporter_name},\n\n"
            f"{who} has had a tough stretch in their job search lately. A short message from "
            f"you could help: that you're thinking of them, or an offer of time together, like "
            f"a walk, a coffee or a call.\n\n"
            f"They don't need to explain anything or hear advice about the search right now, "
            f"and there's no need to mention this note.")
    if reason:
        body += f"\n\nWhat {who} chose to share: {reason}"
    return Text(subject=f"{in_header(display_name)} could use a kind word", body=body)


def good_news(display_name: str | None, supporter_name: str, company: str | None,
              role: str | None) -> Text:
    who = _who(display_name)
    detail = f" for the {role} role at {company}" if company and role else ""
    return Text(
        subject=f"Good news from {in_header(display_name)}",
        body=(f"Hi {supporter_name},\n\n"
              f"{who} has received a job offer{detail}! You've been in their corner through "
              f"the search, and they wanted you to know. A quick congratulations would mean a lot."),
    )


def nudge_sent_note(names: list[str], shared_details: bool) -> Text:
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    privacy = ("You allowed details, so they saw the reason you shared." if shared_details
               else "Nothing about companies, roles or rejections was shared.")
    return Text(subject=f"We let {listed} know you could use a kind word",
                body=f"{listed} got a short, kind note from us. {privacy}")
