"""The numbers a scenario is judged by, and a command to print them.

    python -m tests.scenarios.figures

plays Maya's search in a temporary directory and prints inbox items per
rejection, e-mails in the hour after the three rejections of one evening, and
texts the person met more than once within 30 days.
"""
from __future__ import annotations

import statistics
import tempfile
from collections import Counter, defaultdict
from datetime import timedelta

from tests.scenarios.world import Seen

REPEAT_WINDOW = timedelta(days=30)


def texts_of(seen: Seen) -> list[str]:
    """The separate messages in one inbox item: the item (title and body) and each section (title and body)."""
    texts = [f"{seen.title} / {seen.body}"]
    texts += [f"{s.get('title', '')} / {s.get('body', '')}" for s in seen.sections]
    return [" ".join(t.split()) for t in texts]


def repeated_texts(log: list[Seen]) -> list[tuple[str, int]]:
    """Messages met at least twice within 30 days, with how often.

    A message is an inbox item (title and body) or a section of a coach card (title and body).
    E-mails copy inbox items, and the notifier's daily digest has its own fixed wording: neither counts.
    """
    when: dict[str, list] = defaultdict(list)
    for seen in log:
        if seen.what != "inbox" or seen.cause == "digest":
            continue
        for text in texts_of(seen):
            when[text].append(seen.at)
    repeats = []
    for text, times in when.items():
        times.sort()
        close = sum(1 for a, b in zip(times, times[1:]) if b - a < REPEAT_WINDOW)
        if close:
            repeats.append((text, close + 1))
    return sorted(repeats, key=lambda r: -r[1])


def figures(world, facts: dict) -> dict:
    rejections = facts["rejections"]
    per_rejection = [r["inbox_items"] for r in rejections]
    evening = next(r["at"] for r in rejections if r["app"] == 2)
    mails_first_hour = [m for m in world.mails if evening <= m.at < evening + timedelta(hours=1)]
    repeats = repeated_texts(world.log)
    by_day = defaultdict(int)
    for mail in world.mails:
        by_day[mail.at.date()] += 1
    # A digest's own item is born read and archived: it is the e-mail's copy, never shown in the inbox.
    shown = [i for i in world.inbox() if i.archived_at is None or i.kind != "digest"]
    kinds = Counter(i.kind for i in shown)
    return {
        "inbox_items_total": len(shown),
        "inbox_items_by_kind": dict(sorted(kinds.items())),
        "inbox_items_per_rejection": per_rejection,
        "inbox_items_per_rejection_mean": round(statistics.mean(per_rejection), 1),
        "inbox_items_after_three_rejections": sum(per_rejection[2:5]),
        "mails_in_hour_after_three_rejections": len(mails_first_hour),
        "mails_total": len(world.mails),
        "mails_most_in_a_day": max(by_day.values(), default=0),
        "repeated_texts": len(repeats),
        "repeated_examples": repeats[:8],
    }


def main() -> None:
    from _pytest.monkeypatch import MonkeyPatch

    from tests.scenarios import persona
    from tests.scenarios.world import World

    with tempfile.TemporaryDirectory() as tmp:
        patch = MonkeyPatch()
        world = World(tmp, patch, persona.START)
        try:
            facts = persona.run(world)
            for name, value in figures(world, facts).items():
                print(f"{name}: {value}")
        finally:
            world.close()
            patch.undo()


if __name__ == "__main__":
    main()
