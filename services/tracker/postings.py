"""A job posting (a page's HTML, or text someone pasted) as the fields of a new application.

Where the details come from, best first: the schema.org JobPosting in the page's
JSON-LD, then its meta tags (og:title, og:site_name, description…), then the
visible text. The person checks everything before saving; nothing is saved here.
"""
from __future__ import annotations

import re

from services.tracker.posting_html import PageParts, page_parts
from services.tracker.posting_jsonld import job_postings, posting_fields
from services.tracker.posting_text import text_fields

LIMITS = {"company": 200, "role": 200, "location": 200, "notes": 20000, "url": 2000}
_MOST = 100_000_000
_ROLE_AT = re.compile(r"^(?P<role>.{2,120}?)\s+at\s+(?P<company>.{2,120}?)$")
_LOOKS_LIKE_HTML = re.compile(r"<(?:!doctype|html|head|body|meta|script)\b", re.I)


def _without_site(title: str, site: str) -> str:
    """"Gardener | Acme Careers" as "Gardener"; " - " only ends a title when the site is named after it."""
    head, bar, _ = title.rpartition(" | ")
    if bar and head:
        return head
    head, dash, tail = title.rpartition(" - ")
    return head if dash and head and site and site.lower() in tail.lower() else title


def _meta_fields(parts: PageParts) -> dict:
    meta = parts.meta
    title = meta.get("og:title") or meta.get("twitter:title") or parts.title
    fields = {"company": meta.get("og:site_name", ""),
              "notes": meta.get("og:description") or meta.get("description") or meta.get("twitter:description", ""),
              "url": meta.get("og:url", "")}
    title = _without_site(title, fields["company"])
    role_at = _ROLE_AT.match(title)
    if role_at:  # "Gardener at Acme" names the employer better than the site it is on
        fields.update(role=role_at["role"], company=role_at["company"])
    else:
        fields["role"] = title
    return {k: v.strip() for k, v in fields.items() if v and v.strip()}


def _within_limits(fields: dict) -> dict:
    """Cut texts to what the tracker stores; keep a salary range the right way round."""
    kept = {}
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()[:LIMITS.get(name, 200)].strip()
        elif isinstance(value, int):
            value = min(value, _MOST)
        if value not in ("", None):
            kept[name] = value
    if not str(kept.get("url", "")).lower().startswith(("http://", "https://")):
        kept.pop("url", None)
    low, high = kept.get("salary_min"), kept.get("salary_max")
    if low is not None and high is not None and low > high:
        kept["salary_min"], kept["salary_max"] = high, low
    return kept


def read_page(html: str, url: str | None = None) -> dict:
    """{"fields": …, "read_from": "json_ld" | "meta_tags" | "text" | None} for a posting's page."""
    parts = page_parts(html)
    structured = next((found for found in map(posting_fields, job_postings(parts.json_ld))
                       if found.get("role") or found.get("company")), {})
    meta = _meta_fields(parts)
    if structured:
        fields, read_from = {**meta, **structured}, "json_ld"
    elif meta.get("role"):
        fields, read_from = meta, "meta_tags"
    elif parts.text:
        fields, read_from = text_fields(parts.text), "text"
    else:
        fields, read_from = {}, None
    if url:
        fields["url"] = url  # the address the person gave, not a canonical one the page claims
    return {"fields": _within_limits(fields), "read_from": read_from}


def read_pasted(text: str) -> dict:
    """The same for pasted text, which may be a page's source as well as its words."""
    if _LOOKS_LIKE_HTML.search(text):
        return read_page(text)
    fields = text_fields(text)
    return {"fields": _within_limits(fields), "read_from": "text" if fields else None}
