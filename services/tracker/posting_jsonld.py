"""A schema.org JobPosting in a page's JSON-LD, as the fields of an application.

Job boards and careers sites publish it for search engines; shapes vary a lot
(a lone object, a list, an @graph, names as text or as objects), so every
lookup here is forgiving and a block that is not JSON is simply skipped.
"""
from __future__ import annotations

import json
from collections.abc import Iterator

from services.tracker.posting_html import html_to_text

PERIODS = {"YEAR": "year", "ANNUAL": "year", "MONTH": "month", "WEEK": "week", "DAY": "day", "HOUR": "hour"}


def job_postings(blocks: list[str]) -> Iterator[dict]:
    """Every JobPosting object in the page's JSON-LD blocks, in page order."""
    for block in blocks:
        try:
            data = json.loads(block.strip().removeprefix("<!--").removesuffix("-->"), strict=False)
        except ValueError:
            continue
        yield from _find(data, depth=0)


def _find(node, depth: int) -> Iterator[dict]:
    if depth > 6:
        return
    if isinstance(node, list):
        for item in node:
            yield from _find(item, depth + 1)
    elif isinstance(node, dict):
        kinds = node.get("@type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if "JobPosting" in kinds:
            yield node
        elif "@graph" in node:
            yield from _find(node["@graph"], depth + 1)


def _name(value) -> str:
    """A name given as text, as an object with `name`, or as a list of either (the first)."""
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("name") or ""
    return " ".join(str(value).split()) if isinstance(value, str | int | float) else ""


def _place(location) -> str:
    """"Berlin, Germany" from a Place, its PostalAddress, or plain text."""
    if isinstance(location, str):
        return " ".join(location.split())
    if not isinstance(location, dict):
        return ""
    address = location.get("address", location)
    if isinstance(address, str):
        return " ".join(address.split())
    if not isinstance(address, dict):
        return _name(location)
    parts = [_name(address.get(k)) for k in ("addressLocality", "addressRegion", "addressCountry")]
    return ", ".join(dict.fromkeys(p for p in parts if p)) or _name(location)


def _location(posting: dict) -> str:
    places = posting.get("jobLocation")
    places = places if isinstance(places, list) else [places]
    return "; ".join(dict.fromkeys(p for p in (_place(place) for place in places) if p))


def _number(value) -> int | None:
    try:
        number = round(float(str(value).replace(",", "")))
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def salary(base) -> dict:
    """MonetaryAmount (or a bare number) as salary_min / salary_max / currency / period."""
    if isinstance(base, list):
        base = base[0] if base else None
    if not isinstance(base, dict):
        amount = _number(base)
        return {} if amount is None else {"salary_min": amount, "salary_max": amount}
    value = base.get("value")
    found: dict = {}
    if isinstance(value, dict):
        low = _number(value.get("minValue", value.get("value")))
        high = _number(value.get("maxValue", value.get("value")))
        found.update(salary_min=low if low is not None else high, salary_max=high if high is not None else low)
        unit = str(value.get("unitText") or base.get("unitText") or "").upper()
    else:
        found.update(salary_min=_number(value), salary_max=_number(value))
        unit = str(base.get("unitText") or "").upper()
    currency = str(base.get("currency") or "").strip().upper()
    if len(currency) == 3 and currency.isalpha():
        found["salary_currency"] = currency
    if unit in PERIODS:
        found["salary_period"] = PERIODS[unit]
    return {k: v for k, v in found.items() if v is not None}


def posting_fields(posting: dict) -> dict:
    """The application's fields this JobPosting gives; missing ones are left out."""
    fields = {
        "role": _name(posting.get("title")),
        "company": _name(posting.get("hiringOrganization")),
        "location": _location(posting),
        "notes": html_to_text(posting["description"]) if isinstance(posting.get("description"), str) else "",
        "url": posting.get("url") if isinstance(posting.get("url"), str) else "",
    }
    if "TELECOMMUTE" in str(posting.get("jobLocationType", "")).upper():
        fields["work_mode"] = "remote"
        fields["location"] = fields["location"] or "Remote"
    fields.update(salary(posting.get("baseSalary") or posting.get("estimatedSalary")))
    return {k: v for k, v in fields.items() if v not in ("", None)}
