"""Running a Worker or a Relay in a thread for the length of a `with` block."""
from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from .polling import wait_for


class _Thread(threading.Thread):
    """A daemon thread that keeps the exception its target raised."""

    def __init__(self, target, name: str, args=()):
        super().__init__(target=self._run, name=name, daemon=True)
        self._target_fn, self._target_args = target, args
        self.error: BaseException | None = None

    def _run(self) -> None:
        try:
            self._target_fn(*self._target_args)
        except BaseException as exc:  # kept for the test to re-raise
            self.error = exc


def _stop(thread: _Thread, what: str, failing: bool) -> None:
    thread.join(timeout=15)
    if failing:
        return  # the test's own error matters more than the shutdown's
    if thread.is_alive():
        raise AssertionError(f"{what} did not stop within 15 s")
    if thread.error is not None:
        raise AssertionError(f"{what} raised {thread.error!r}") from thread.error


@contextlib.contextmanager
def running_worker(worker, ready_timeout: float = 20.0) -> Iterator:
    """Run `worker.run()` in a thread until the block ends; wait until it consumes."""
    thread = _Thread(worker.run, f"worker-{worker.service}")
    thread.start()
    failing = True
    try:
        wait_for(lambda: worker.ready.is_set() or thread.error or not thread.is_alive(),
                 timeout=ready_timeout, message="the worker never started consuming")
        if thread.error is not None or not thread.is_alive():
            raise AssertionError(f"the worker ended before consuming: {thread.error!r}") \
                from thread.error
        yield worker
        failing = False
    finally:
        worker.should_stop = True
        _stop(thread, "the worker", failing)


@dataclass
class RelayHandle:
    relay: object
    stop: threading.Event
    wake: threading.Event
    thread: _Thread

    def poke(self) -> None:
        """Cut the relay's idle (or back-off) wait short."""
        self.wake.set()

    @property
    def alive(self) -> bool:
        return self.thread.is_alive() and self.thread.error is None


@contextlib.contextmanager
def running_relay(relay, poll_s: float = 0.02, idle_max_s: float = 0.2) -> Iterator[RelayHandle]:
    """Run `relay.run(stop, wake, poll_s, idle_max_s)` in a thread until the block ends."""
    stop, wake = threading.Event(), threading.Event()
    thread = _Thread(relay.run, "relay", args=(stop, wake, poll_s, idle_max_s))
    handle = RelayHandle(relay, stop, wake, thread)
    thread.start()
    failing = True
    try:
        yield handle
        failing = False
    finally:
        stop.set()
        wake.set()
        _stop(thread, "the relay", failing)


class Outcomes(logging.Handler):
    """Collects the worker's "event handled" log records: (event_id, outcome, action)."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records: list[tuple] = []

    def emit(self, record: logging.LogRecord) -> None:
        if hasattr(record, "outcome"):
            self.records.append((record.event_id, record.outcome, record.action))

    def of(self, event_id: str) -> list[str]:
        return [outcome for eid, outcome, _ in list(self.records) if eid == event_id]


@contextlib.contextmanager
def worker_outcomes() -> Iterator[Outcomes]:
    """Record what the worker decided for each message while the block runs."""
    logger = logging.getLogger("shared.worker")
    outcomes = Outcomes()
    level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(outcomes)
    try:
        yield outcomes
    finally:
        logger.removeHandler(outcomes)
        logger.setLevel(level)


def claim_in_lockstep(relays, rounds: int) -> list[list[int]]:
    """Each relay claims once per round, all at the same moment; the row ids each got."""
    claimed: list[list[int]] = [[] for _ in relays]
    start = threading.Barrier(len(relays), timeout=10)

    def claim(index: int) -> None:
        for _ in range(rounds):
            start.wait()
            claimed[index].extend(row_id for row_id, _ in relays[index].claim())

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(len(relays))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    return claimed
