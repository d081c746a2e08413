"""The soak (make soak, not make test): 10,000 events while a random worker is SIGKILLed every 20 s.

Each recorded rejection is about three events on the bus (application.created and
application.rejected from the tracker, and what the coach says), so
REBOUND_SOAK_EVENTS=10000 records 3,334 rejections. Invariant, read from the
databases at the end: each rejection taken in once by the coach, one inbox item
per coach card, no outbox row unsent. The counts are printed and kept as test properties.
"""
from __future__ import annotations

import os
import random
import time

import pytest

from tests.faults.pipeline import BACKGROUND

pytestmark = pytest.mark.e2e

KILL_EVERY_S = float(os.environ.get("REBOUND_SOAK_KILL_EVERY_S", "20"))
EVENTS = int(os.environ.get("REBOUND_SOAK_EVENTS", "10000"))


def test_soak_random_sigkills(pipeline, record_property):
    rejections = -(-EVENTS // 3)
    rng = random.Random(os.environ.get("REBOUND_SOAK_SEED", "1"))
    pipeline.start_background()
    recorded, kills, restarts = 0, {name: 0 for name in BACKGROUND}, 0
    started = next_kill = time.monotonic()
    next_kill += KILL_EVERY_S
    while recorded < rejections or pipeline.counts().exactly_once(rejections) is False:
        if recorded < rejections:
            recorded += len(pipeline.record_rejections(min(50, rejections - recorded), users=20,
                                                       prefix=f"Soak {recorded}"))
        if time.monotonic() >= next_kill:
            victim = rng.choice(BACKGROUND)
            assert pipeline.kill(victim) == -9
            kills[victim] += 1
            pipeline.spawn(victim)
            restarts += 1
            next_kill = time.monotonic() + KILL_EVERY_S
        elif recorded >= rejections:
            time.sleep(1)
        assert time.monotonic() - started < 3 * 3600, f"no convergence: {pipeline.counts()}"
    counts = pipeline.wait_exactly_once(rejections, timeout=300)
    elapsed = round(time.monotonic() - started, 1)
    report = {"events": rejections * 3, "rejections": rejections, "kills": kills,
              "seconds": elapsed, **vars(counts)}
    print("soak:", report)
    for key, value in report.items():
        record_property(key, value)
