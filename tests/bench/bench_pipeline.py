"""(2) pipeline throughput, (3) latency, (6) import + coach effects, (7) memory.

Everything runs against the real processes (tests/e2e/harness). Completion is
read straight from the coach's and notifier's databases for the throughput
figures (an observer that costs the stack almost nothing), and through the
public API for latency, as the brief defines it. A rejection is handled when its
coach card (the coach's `coach_cards`) has its inbox item (kind `coach_card`, ref
`card:<card_id>`, link `/inbox#card-<card_id>`) in the notifier.
"""
from __future__ import annotations

import itertools
import random
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone


from .infra import database_url, scalar
from .stats import percentile, rate

LINK = re.compile(r"#card-([0-9a-f-]+)$")
REJECTION_CARDS = ("SELECT card_id FROM coach_cards WHERE user_id = :u AND cause_type = 'application.rejected' "
                   "AND status = 'sent' AND application_id BETWEEN :lo AND :hi")


def import_csv(api, rows: int, seed: int) -> float:
    """Import `rows` applied-stage applications through the public API's import; the seconds it took."""
    rng = random.Random(seed)
    lines = ["Company,Role,Status,Date Applied,Source"]
    for i in range(rows):
        lines.append(f"Bench {seed} Co {i},Engineer {rng.randint(1, 99)},Applied,"
                     f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d},LinkedIn")
    body = ("\n".join(lines) + "\n").encode()
    started = time.perf_counter()
    reply = api.http.post(f"{api.base}/applications/import", files={"file": ("bench.csv", body, "text/csv")},
                          timeout=300)
    seconds = time.perf_counter() - started
    assert reply.status_code == 200, reply.text[:500]
    return seconds


def application_ids(stack, user_id: str) -> list[int]:
    from sqlalchemy import create_engine, text
    engine = create_engine(database_url(stack, "tracker"))
    with engine.connect() as conn:
        ids = list(conn.execute(text("SELECT id FROM applications WHERE user_id = :u AND stage = 'applied' "
                                     "ORDER BY id"), {"u": user_id}).scalars())
    engine.dispose()
    return ids


def coach_facts(stack, user_id: str) -> int:
    return scalar(database_url(stack, "coach"),
                  "SELECT count(*) FROM application_facts WHERE user_id = :u", u=user_id)


def wait_for(predicate, timeout: float, interval: float = 0.1) -> float | None:
    """Seconds until predicate() is true, or None at the deadline."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if predicate():
            return time.perf_counter() - started
        time.sleep(interval)
    return None


def import_and_settle(stack, api, user_id: str, rows: int, seed: int,
                      timeout: float = 180) -> tuple[float, float | None]:
    """(6): seconds the import took, then seconds until the coach has noted every row (None at `timeout`)."""
    before = coach_facts(stack, user_id)
    seconds = import_csv(api, rows, seed)
    settled = wait_for(lambda: coach_facts(stack, user_id) >= before + rows, timeout=timeout, interval=0.25)
    return seconds, settled


@dataclass
class Burst:
    recorded_per_s: float
    handled_per_s: float
    handled_s: float | None


@dataclass
class Person:
    api: object  # tests.e2e.harness.Api
    user_id: str
    app_ids: list[int]


# The burst's and latency runs' rejections come from this many people in turn, as a server's load does: one
# person with thousands of cards in a day (no one gets more than 10) would make each card cost more than it
# does, because the coach reads a person's recent cards to space what it says.
PEOPLE = 10


def make_people(stack, prefix: str, applications: int, count: int = PEOPLE) -> list[Person]:
    """`count` people (bench budgets: infra.UNHELD_BUDGET) sharing `applications` applied-stage applications."""
    from . import seed
    from .infra import api_user
    made = [api_user(stack, f"{prefix}-{i}@bench.example") for i in range(count)]
    seed.applications(database_url(stack, "tracker"), [user_id for _, user_id in made], -(-applications // count),
                      stage="applied")
    return [Person(api, user_id, application_ids(stack, user_id)) for api, user_id in made]


def in_turn(people: list[Person]) -> list[tuple[object, int]]:
    """(api, application id) for every application, one person after another."""
    longest = max(len(p.app_ids) for p in people)
    return [(p.api, p.app_ids[k]) for k in range(longest) for p in people if k < len(p.app_ids)]


def all_carded(stack, people: list[Person]) -> bool:
    """Every person's rejections have their coach cards, and every card its inbox item."""
    from sqlalchemy import create_engine, text
    coach, notifier = create_engine(database_url(stack, "coach")), create_engine(database_url(stack, "notifier"))
    try:
        with coach.connect() as c_conn, notifier.connect() as n_conn:
            for person in people:
                where = {"u": person.user_id, "lo": min(person.app_ids), "hi": max(person.app_ids)}
                cards = {f"card:{c}" for c in c_conn.execute(text(REJECTION_CARDS), where).scalars()}
                if len(cards) < len(person.app_ids):  # the coach is still at work: no need to ask the notifier
                    return False
                refs = set(n_conn.execute(text("SELECT ref FROM notifications WHERE user_id = :u "
                                               "AND kind = 'coach_card'"), {"u": person.user_id}).scalars())
                if not cards <= refs:
                    return False
        return True
    finally:
        coach.dispose()
        notifier.dispose()


def burst(stack, people: list[Person], clients: int = 8, timeout: float = 240,
          per_second: float | None = None) -> Burst:
    """(2): reject every application of `people` at once from `clients` threads; wait until all are handled.

    With `per_second`, the rejections are sent at that steady rate instead (from up to 32 threads).
    """
    turns = in_turn(people)
    started = time.perf_counter()

    def reject(job: tuple[int, tuple[object, int]]) -> int:
        index, (api, app_id) = job
        if per_second:
            time.sleep(max(0.0, started + index / per_second - time.perf_counter()))
        return api.post(f"/applications/{app_id}/rejection", {"reason": "other"}).status_code

    with ThreadPoolExecutor(32 if per_second else clients) as pool:
        statuses = list(pool.map(reject, enumerate(turns)))
    recorded_s = time.perf_counter() - started
    bad = [s for s in statuses if s != 201]
    assert not bad, f"{len(bad)} of {len(turns)} rejections failed, e.g. {bad[0]}"
    n = len(turns)
    settled = wait_for(lambda: all_carded(stack, people), timeout=timeout, interval=0.25)
    total = recorded_s + settled if settled is not None else None
    return Burst(rate(n, recorded_s), rate(n, total) if total else 0.0, total)


# How often the latency watcher reads an inbox through the API: each read costs the stack it measures
# (frontend, notifier, database), so it reads a few times a second, one person's inbox after another, and
# takes the time each item was stored from the item itself rather than from when a poll happened to see it.
WATCH_EVERY_S = 0.1
@dataclass
class Latency:
    stored_ms: list[float]  # API answer -> inbox item stored (its created_at, as the public API shows it)
    seen_ms: list[float]  # API answer -> a poll of the public API first showed it (adds up to one round of polls)
    poll_ms: list[float]  # how long each poll of the inbox took


def latency(stack, people: list[Person], per_second: float, seconds: float, wait_s: float = 60) -> Latency:
    """(3): open-loop rejections at a steady rate, from `people` in turn; when each one's inbox item was
    stored and seen.

    Times are wall-clock (time.time) on both sides: the processes share this machine's clock.
    An item never seen within the wait counts as infinitely late.
    """
    turns = in_turn(people)
    count = min(len(turns), int(per_second * seconds))
    answered: dict[int, float] = {}
    seen: dict[int, tuple[float, float]] = {}  # application id -> (stored at, seen at)
    polls: list[float] = []
    stop = threading.Event()
    watcher = threading.Thread(target=_watch, args=(stack, [p.api for p in people], seen, polls, stop),
                               daemon=True)
    watcher.start()

    def reject(api, app_id: int, due: float) -> None:
        time.sleep(max(0.0, due - time.perf_counter()))
        reply = api.post(f"/applications/{app_id}/rejection", {"reason": "other"})
        if reply.status_code == 201:
            answered[app_id] = time.time()

    start = time.perf_counter() + 0.2
    with ThreadPoolExecutor(32) as pool:
        for i, (api, app_id) in enumerate(turns[:count]):
            pool.submit(reject, api, app_id, start + i / per_second)
    wait_for(lambda: set(answered) <= set(seen), timeout=wait_s, interval=0.1)
    stop.set()
    watcher.join(10)

    def late(app_id: int, which: int) -> float:
        return max(0.0, (seen[app_id][which] - answered[app_id]) * 1000) if app_id in seen else float("inf")

    return Latency([late(a, 0) for a in answered], [late(a, 1) for a in answered], polls)


def _epoch(stamp: str) -> float:
    """A naive-UTC ISO timestamp from the API as seconds since the epoch."""
    return datetime.fromisoformat(stamp).replace(tzinfo=timezone.utc).timestamp()


def _watch(stack, apis: list, seen: dict[int, tuple[float, float]], polls: list[float],
           stop: threading.Event) -> None:
    """Read each person's inbox in turn through the public API; note when each application's rejection card
    was stored and seen."""
    from sqlalchemy import bindparam, create_engine, text
    coach = create_engine(database_url(stack, "coach"))
    to_applications = text("SELECT card_id, application_id FROM coach_cards WHERE card_id IN :ids "
                           "AND cause_type = 'application.rejected'").bindparams(bindparam("ids", expanding=True))
    known: set[str] = set()
    try:
        for turn in itertools.count():
            if stop.is_set():
                break
            api = apis[turn % len(apis)]
            asked = time.perf_counter()
            # Only the coach cards it waits for, and a page that covers a second of them at 50/s:
            # the whole inbox, 100 at a time, cost the stack more than the rejections being measured.
            items = api.get("/notifications", kind="coach_card", limit=50).json().get("items", [])
            polls.append((time.perf_counter() - asked) * 1000)
            now = time.time()
            fresh = {}
            for item in items:
                match = LINK.search(item.get("link") or "")
                if match and match.group(1) not in known:
                    fresh[match.group(1)] = (_epoch(item["created_at"]), now)
            if fresh:
                with coach.connect() as conn:
                    pairs = conn.execute(to_applications, {"ids": list(fresh)}).all()
                known.update(fresh)  # cards about anything else are not waited for either
                for card_id, app_id in pairs:
                    seen.setdefault(app_id, fresh[card_id])
            stop.wait(WATCH_EVERY_S)
    finally:
        coach.dispose()


def latency_summary(samples: list[float]) -> dict[str, float]:
    return {p: percentile(samples, float(p[1:])) for p in ("p50", "p95", "p99")}
