"""`rebound run all` on a small machine: memory, idle CPU, start-up, and a lone rejection's latency.

Each figure sits next to the same measure of a trivial Flask /ping app under
the same server (waitress, one process), from the same run.

Run alone: .venv/bin/python -m tests.bench.bench_one_process [--quick]
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
for _path in (str(ROOT), str(ROOT / "tests")):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from tests.e2e.harness import REBOUND, Stack, free_port, make_stack  # noqa: E402

from .bench_pipeline import import_csv  # noqa: E402
from .infra import api_user, database_url, scalar  # noqa: E402
from .report import Figure, text_table  # noqa: E402
from .stats import median, percentile  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")
FULL = dict(idle_s=60, rejections=500, import_rows=2000, lone=20, gap_s=1.0)
QUICK = dict(idle_s=15, rejections=100, import_rows=500, lone=5, gap_s=0.5)


def tree(pid: int) -> list[int]:
    """The process and all its descendants, from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    parent = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(parents.get(current, []))
    return found


def cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:
            pass
    return total


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as handle:
                total += next(int(line.split()[1]) for line in handle if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            pass
    return total / 1024


def idle_cpu_percent(pid: int, seconds: float) -> float:
    """CPU of the whole process tree over `seconds`, in percent of one core."""
    before, started = cpu_ticks(tree(pid)), time.monotonic()
    time.sleep(seconds)
    return (cpu_ticks(tree(pid)) - before) / CLK_TCK / (time.monotonic() - started) * 100


def wait_ready(url: str, proc: subprocess.Popen, timeout: float = 60) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        assert proc.poll() is None, f"exited with {proc.returncode}"
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return time.perf_counter() - started
        except requests.RequestException:
            pass
        time.sleep(0.02)
    raise AssertionError(f"{url} not ready after {timeout}s")


class Baseline:
    """The trivial app: Flask /ping under waitress in its own process."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.bench.ping_waitress", str(self.port)],
                                     cwd=Path(__file__).resolve().parents[2], stdout=subprocess.DEVNULL,
                                     stderr=open(folder / "ping.log", "wb"))
        self.ready_s = wait_ready(f"http://127.0.0.1:{self.port}/ping", self.proc)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def start_all(folder: Path) -> tuple[Stack, float]:
    """`rebound run all` on migrated databases (as after install); (stack, seconds to /readyz)."""
    stack = make_stack(folder, mode="all")
    stack.cli("migrate")
    log = open(folder / "all.log", "ab")
    proc = subprocess.Popen([REBOUND, "run", "all"], env=stack.env, stdout=log, stderr=subprocess.STDOUT,
                            cwd=folder, start_new_session=True)
    stack.procs["all"] = proc
    return stack, wait_ready(f"{stack.base_url}/readyz", proc)


def lone_rejection_ms(stack: Stack, api, count: int, gap_s: float) -> list[float]:
    """Rejection -> inbox item, one at a time after a quiet gap (as a person feels it)."""
    latencies = []
    for i in range(count):
        app_id = api.post("/applications", {"company": f"Lone {i}", "role": "Analyst"}).json()["id"]
        time.sleep(gap_s)  # the quiet before: nothing else is moving
        started = time.perf_counter()
        assert api.post(f"/applications/{app_id}/rejection", {}).status_code == 201
        while not _prompted(stack, app_id):
            assert time.perf_counter() - started < 10, "no inbox item within 10 s"
            time.sleep(0.005)
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def _prompted(stack: Stack, app_id: int) -> bool:
    """The inbox item of this application's rejection card exists (read from the coach's and notifier's databases)."""
    card = scalar(database_url(stack, "coach"), "SELECT coalesce(max(card_id), '') FROM coach_cards "
                  "WHERE application_id = :a AND cause_type = 'application.rejected'", a=app_id)
    if not card:
        return False
    return bool(scalar(database_url(stack, "notifier"),
                       "SELECT count(*) FROM notifications WHERE kind = 'coach_card' AND ref = :r", r=f"card:{card}"))


def burst(stack: Stack, api, user_id: str, size: dict) -> float:
    """Import applications, then reject `rejections` of them from 8 clients; seconds until each has its card."""
    import_csv(api, size["import_rows"], seed=7)
    ids = [api.post("/applications", {"company": f"Burst {i}", "role": "Engineer"}).json()["id"]
           for i in range(size["rejections"])]
    started = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda a: api.post(f"/applications/{a}/rejection", {}).status_code, ids))
    assert set(codes) == {201}, set(codes)
    deadline = time.perf_counter() + 300
    while scalar(database_url(stack, "coach"), "SELECT count(DISTINCT application_id) FROM coach_cards "
                 "WHERE user_id = :u AND cause_type = 'application.rejected' AND application_id >= :lo",
                 u=user_id, lo=min(ids)) < len(ids):
        assert time.perf_counter() < deadline, "the burst was not handled within 300 s"
        time.sleep(0.25)
    return time.perf_counter() - started


def measure(folder: Path, size: dict) -> list[Figure]:
    baseline = Baseline(folder)
    try:
        time.sleep(5)  # settle, as the stack does below
        base_cpu = idle_cpu_percent(baseline.proc.pid, size["idle_s"])
        base_rss = rss_mb(tree(baseline.proc.pid))
    finally:
        baseline.stop()
    (folder / "stack").mkdir(exist_ok=True)
    stack, ready_s = start_all(folder / "stack")
    pid = stack.procs["all"].pid
    try:
        time.sleep(10)  # start-up settles (first scheduler passes, ghosting)
        cpu = idle_cpu_percent(pid, size["idle_s"])
        api, user_id = api_user(stack, "bench@example.com")
        lone = lone_rejection_ms(stack, api, size["lone"], size["gap_s"])
        burst_s = burst(stack, api, user_id, size)
        rss = rss_mb(tree(pid))
        stack.assert_alive()
    finally:
        stack.stop()
    one = "rebound run all"
    base = "Flask /ping, waitress"
    return [
        Figure(f"{one}: start-up to ready (migrated)", "s", [ready_s], base, [baseline.ready_s], "<= 5 s",
               lambda v, _r: v <= 5),
        Figure(f"{one}: idle CPU over {size['idle_s']} s, process tree", "% core", [cpu], base, [base_cpu],
               "<= 1 %", lambda v, _r: v <= 1),
        Figure(f"{one}: rejection -> inbox, p50 of {size['lone']} after {size['gap_s']:g} s quiet", "ms",
               [median(lone)], target="<= 100 ms", check=lambda v, _r: v <= 100,
               note=f"max {max(lone):.0f} ms"),
        Figure(f"{one}: rejection -> inbox, p99 of {size['lone']} after {size['gap_s']:g} s quiet", "ms",
               [percentile(lone, 99)], note="information: issue 18 sets a target for p50 only"),
        Figure(f"{one}: RSS after {size['import_rows']} imported + {size['rejections']} rejections", "MB",
               [rss], base, [base_rss], "<= 200 MB", lambda v, _r: v <= 200,
               note=f"burst handled in {burst_s:.1f} s"),
    ]


def main(argv: list[str] | None = None) -> int:
    import tempfile
    args = sys.argv[1:] if argv is None else argv
    folder = Path(tempfile.mkdtemp(prefix="rebound-bench-one-"))
    figures = measure(folder, QUICK if "--quick" in args else FULL)
    print(text_table(figures))
    return 0 if all(f.verdict != "MISS" for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
