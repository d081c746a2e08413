"""SIGKILL of a worker mid-burst, at random and at exact points around its commit.

Invariant: every recorded rejection ends as taken in exactly once by the
coach and one inbox item per coach card in the notifier; no outbox row stays unsent,
and none waited longer than SEND_BOUND_S to be sent.
"""
from __future__ import annotations

import pytest

from support import wait_for

pytestmark = pytest.mark.e2e

BURST = 40
SEND_BOUND_S = 45


def handled(pipeline, service: str) -> int:
    return pipeline.scalar(service, "SELECT count(*) FROM processed_events")


def killed_events(pipeline, name: str) -> list[str]:
    """The events the process was handling when it killed itself (a batch may hold several)."""
    lines = [line for line in pipeline.log_lines(name) if "killpoint" in line]
    assert lines, f"{name} never reached its kill point: {pipeline.tail(name)}"
    return lines[-1]["event_ids"]


def test_sigkill_of_each_worker_mid_burst(pipeline):
    pipeline.start_background()
    expected = len(pipeline.record_rejections(BURST))
    for victim, service in (("coach-worker", "coach"), ("notifier-worker", "notifier")):
        before = handled(pipeline, service)
        wait_for(lambda: handled(pipeline, service) >= before + 5, timeout=60, interval=0.02,
                 message=f"{victim} handled nothing")
        assert pipeline.kill(victim) == -9
        expected += len(pipeline.record_rejections(BURST // 4, prefix=f"While {victim} was down"))
        pipeline.spawn(victim)
        expected += len(pipeline.record_rejections(BURST // 4, prefix=f"After {victim} came back"))
    counts = pipeline.wait_exactly_once(expected)
    print("counts:", counts)
    assert counts.max_send_delay_s < SEND_BOUND_S


def test_sigkill_before_and_after_the_commit(pipeline):
    pipeline.spawn("tracker-relay")
    pipeline.spawn("notifier-worker")
    expected = len(pipeline.record_rejections(30))

    # Killed inside the transaction: the change is rolled back, the message redelivered.
    # (No wait for "consuming": with the queue already full it may be dead before the first look.)
    pipeline.spawn("coach-worker", "coach-before", fault=("worker-before-commit", 9), wait=False)
    assert pipeline.procs["coach-before"].wait(timeout=60) == -9
    rolled_back = killed_events(pipeline, "coach-before")[0]
    # Killed after the commit, before the ack: redelivered and skipped as a duplicate.
    pipeline.spawn("coach-worker", "coach-after", fault=("worker-after-commit", 9), wait=False)
    assert pipeline.procs["coach-after"].wait(timeout=60) == -9
    committed_by_after = killed_events(pipeline, "coach-after")
    committed = committed_by_after[0]

    pipeline.spawn("coach-worker")
    counts = pipeline.wait_exactly_once(expected)
    assert pipeline.log_has("coach-worker", event_id=committed, outcome="duplicate"), \
        "the event committed before the kill was redelivered and recognised"
    assert pipeline.log_has("coach-worker", event_id=rolled_back, outcome="done") or \
        pipeline.log_has("coach-after", event_id=rolled_back, outcome="done") or \
        rolled_back in committed_by_after, \
        "the event rolled back by the kill was applied after it"
    assert counts.max_send_delay_s < SEND_BOUND_S
