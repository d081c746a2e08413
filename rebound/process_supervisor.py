"""`make run-split`: the Procfile's processes side by side, each restarted if it dies.

honcho stops every process when one exits; here a process that dies is
logged and started again after a pause that doubles with each death in a row
(1 s up to 30 s; a run of a minute resets it). Only Ctrl-C (SIGINT) or
SIGTERM stops them all: each gets SIGTERM, then SIGKILL after 10 s.

    python -m rebound.process_supervisor [Procfile]
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from rebound.supervisor import restart_delay

HEALTHY_S = 60.0
STOP_TIMEOUT_S = 10.0


def read_procfile(path: Path) -> dict[str, str]:
    """name -> command, in file order; blank lines and comments skipped."""
    entries = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#") and ":" in line:
            name, command = line.split(":", 1)
            entries[name.strip()] = command.strip()
    return entries


@dataclass
class Child:
    name: str
    command: str
    proc: subprocess.Popen | None = None
    started: float = 0.0
    deaths: int = 0  # in a row
    restart_at: float | None = None


def say(name: str, text: str, width: int = 16) -> None:
    sys.stdout.write(f"{time.strftime('%H:%M:%S')} {name:<{width}} | {text}\n")
    sys.stdout.flush()


class Supervisor:
    def __init__(self, procfile: dict[str, str], base_s: float = 1.0, cap_s: float = 30.0):
        self.children = [Child(name, command) for name, command in procfile.items()]
        self.base_s, self.cap_s = base_s, cap_s
        self.stopping = threading.Event()

    def spawn(self, child: Child) -> None:
        child.proc = subprocess.Popen(["/bin/sh", "-c", child.command], stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, start_new_session=True)
        child.started, child.restart_at = time.monotonic(), None
        pump = threading.Thread(target=self._pump, args=(child.name, child.proc), daemon=True)
        pump.start()
        say(child.name, f"started (pid {child.proc.pid})")

    @staticmethod
    def _pump(name: str, proc: subprocess.Popen) -> None:
        for raw in proc.stdout:
            say(name, raw.decode("utf-8", "replace").rstrip("\n"))

    def check(self, child: Child, now: float) -> None:
        """Note a death and plan the restart; restart when its time has come."""
        if child.restart_at is not None:
            if now >= child.restart_at:
                self.spawn(child)
            return
        code = child.proc.poll()
        if code is None:
            return
        if now - child.started >= HEALTHY_S:
            child.deaths = 0
        child.deaths += 1
        delay = restart_delay(child.deaths, self.base_s, self.cap_s)
        child.restart_at = now + delay
        say(child.name, f"exited with {code}; restarting in {delay:g} s")

    def run(self) -> int:
        for child in self.children:
            self.spawn(child)
        while not self.stopping.wait(0.2):
            now = time.monotonic()
            for child in self.children:
                self.check(child, now)
        return self.stop_all()

    def stop_all(self) -> int:
        running = [c for c in self.children if c.restart_at is None and c.proc and c.proc.poll() is None]
        for child in running:
            say(child.name, "stopping")
            _signal_group(child.proc, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for child in running:
            try:
                child.proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                say(child.name, "did not stop in time; killing")
                _signal_group(child.proc, signal.SIGKILL)
                child.proc.wait()
        return 0


def _signal_group(proc: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(proc.pid, signum)
    except ProcessLookupError:
        pass


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    supervisor = Supervisor(read_procfile(Path(args[0] if args else "Procfile")))

    def _stop(_signum, _frame):
        supervisor.stopping.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    return supervisor.run()


if __name__ == "__main__":
    sys.exit(main())
