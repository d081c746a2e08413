"""Closed-loop HTTP load from a few processes with a few threads each, on loopback.

The same generator drives the product and its baseline, so what it costs
(on a small, shared machine) is paid by both sides of a ratio.
"""
from __future__ import annotations

import multiprocessing
import threading
import time
from dataclasses import dataclass

import requests

OK = (200, 204, 304)


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _hammer(url: str, cookie_sets: list[dict], headers: dict, threads: int, seconds: float,
            offset: int) -> tuple:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def loop(index: int):
        session = requests.Session()
        session.trust_env = False
        session.cookies.update(cookie_sets[index % len(cookie_sets)] if cookie_sets else {})
        mine, bad = [], 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                status = session.get(url, headers=headers, timeout=10).status_code
            except requests.RequestException:
                status = 0
            mine.append((time.perf_counter() - started) * 1000)
            bad += status not in OK
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    workers = [threading.Thread(target=loop, args=(offset * threads + i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(seconds + 30)
    return latencies, errors[0]


def run(url: str, *, seconds: float = 5.0, processes: int = 2, threads: int = 4,
        cookies: dict | list[dict] | None = None, headers: dict | None = None) -> LoadResult:
    """GET `url` as fast as `processes` x `threads` clients can for `seconds`.

    `cookies`: one cookie dict for every client, or a list the clients take turns with.
    """
    context = multiprocessing.get_context("spawn")
    cookie_sets = cookies if isinstance(cookies, list) else [cookies or {}]
    args = [(url, cookie_sets, dict(headers or {}), threads, seconds, i) for i in range(processes)]
    with context.Pool(processes) as pool:
        started = time.perf_counter()
        parts = pool.starmap(_hammer, args)
        elapsed = time.perf_counter() - started
    latencies = [ms for part, _ in parts for ms in part]
    # The pool's start-up is not load: count the seconds the clients actually ran.
    return LoadResult(len(latencies), sum(bad for _, bad in parts), min(elapsed, seconds), latencies)
