"""The broker, databases, real process stacks and logged-in users the benchmarks use."""
from __future__ import annotations

import contextlib
import os
import platform
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from kombu import Connection
from sqlalchemy import JSON, bindparam, create_engine, text

from support import start_postgres, start_rabbit
from tests.e2e.harness import Api, Stack, make_stack

SERVICES = ("frontend", "tracker", "coach", "notifier")
PASSWORD = "a long enough bench password"
# The coach's calm defaults hold a person's fourth card of a day and never say a text twice in 30 days, so
# after a few rejections it would hold its cards or have nothing left to say. The bench times every
# rejection to its own coach card, so each bench person has a budget that never holds or silences one:
# cards_per_day far above any burst, and no text counted as said before.
UNHELD_BUDGET = {"cards_per_day": 1_000_000, "repeat_days": 0}


class Infra:
    """RabbitMQ vhosts and PostgreSQL databases made for this run, removed at the end."""

    def __init__(self):
        self.rabbit = start_rabbit()
        self.postgres = start_postgres()
        self._databases: list[str] = []
        self._vhosts: list[str] = []
        self.folder = Path(tempfile.mkdtemp(prefix="rebound-bench-"))

    def vhost(self) -> str:
        if self.rabbit is None:
            raise RuntimeError("no RabbitMQ answers: start it or set REBOUND_TEST_AMQP_URL")
        self._vhosts.append(self.rabbit.new_vhost())
        return self._vhosts[-1]

    def database(self, prefix: str = "rebound_bench_") -> str:
        if self.postgres is None:
            raise RuntimeError("no PostgreSQL answers: start it or set REBOUND_TEST_POSTGRES_URL")
        self._databases.append(self.postgres.create_database(prefix))
        return self._databases[-1]

    def drop(self, url: str) -> None:
        if url in self._databases:
            self._databases.remove(url)
            self.postgres.drop_database(url)

    def subfolder(self, name: str) -> Path:
        path = self.folder / f"{name}-{len(list(self.folder.iterdir()))}"
        path.mkdir()
        return path

    def close(self) -> None:
        for url in list(self._databases):
            self.drop(url)
        if self.rabbit is not None:
            for url in self._vhosts:
                self.rabbit.release(url)
            self.rabbit.stop()
        if self.postgres is not None:
            self.postgres.stop()

    @contextlib.contextmanager
    def stack(self, bus: str = "amqp", env: dict | None = None) -> Iterator[Stack]:
        """Every real process, on RabbitMQ + PostgreSQL ("amqp") or the embedded bus + SQLite."""
        folder = self.subfolder(f"stack-{bus}")
        urls = {s: self.database() for s in SERVICES} if bus == "amqp" else {}
        stack = make_stack(folder, self.vhost() if bus == "amqp" else "filesystem://", urls)
        stack.env.update(env or {})
        stack.start()
        stack.database_urls = urls
        try:
            yield stack
        finally:
            stack.stop()
            for url in urls.values():
                self.drop(url)


def database_url(stack: Stack, service: str) -> str:
    """The URL a stack's service uses (SQLite under the data dir unless PostgreSQL was given)."""
    given = getattr(stack, "database_urls", {}).get(service)
    return given or f"sqlite:///{stack.data_dir / f'{service}.db'}"


def scalar(url: str, sql: str, **params) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).scalar_one()
    finally:
        engine.dispose()


def api_user(stack: Stack, email: str) -> tuple[Api, str]:
    """A user made with the CLI; their personal-token Api and their id."""
    stack.cli("users", "create", email, "--name", "Bench", stdin=PASSWORD + "\n")
    token = stack.cli("tokens", "create", email).split()[-1]
    user_id = scalar(database_url(stack, "frontend"), "SELECT id FROM users WHERE email = :e", e=email)
    api = Api(stack.base_url, token)
    unheld_budget(stack, api, user_id)
    return api, user_id


def unheld_budget(stack: Stack, api: Api, user_id: str) -> None:
    """Give the person UNHELD_BUDGET: through the public API as a person would (it makes the coach's
    profile), then past the API's range (at most 10 cards a day) in the coach's database."""
    reply = api.http.patch(f"{api.base}/settings/coach", json={"coach_budget": {"cards_per_day": 10}}, timeout=10)
    assert reply.status_code == 200, reply.text[:300]
    engine = create_engine(database_url(stack, "coach"))
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE profiles SET coach_budget = :budget WHERE user_id = :u").bindparams(
                bindparam("budget", type_=JSON)), {"budget": UNHELD_BUDGET, "u": user_id})
    finally:
        engine.dispose()


# --- memory ------------------------------------------------------------------

def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def process_memory(stack: Stack) -> dict[str, float]:
    """Resident MB of each process of the stack, and of each of its children (gunicorn workers)."""
    sizes = {}
    for name, proc in stack.procs.items():
        sizes[name] = rss_mb(proc.pid)
        for i, child in enumerate(children(proc.pid)):
            sizes[f"{name} worker {i + 1}"] = rss_mb(child)
    return sizes


# --- the machine -------------------------------------------------------------

def machine(infra: Infra) -> dict[str, str]:
    info = {"nproc": str(os.cpu_count()), "memory": _memory(), "cpu": _cpu(),
            "python": platform.python_version(), "os": platform.platform()}
    if infra.rabbit is not None:
        with Connection(infra.rabbit.base_url, connect_timeout=5) as conn:
            conn.connect()
            version = conn.connection.server_properties.get("version", b"?")
        info["rabbitmq"] = version.decode() if isinstance(version, bytes) else str(version)
    if infra.postgres is not None:
        engine = create_engine(infra.postgres.url)
        with engine.connect() as conn:
            info["postgresql"] = conn.execute(text("SHOW server_version")).scalar_one()
            # Off here: tables that churn (outbox, deliveries) bloat during a run as they would not in production.
            info["postgresql autovacuum"] = conn.execute(text("SHOW autovacuum")).scalar_one()
        engine.dispose()
    info["date"] = time.strftime("%Y-%m-%d %H:%M %Z")
    return info


def _memory() -> str:
    with open("/proc/meminfo") as handle:
        total = int(handle.readline().split()[1])
    return f"{total / 1024 / 1024:.1f} GiB"


def _cpu() -> str:
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "?"
