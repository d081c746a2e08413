"""Keeping long-running threads alive: a crash is logged and the thread starts again.

`rebound run all` hosts every relay, consumer and scheduler as a thread of one
process. A thread whose loop raises (or returns while nobody asked it to
stop) is started again after a pause that doubles with each crash in a row,
up to `cap_s`; a run that lasted `healthy_s` resets the pause. Only the stop
event ends it.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


def restart_delay(crashes: int, base_s: float = 1.0, cap_s: float = 30.0) -> float:
    """The pause before restart number `crashes` (1, 2, ...): base, 2*base, 4*base ... at most cap."""
    return min(cap_s, base_s * (2 ** max(0, crashes - 1)))


class SupervisedThread:
    """Runs `target()` in a daemon thread until `stop` is set, restarting it when it ends early."""

    def __init__(self, name: str, target: Callable[[], None], stop: threading.Event, *,
                 base_s: float = 1.0, cap_s: float = 30.0, healthy_s: float = 60.0,
                 clock: Callable[[], float] = time.monotonic):
        self.name, self.target, self.stop = name, target, stop
        self.base_s, self.cap_s, self.healthy_s, self.clock = base_s, cap_s, healthy_s, clock
        self.crashes = 0  # in a row
        self.restarts = 0  # in all
        self.thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def start(self) -> SupervisedThread:
        self.thread.start()
        return self

    def join(self, timeout: float | None = None) -> None:
        self.thread.join(timeout)

    def _loop(self) -> None:
        while not self.stop.is_set():
            started = self.clock()
            try:
                self.target()
                if self.stop.is_set():
                    return
                log.error("thread ended on its own; restarting", extra={"loop": self.name})
            except Exception:  # the last line of defence: nothing but the stop event ends a thread
                log.exception("thread crashed; restarting", extra={"loop": self.name})
            if self.clock() - started >= self.healthy_s:
                self.crashes = 0
            self.crashes += 1
            self.restarts += 1
            delay = restart_delay(self.crashes, self.base_s, self.cap_s)
            log.info("restarting thread", extra={"loop": self.name, "in_s": delay, "crashes": self.crashes})
            self.stop.wait(delay)
