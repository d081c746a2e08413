"""What a job posting's HTML page holds for us: its JSON-LD blocks, meta tags, title and text.

The standard library's tolerant HTMLParser: pages in the wild are rarely valid, and
nothing here runs the page's scripts or fetches anything it links to.
"""
from __future__ import annotations

import html as entities
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_SKIPPED = {"script", "style", "noscript", "template", "svg"}
_BLOCKS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article"}
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


@dataclass
class PageParts:
    json_ld: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)   # property or name, lower case -> content
    title: str = ""
    text: str = ""


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = PageParts()
        self._open: list[str] = []       # elements whose text we skip, innermost last
        self._json_ld: list[str] | None = None
        self._title: list[str] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            self._meta(attributes)
        elif tag == "script" and attributes.get("type", "").strip().lower() == "application/ld+json":
            self._json_ld = []
        elif tag == "title" and self._title is None and not self.parts.title:
            self._title = []
        if tag in _SKIPPED:
            self._open.append(tag)
        elif tag in _BLOCKS:
            self._text.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag == "meta":
            self._meta({k.lower(): (v or "") for k, v in attrs})
        elif tag == "br":
            self._text.append("\n")

    def handle_endtag(self, tag):
        if tag == "script" and self._json_ld is not None:
            self.parts.json_ld.append("".join(self._json_ld))
            self._json_ld = None
        if tag == "title" and self._title is not None:
            self.parts.title = " ".join("".join(self._title).split())
            self._title = None
        if tag in _SKIPPED and tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag):]
        elif tag in _BLOCKS:
            self._text.append("\n")

    def handle_data(self, data):
        if self._json_ld is not None:
            self._json_ld.append(data)
        elif self._title is not None:
            self._title.append(data)
        elif not self._open:
            self._text.append(data)

    def _meta(self, attributes: dict[str, str]) -> None:
        key = (attributes.get("property") or attributes.get("name") or "").strip().lower()
        content = " ".join(attributes.get("content", "").split())
        if key and content and key not in self.parts.meta:
            self.parts.meta[key] = content


def tidy_text(text: str) -> str:
    """Runs of spaces as one, at most one blank line in a row, no spaces at line ends."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def page_parts(html: str) -> PageParts:
    """Split a page into the parts a posting's details may come from."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    collector.parts.text = tidy_text("".join(collector._text))
    return collector.parts


def html_to_text(fragment: str) -> str:
    """A description written in HTML (as JSON-LD often carries it) as plain text."""
    if "<" not in fragment and "&lt;" in fragment:
        fragment = entities.unescape(fragment)  # markup escaped once more, as some job boards send it
    if "<" not in fragment:
        return tidy_text(entities.unescape(fragment))
    return page_parts(f"<body>{fragment}</body>").text
