"""Reading other trackers' CSV files: header aliases, stage names, dates and salaries."""
from __future__ import annotations

import re
from datetime import date, datetime

from shared.events import STAGES

ALIASES = {
    "company": ("company", "company name", "employer", "employer name", "organization", "organisation"),
    "role": ("role", "title", "position", "job title", "job position", "job"),
    "stage": ("stage", "status", "list", "list name"),
    "applied_on": ("applied on", "date applied", "applied", "application date", "applied date"),
    # when the row was saved to the other tracker: the applied date when there is no other
    "created_on": ("created", "date created", "created at", "created date", "added", "date added"),
    # when the row reached the stage it is in now (Huntr's list moves, a rejection's date)
    "stage_on": ("last moved", "moved at", "moved to list", "list changed", "list changed at",
                 "stage changed", "stage changed at", "stage date", "status date", "date moved"),
    "url": ("url", "link", "job url", "job link", "posting url", "job posting url"),
    "location": ("location",),
    "work_mode": ("work mode", "workplace type"),
    "salary": ("salary", "compensation"),
    "salary_min": ("salary min", "min salary", "salary minimum"),
    "salary_max": ("salary max", "max salary", "salary maximum"),
    "salary_currency": ("salary currency", "currency"),
    "salary_period": ("salary period",),
    "source": ("source",),
    "channel": ("channel",),
    "role_category": ("role category", "category"),
    "notes": ("notes", "note", "description"),
    "excitement": ("excitement",),
    "follow_up_on": ("follow up date", "follow up on", "follow up"),
    "resume_version": ("resume version", "resume name", "resume"),
    "cover_letter_version": ("cover letter version", "cover letter"),
    "tags": ("tags",),
    "history": ("history",),
    "rejection_reason": ("rejection reason",),
}
_BY_ALIAS = {alias: field for field, aliases in ALIASES.items() for alias in aliases}
# How plainly a header names its field: lower is plainer ("Notes" before "Description").
_RANK = {alias: rank for aliases in ALIASES.values() for rank, alias in enumerate(aliases)}

STAGE_NAMES = {
    "saved": ("wishlist", "wish list", "saved", "bookmarked", "interested", "to apply", "applying"),
    "applied": ("applied", "application sent", "submitted"),
    "screening": ("screening", "screen", "phone screen", "recruiter screen", "in review"),
    "interview": ("interview", "interviewing", "interviews"),
    "final_interview": ("final interview", "final round", "final interview round"),
    "offer": ("offer", "offered", "offer received", "negotiating", "negotiation"),
    "accepted": ("accepted", "hired", "offer accepted"),
    "rejected": ("rejected", "not selected", "rejection", "declined"),
    "withdrawn": ("withdrawn", "withdrew", "i withdrew"),
    "ghosted": ("ghosted", "no response"),
}
_STAGE_BY_NAME = {name: stage for stage, names in STAGE_NAMES.items() for name in names}
_DATE_FORMATS = ("%m/%d/%y, %I:%M %p", "%m/%d/%Y, %I:%M %p", "%m/%d/%y %I:%M %p", "%m/%d/%Y %H:%M",
                 "%m/%d/%y", "%m/%d/%Y", "%Y/%m/%d", "%d.%m.%Y", "%b %d, %Y", "%B %d, %Y",
                 "%d %b %Y", "%d %B %Y")
_CURRENCY_SIGNS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
# Trackers that flatten a job object into columns prefix its fields ("job.companyName", "job_title").
_PREFIXES = ("job ", "application ", "opportunity ")


def normalise_header(header: str) -> str:
    """Any header style to lower-case words: "companyName", "company_name", "Company Name",
    "COMPANY-NAME" and "company.name" all read "company name"."""
    spaced = _CAMEL.sub(" ", header.strip().lstrip("\ufeff"))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", spaced.lower()).split())


def _match(header: str) -> tuple[str, int] | None:
    """Our field for a column header and how plainly it names it, also when a flattening
    prefix ("job.") comes before it."""
    name = normalise_header(header)
    for prefix in ("",) + _PREFIXES:
        if name.startswith(prefix) and name[len(prefix):] in _BY_ALIAS:
            alias = name[len(prefix):]
            return _BY_ALIAS[alias], _RANK[alias]
    return None


def field_for(header: str) -> str | None:
    """Our field for a column header."""
    found = _match(header)
    return found[0] if found else None


def map_headers(headers: list[str]) -> dict[int, str]:
    """Column index -> our field. When two columns mean the same field the plainer header wins
    ("Date Applied" over "Created"), then the first; a lone creation date is the applied date."""
    best: dict[str, tuple[int, int]] = {}
    for index, header in enumerate(headers):
        found = _match(header)
        if found and (found[0] not in best or found[1] < best[found[0]][0]):
            best[found[0]] = (found[1], index)
    mapping = {index: field for field, (_, index) in best.items()}
    if "created_on" in best and "applied_on" not in best:
        mapping[best["created_on"][1]] = "applied_on"
    return dict(sorted(mapping.items()))


def detect_format(headers: list[str]) -> str:
    names = {normalise_header(h) for h in headers}
    if {"history", "channel"} <= names:
        return "rebound"
    if {"application date", "company name", "job title"} <= names:
        return "linkedin"
    if names & {"list", "list name"}:
        return "huntr"
    if "excitement" in names or {"company name", "status"} <= names:
        return "teal"
    return "generic"


def parse_stage(text: str) -> str | None:
    """Our stage for a tracker's stage name; None when we don't know it."""
    name = normalise_header(text)
    if not name:
        return "applied"
    if name.replace(" ", "_") in STAGES:
        return name.replace(" ", "_")
    return _STAGE_BY_NAME.get(name)


def parse_date(text: str) -> date | None:
    """A date in any format we've seen trackers write; ValueError if unreadable."""
    text = text.strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_money(text: str) -> int | None:
    """'85,000', '85k', '$85000.00' -> 85000; ValueError if it isn't an amount."""
    cleaned = re.sub(r"[^0-9.kK]", "", text)
    if not cleaned:
        return None
    factor = 1000 if cleaned[-1] in "kK" else 1
    return int(round(float(cleaned.rstrip("kK")) * factor))


def parse_salary(text: str) -> dict:
    """'$80,000 - $100,000', '80k-95k EUR' -> salary_min/max/currency."""
    text = text.strip()
    if not text:
        return {}
    parts = [p for p in re.split(r"\s*(?:-|–|to)\s*", text) if p.strip()]
    amounts = [parse_money(p) for p in parts[:2]]
    amounts = [a for a in amounts if a is not None]
    if not amounts:
        raise ValueError(text)
    result = {"salary_min": amounts[0], "salary_max": amounts[-1]}
    code = re.search(r"\b([A-Z]{3})\b", text)
    sign = next((c for s, c in _CURRENCY_SIGNS.items() if s in text), None)
    if code or sign:
        result["salary_currency"] = code.group(1) if code else sign
    return result


def parse_history(text: str) -> list[tuple[date, str]]:
    """Our export's history column: '2026-01-05 applied; 2026-01-20 screening'."""
    entries = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        day, _, stage = part.partition(" ")
        if stage.strip() not in STAGES:
            raise ValueError(part)
        entries.append((date.fromisoformat(day), stage.strip()))
    return sorted(entries, key=lambda e: e[0])
