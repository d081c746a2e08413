"""The real background processes on RabbitMQ and PostgreSQL, and the counts that judge them.

A rejection recorded in the tracker's database must be taken in exactly once
by the coach, every coach card the coach announces must become exactly one
inbox item in the notifier's (one card per moment, at most three shown a day
per person: issue 14), and every outbox row must be sent within a bound. `Pipeline` starts the
processes (`rebound run ...`, or tests/faults/killpoint.py for a fault at an
exact point), records rejections with the tracker's own commands, and reads
the answer from the three databases.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, text

from support import wait_for
from tests.e2e.harness import REBOUND, make_stack

KILLPOINT = str(Path(__file__).with_name("killpoint.py"))
SERVICES = ("tracker", "coach", "notifier")
BACKGROUND = ("tracker-relay", "coach-worker", "notifier-worker")


def outage_s() -> float:
    """How long an outage lasts: 10 s under make test, 60 s under make soak."""
    return float(os.environ.get("REBOUND_FAULT_OUTAGE_S", "5"))


@dataclass
class Counts:
    rejections: int          # recorded in the tracker
    taken_in: int            # coach: applications it knows as rejected (one fact per application)
    cards: int               # coach: coach.card_composed events in its outbox
    shown: int               # coach: cards it shows (one announcement each)
    inbox: int               # notifier: coach_card inbox items
    unsent: int              # outbox rows of tracker and coach not yet sent
    max_send_delay_s: float  # longest wait of a sent outbox row

    def exactly_once(self, expected: int) -> bool:
        return (self.rejections == self.taken_in == expected and self.cards == self.shown == self.inbox
                and (self.cards > 0 or expected == 0) and self.unsent == 0)


class Pipeline:
    def __init__(self, data_dir: Path, bus_url: str, database_urls: dict[str, str]):
        self.data_dir = data_dir
        self.bus_url = bus_url
        self.urls = database_urls
        self.stack = make_stack(data_dir, bus_url, database_urls)
        self.stack.env.update({"REBOUND_RETRY_BASE_MS": "100", "REBOUND_CONFIRM_TIMEOUT_MS": "2000"})
        self.procs: dict[str, subprocess.Popen] = {}
        self.engines = {s: create_engine(database_urls[s], pool_size=2) for s in SERVICES}
        self._tracker_sessions = None

    # --- processes ----------------------------------------------------------

    def migrate(self) -> None:
        self.stack.cli("migrate", *SERVICES)

    def spawn(self, process: str, name: str | None = None, env: dict | None = None,
              fault: tuple[str, int] | None = None, wait: bool = True) -> subprocess.Popen:
        """Start `rebound run process` as `name`; with `fault`, through killpoint.py."""
        name = name or process
        argv = [REBOUND, "run", process]
        if fault:
            argv = [sys.executable, KILLPOINT, process, fault[0], str(fault[1])]
        log = open(self.log_path(name), "ab")
        proc = subprocess.Popen(argv, env={**self.stack.env, **(env or {})}, stdout=log,
                                stderr=subprocess.STDOUT, cwd=self.data_dir, start_new_session=True)
        log.close()
        self.procs[name] = proc
        if wait and process in BACKGROUND:
            self.wait_consuming(name)
        return proc

    def start_background(self) -> None:
        for process in BACKGROUND:
            self.spawn(process)

    def log_path(self, name: str) -> Path:
        return self.data_dir / f"{name}.log"

    def log_lines(self, name: str) -> list[dict]:
        path = self.log_path(name)
        lines = []
        for raw in path.read_text(errors="replace").splitlines() if path.exists() else []:
            try:
                lines.append(json.loads(raw))
            except ValueError:
                lines.append({"msg": raw})
        return lines

    def log_has(self, name: str, **fields) -> list[dict]:
        return [line for line in self.log_lines(name)
                if all(line.get(k) == v for k, v in fields.items())]

    def wait_consuming(self, name: str, times: int = 1, timeout: float = 60) -> None:
        def consuming():
            proc = self.procs[name]
            assert proc.poll() is None, f"{name} exited {proc.returncode}: {self.tail(name)}"
            return len(self.log_has(name, msg="consuming")) >= times
        wait_for(consuming, timeout=timeout, interval=0.2, message=lambda: f"{name} never consumed")

    def kill(self, name: str, sig: int = signal.SIGKILL, timeout: float = 30) -> int:
        proc = self.procs[name]
        if proc.poll() is None:
            os.killpg(proc.pid, sig)
        return proc.wait(timeout=timeout)

    def tail(self, name: str, lines: int = 25) -> str:
        path = self.log_path(name)
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def stop(self) -> dict[str, int]:
        # Signal every process first, then wait: they shut down side by side.
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        codes = {}
        for name in list(self.procs):
            try:
                codes[name] = self.procs[name].wait(timeout=20)
            except subprocess.TimeoutExpired:
                codes[name] = self.kill(name, signal.SIGKILL)
        self.procs.clear()
        for engine in self.engines.values():
            engine.dispose()
        return codes

    # --- what the user does ---------------------------------------------------

    def record_rejections(self, count: int, users: int = 4, per_transaction: int = 10,
                          prefix: str = "Fault Co") -> list[tuple[str, int]]:
        """Create and reject `count` applications with the tracker's own commands."""
        from services.tracker.commands import create_application
        from services.tracker.rejections import record_rejection
        from shared.db import make_engine, make_session_factory

        if self._tracker_sessions is None:
            self._tracker_sessions = make_session_factory(make_engine(self.urls["tracker"]))
        recorded: list[tuple[str, int]] = []
        for start in range(0, count, per_transaction):
            with self._tracker_sessions.begin() as session:
                for i in range(start, min(count, start + per_transaction)):
                    user = f"fault-user-{i % users}"
                    app = create_application(session, user, {"company": f"{prefix} {i}", "role": "Engineer"})
                    record_rejection(session, app, {"reason": "other", "received_on": date.today()})
                    recorded.append((user, app.id))
        return recorded

    # --- the answer, read from the databases -----------------------------------

    def scalar(self, service: str, sql: str) -> int | float:
        with self.engines[service].connect() as conn:
            return conn.execute(text(sql)).scalar() or 0

    def counts(self) -> Counts:
        delays = [self.scalar(s, "SELECT EXTRACT(EPOCH FROM MAX(sent_at - created_at)) FROM outbox")
                  for s in ("tracker", "coach")]
        return Counts(
            rejections=self.scalar("tracker", "SELECT count(*) FROM rejections"),
            taken_in=self.scalar("coach", "SELECT count(*) FROM application_facts WHERE rejected_on IS NOT NULL"),
            cards=self.scalar("coach", "SELECT count(*) FROM outbox WHERE event_type = 'coach.card_composed'"),
            shown=self.scalar("coach", "SELECT count(*) FROM coach_cards WHERE status = 'sent'"),
            inbox=self.scalar("notifier", "SELECT count(*) FROM notifications WHERE kind = 'coach_card'"),
            unsent=sum(self.scalar(s, "SELECT count(*) FROM outbox WHERE sent_at IS NULL")
                       for s in ("tracker", "coach")),
            max_send_delay_s=round(float(max(delays)), 2),
        )

    def wait_exactly_once(self, expected: int, timeout: float = 90) -> Counts:
        """Wait until every rejection is taken in once, every card is one inbox item, and nothing is unsent."""
        wait_for(lambda: self.counts().exactly_once(expected), timeout=timeout, interval=0.5,
                 message=lambda: f"expected {expected} of each: {self.counts()}")
        return self.counts()
