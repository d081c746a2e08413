"""RabbitMQ itself restarting in the middle of a burst (`rabbitmqctl stop_app`, `start_app`).

This is the one fault test that touches the shared local broker: every other
connection on it drops too, so it runs once per suite and waits for
`rabbitmqctl await_startup` before it lets go of the broker, whatever happens.

Invariants, read from the databases: rejections recorded before, during
(the tracker's API keeps accepting them: they wait in its outbox) and after
the restart each end as taken in exactly once, with one inbox item per coach card, with no
outbox row left unsent; the relays and workers are consuming and publishing
again within 30 s of start_app, by themselves; no process dies.
"""
from __future__ import annotations

import contextlib
import time

import pytest
import requests

from shared.auth import HEADER, sign_user_token
from support import wait_for
from tests.faults.pipeline import BACKGROUND

pytestmark = pytest.mark.integration

RECOVERY_S = 30


@contextlib.contextmanager
def broker_stopped(rabbit):
    """The broker's application stopped for the block; yields a dict that gets the restart time."""
    restart: dict[str, float] = {}
    rabbit.ctl("stop_app")
    try:
        yield restart
    finally:
        restart["at"] = time.monotonic()
        rabbit.ctl("start_app")
        rabbit.ctl("await_startup")


def test_the_broker_restarting_mid_burst_loses_and_repeats_nothing(pipeline, rabbit):
    for process in ("tracker-api", *BACKGROUND):  # started side by side, then awaited
        pipeline.spawn(process, wait=False)
    for process in BACKGROUND:
        pipeline.wait_consuming(process)
    api = f"http://127.0.0.1:{pipeline.stack.env['REBOUND_TRACKER_PORT']}"
    wait_for(lambda: _answers(api), timeout=60, interval=0.2, message="tracker-api never answered")
    token = sign_user_token(pipeline.stack.env["REBOUND_INTERNAL_SECRET"], "fault-user-0")

    expected = len(pipeline.record_rejections(20))
    wait_for(lambda: pipeline.scalar("coach", "SELECT count(*) FROM processed_events") >= 5,
             timeout=60, interval=0.02, message="the burst never started")
    with broker_stopped(rabbit) as restart:
        expected += len(pipeline.record_rejections(10, prefix="While the broker was down"))
        expected += _reject_through_the_api(api, token, 3)
        waiting = pipeline.scalar("tracker", "SELECT count(*) FROM outbox WHERE sent_at IS NULL")
        assert waiting >= 2 * 13, "what was recorded during the outage waits in the outbox"

    def left() -> float:
        return max(1.0, RECOVERY_S - (time.monotonic() - restart["at"]))

    for name in BACKGROUND:
        pipeline.wait_consuming(name, times=2, timeout=left())
    wait_for(lambda: pipeline.scalar("tracker", "SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 0,
             timeout=left(), interval=0.2, message="the relay never published the outage's rows")
    recovered = time.monotonic() - restart["at"]
    print(f"recovered {recovered:.1f} s after start_app")

    expected += len(pipeline.record_rejections(10, prefix="After the restart"))
    counts = pipeline.wait_exactly_once(expected)
    print("counts:", counts)
    assert recovered < RECOVERY_S
    for name, proc in pipeline.procs.items():
        assert proc.poll() is None, f"{name} died: {pipeline.tail(name)}"


def _reject_through_the_api(api: str, token: str, count: int) -> int:
    for i in range(count):
        created = requests.post(f"{api}/applications", json={"company": f"Outage Co {i}", "role": "Analyst"},
                                headers={HEADER: token}, timeout=30)
        assert created.status_code == 201, created.text
        rejected = requests.post(f"{api}/applications/{created.json()['id']}/rejection",
                                 json={"reason": "other"}, headers={HEADER: token}, timeout=30)
        assert rejected.status_code == 201, rejected.text
    return count


def _answers(base: str) -> bool:
    try:
        return requests.get(f"{base}/healthz", timeout=1).status_code == 200
    except requests.RequestException:
        return False
