"""A posting pasted as plain text: the labelled lines people and job boards write, and a salary.

Guesses only where the text says so plainly ("Company: …", "Role at Company",
"€50,000–60,000 per year"); everything else is left for the person to fill in.
The whole text is kept as the notes, so nothing they pasted is lost.
"""
from __future__ import annotations

import re

from services.tracker.posting_html import tidy_text

_LABELS = {
    "company": r"company|employer|organi[sz]ation|hiring company",
    "role": r"job title|title|role|position|job",
    "location": r"location|based in|office|where",
    "salary": r"salary|pay|compensation|salary range|pay range",
}
_LABELLED = {name: re.compile(rf"^\s*(?:{words})\s*[:\-–]\s*(?P<value>\S.*)$", re.I | re.M)
             for name, words in _LABELS.items()}
_ROLE_AT = re.compile(r"^(?P<role>.{2,120}?)\s+at\s+(?P<company>[^|\n]{2,120}?)(?:\s+[|\-–]\s.*)?$")

_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP"}
_CURRENCY = r"(?:[$€£]|\b(?:USD|EUR|GBP|CHF|CAD|AUD|NZD|SEK|NOK|DKK|PLN|INR|JPY)\b)"
_NUMBER = r"\d{1,3}(?:[,.' ]\d{3})+(?!\d)|\d+(?:\.\d+)?"
_SALARY = re.compile(
    rf"(?P<c1>{_CURRENCY})?\s?(?P<low>{_NUMBER})\s?(?P<k1>k\b)?"
    rf"(?:\s?(?:-|–|—|to)\s?(?P<c2>{_CURRENCY})?\s?(?P<high>{_NUMBER})\s?(?P<k2>k\b)?)?"
    rf"\s?(?P<c3>{_CURRENCY})?"
    r"(?:\s?(?:per|a|an|/)\s?(?P<period>year|annum|yr|month|mo|week|wk|day|hour|hr)\b)?", re.I)
_PERIODS = {"year": "year", "annum": "year", "yr": "year", "month": "month", "mo": "month", "week": "week",
            "wk": "week", "day": "day", "hour": "hour", "hr": "hour"}


def _amount(text: str, thousands: bool) -> int:
    digits = re.sub(r"[,.' ](?=\d{3}(?:\D|$))", "", text)
    value = float(digits) if digits.replace(".", "", 1).isdigit() else 0.0
    return round(value * 1000 if thousands else value)


def salary_in(text: str) -> dict:
    """The first amount or range with a currency in `text`, as salary fields."""
    for match in _SALARY.finditer(text):
        currency = match["c1"] or match["c2"] or match["c3"]
        if not currency:
            continue
        high_k = bool(match["k2"]) or (bool(match["k1"]) and match["high"] is None)
        low = _amount(match["low"], bool(match["k1"]) or (high_k and _amount(match["low"], False) < 1000))
        high = _amount(match["high"], high_k) if match["high"] else low
        found = {"salary_min": min(low, high), "salary_max": max(low, high),
                 "salary_currency": _SYMBOLS.get(currency, currency.upper())}
        if match["period"]:
            found["salary_period"] = _PERIODS[match["period"].lower()]
        return found
    return {}


def _work_mode(location: str) -> str | None:
    lowered = location.lower()
    return "hybrid" if "hybrid" in lowered else "remote" if "remote" in lowered else None


def text_fields(text: str) -> dict:
    """What a pasted posting says about the company, role, place and pay; the text itself as notes."""
    text = tidy_text(text)
    fields: dict = {}
    for name in ("company", "role", "location"):
        found = _LABELLED[name].search(text)
        if found:
            fields[name] = found["value"].strip()
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    role_at = _ROLE_AT.match(first_line)
    if role_at:
        fields.setdefault("role", role_at["role"].strip())
        fields.setdefault("company", role_at["company"].strip())
    elif first_line and len(first_line) <= 120 and not _LABELLED["company"].match(first_line):
        fields.setdefault("role", first_line.strip())
    pay = _LABELLED["salary"].search(text)
    fields.update((pay and salary_in(pay["value"])) or salary_in(text))
    mode = _work_mode(fields.get("location", ""))
    if mode:
        fields["work_mode"] = mode
    fields["notes"] = text
    return {k: v for k, v in fields.items() if v not in ("", None)}
