"""How much the coach says about one moment, and in what order: a pure function.

The playbook's rules decide *what* could be said; `compose` decides what goes
into the one card a person sees. Sections are ordered by priority (safety,
feelings, reflection, one next step, the rest); at most one of each kind;
contradictions are settled (self-care beats "one more application"; a person
in distress is offered support, not tasks); a text said in the last 30 days is
said another way or not at all. Nothing here reads the database: the caller
passes what was said lately.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta

# Lower is more important. A card shows its sections in this order.
PRIORITY = ("safety", "feelings", "reflection", "selfcare", "feedback", "next_step", "review", "win", "goal",
            "insight")
# Only one of these per card: a person takes one step at a time. The first in PRIORITY wins.
ONE_STEP = ("feedback", "next_step")
# When someone is in distress: support and kindness only, no tasks, no numbers.
DISTRESS_KEEPS = ("safety", "feelings", "selfcare")
# Asking someone to rest and to send one more application in the same breath contradicts itself.
REST_DROPS = ("next_step",)
# However many moments come close together, these are offered at most once in this long.
# Safety prompted by the person's own words is never spaced (see `_spacing`).
SPACING = {"feelings": timedelta(hours=20), "next_step": timedelta(hours=20), "selfcare": timedelta(hours=48),
           "insight": timedelta(days=3), "safety": timedelta(hours=72), "goal": timedelta(hours=72)}


@dataclass(frozen=True)
class Variant:
    """One phrasing of a text: `key` names it (the same key is the same text, whatever the facts)."""
    key: str
    title: str
    body: str


@dataclass(frozen=True)
class Section:
    kind: str
    variants: tuple[Variant, ...]
    link: str | None = None
    rule_id: str = ""
    chosen: Variant | None = None
    source: int | None = None  # which of the caller's actions it came from

    @property
    def text(self) -> Variant:
        return self.chosen or self.variants[0]

    def as_dict(self) -> dict:
        return {"kind": self.kind, "title": self.text.title, "body": self.text.body, "link": self.link}


@dataclass(frozen=True)
class Budget:
    """Calm defaults; a person's settings may change them (Profile.coach_budget)."""
    max_sections: int = 4
    cards_per_day: int = 3
    repeat_days: int = 30


@dataclass
class Composed:
    sections: list[Section] = field(default_factory=list)
    dropped: list[Section] = field(default_factory=list)  # said before, contradicted, or over the cap

    @property
    def keys(self) -> list[str]:
        return [s.text.key for s in self.sections]


def rank(kind: str) -> int:
    return PRIORITY.index(kind) if kind in PRIORITY else len(PRIORITY)


def compose(candidates: list[Section], said: set[str] | frozenset[str] = frozenset(),
            budget: Budget = Budget(), since: dict[str, timedelta] | None = None) -> Composed:
    """The sections one card shows, best first, and what was left out.

    `said`: keys of phrasings shown in the last `budget.repeat_days`; `since`: how long ago
    each section kind was last shown (for SPACING).
    """
    result = Composed()
    kept: list[Section] = []
    since = since or {}
    for section in sorted(candidates, key=lambda s: rank(s.kind)):
        fresh = next((v for v in section.variants if v.key not in said and v.key not in _keys(kept)), None)
        gap = _spacing(section)
        too_soon = gap is not None and since.get(section.kind, gap) < gap
        if fresh is None or too_soon or any(s.kind == section.kind for s in kept):
            result.dropped.append(section)
            continue
        kept.append(replace(section, chosen=fresh))
    kept, contradicted = _settle(kept)
    result.dropped += contradicted
    result.sections, over = kept[:budget.max_sections], kept[budget.max_sections:]
    result.dropped += over
    return result


def _spacing(section: Section) -> timedelta | None:
    if section.kind == "safety" and section.rule_id.endswith(".safety_words"):
        return None
    return SPACING.get(section.kind)


def _keys(sections: list[Section]) -> set[str]:
    return {s.text.key for s in sections}


def _settle(sections: list[Section]) -> tuple[list[Section], list[Section]]:
    """Drop what contradicts a more important section; (kept, dropped)."""
    kinds = {s.kind for s in sections}
    drop: set[str] = set()
    if "safety" in kinds:
        drop |= {k for k in kinds if k not in DISTRESS_KEEPS}
    if "selfcare" in kinds:
        drop |= set(REST_DROPS)
    steps = [k for k in ONE_STEP if k in kinds]
    drop |= set(steps[1:])
    return [s for s in sections if s.kind not in drop], [s for s in sections if s.kind in drop]
