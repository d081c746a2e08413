"""Supervised threads: a crash is logged and the loop starts again, with a growing pause."""
from __future__ import annotations

import threading

from rebound.supervisor import SupervisedThread, restart_delay
from support import wait_for


def test_restart_delay_doubles_up_to_the_cap():
    assert [restart_delay(n, base_s=1, cap_s=10) for n in range(1, 7)] == [1, 2, 4, 8, 10, 10]


def test_a_crashing_loop_is_started_again_until_it_runs(caplog):
    stop = threading.Event()
    runs = []

    def loop():
        runs.append(1)
        if len(runs) < 3:
            raise RuntimeError(f"crash {len(runs)}")
        stop.wait()

    supervised = SupervisedThread("flaky", loop, stop, base_s=0.01, cap_s=0.02).start()
    wait_for(lambda: len(runs) == 3, timeout=5, message=lambda: f"runs: {len(runs)}")
    assert supervised.restarts == 2
    assert supervised.thread.is_alive()
    assert sum("thread crashed; restarting" in r.getMessage() for r in caplog.records) == 2
    stop.set()
    supervised.join(5)
    assert not supervised.thread.is_alive()


def test_a_loop_that_returns_early_is_restarted_and_stop_ends_it():
    stop = threading.Event()
    runs = []
    supervised = SupervisedThread("quitter", lambda: runs.append(1), stop, base_s=0.01, cap_s=0.01).start()
    wait_for(lambda: len(runs) >= 3, timeout=5)
    stop.set()
    supervised.join(5)
    assert not supervised.thread.is_alive()
    assert supervised.restarts >= 2


def test_a_long_healthy_run_resets_the_pause():
    stop = threading.Event()
    now = [0.0]
    runs = []

    def loop():
        runs.append(1)
        now[0] += 100 if len(runs) == 3 else 1  # the third run lasts longer than healthy_s
        if len(runs) >= 4:
            stop.set()
        raise RuntimeError("down")

    supervised = SupervisedThread("x", loop, stop, base_s=0.001, cap_s=1, healthy_s=50, clock=lambda: now[0])
    supervised.start().join(5)
    assert supervised.crashes == 2  # 1, 2, reset to 1 by the healthy run, then 2 again
