"""Where the CPU goes: CPU milliseconds per recorded rejection, by process.

Runs a burst of rejections through the public API of a real RabbitMQ +
PostgreSQL stack, waits until every one is fully handled, and divides the CPU
time each process used (its gunicorn workers included), PostgreSQL and
RabbitMQ too, by the number of rejections. A diagnostic for (2) and (3) of
`make bench`, not a figure of it.

Run: .venv/bin/python -m tests.bench.cpu_per_rejection [--burst 400] [--clients 8] [--rate 50] [--profile DIR]
(--rate sends the rejections at a steady rate instead of all at once; --profile
samples every process with py-spy during the burst (threads holding the GIL: CPU spent in Python), writes DIR/<process>.txt in
py-spy's raw format and prints each one's busiest functions. `pip install py-spy` first.)
"""
from __future__ import annotations

import argparse
import collections
import os
import shutil
import signal
import subprocess
import sys
import time

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def command_name(pid: str) -> str:
    try:
        with open(f"/proc/{pid}/comm") as handle:
            return handle.read().strip()
    except OSError:
        return ""


def servers() -> dict[str, list[int]]:
    """PostgreSQL's and RabbitMQ's processes on this machine."""
    found: dict[str, list[int]] = {"postgresql": [], "rabbitmq": []}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        name = command_name(pid)
        if name.startswith("postgres"):
            found["postgresql"].append(int(pid))
        elif name in ("beam.smp", "erl_child_setup"):
            found["rabbitmq"].append(int(pid))
    return found


def snapshot(stack) -> dict[str, float]:
    from .infra import children
    used = {}
    for name, proc in stack.procs.items():
        used[name] = cpu_seconds(proc.pid) + sum(cpu_seconds(c) for c in children(proc.pid))
    for name, pids in servers().items():
        used[name] = sum(cpu_seconds(p) for p in pids)
    used["this load generator"] = cpu_seconds(os.getpid())
    return used


def start_profilers(stack, folder: str) -> list[subprocess.Popen]:
    """py-spy on every process of the stack (gunicorn workers included) until stopped."""
    py_spy = shutil.which("py-spy") or os.path.join(os.path.dirname(sys.executable), "py-spy")
    os.makedirs(folder, exist_ok=True)
    return [subprocess.Popen([py_spy, "record", "--pid", str(proc.pid), "--subprocesses", "--nonblocking", "--gil",
                              "--rate", "250", "--format", "raw", "--output", os.path.join(folder, f"{name}.txt")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for name, proc in stack.procs.items()]


def stop_profilers(profilers: list[subprocess.Popen]) -> None:
    for profiler in profilers:
        profiler.send_signal(signal.SIGINT)
    for profiler in profilers:
        profiler.wait(60)


def busiest(path: str, top: int = 12) -> list[tuple[float, str]]:
    """(share of samples, function) for the functions most often on the stack, idle waits left out."""
    inclusive, total = collections.Counter(), 0
    with open(path) as handle:
        for line in handle:
            frames, _, count = line.rstrip("\n").rpartition(" ")
            if not frames or not count.isdigit():
                continue
            names = [f.split(" (")[0] + " (" + f.split(" (")[-1].split(":")[0].rsplit("/", 1)[-1] + ")"
                     for f in frames.split(";") if f.strip()]
            total += int(count)
            for name in set(names):
                inclusive[name] += int(count)
    return [(n / total, name) for name, n in inclusive.most_common(top)] if total else []


def main(argv: list[str] | None = None) -> int:
    from . import bench_pipeline as bp
    from .infra import Infra
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--burst", type=int, default=400)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rate", type=float, help="rejections per second, steady (default: all at once)")
    parser.add_argument("--profile", metavar="DIR", help="sample every process with py-spy into DIR")
    args = parser.parse_args(argv)
    infra = Infra()
    try:
        with infra.stack("amqp") as stack:
            people = bp.make_people(stack, "cpu", args.burst)
            time.sleep(2)  # let start-up work settle before the CPU is counted
            profilers = start_profilers(stack, args.profile) if args.profile else []
            before, started = snapshot(stack), time.perf_counter()
            result = bp.burst(stack, people, clients=args.clients, timeout=600, per_second=args.rate)
            after, wall = snapshot(stack), time.perf_counter() - started
            stop_profilers(profilers)
    finally:
        infra.close()
    n = sum(len(p.app_ids) for p in people)
    print(f"burst of {n}: recorded {result.recorded_per_s:.1f}/s, fully handled {result.handled_per_s:.1f}/s "
          f"in {wall:.1f} s")
    total = 0.0
    for name in after:
        ms = (after[name] - before.get(name, 0.0)) * 1000 / n
        total += ms
        print(f"  {name:24s} {ms:7.1f} ms CPU per rejection")
    print(f"  {'all':24s} {total:7.1f} ms CPU per rejection")
    for name in sorted(os.listdir(args.profile)) if args.profile else ():
        print(f"\n{name}: share of samples with the function on the stack")
        for share, function in busiest(os.path.join(args.profile, name)):
            print(f"  {share:6.1%}  {function}")
    return 0


if __name__ == "__main__":
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.path[:0] = [root, os.path.join(root, "tests")]
    sys.exit(main())
