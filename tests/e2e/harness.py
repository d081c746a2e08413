"""Starts Rebound's real processes on free ports: split as the Procfile lists them
(`mode="split"`, as `make run-split` does), or all in one (`mode="all"`, as `make run` does)."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
REBOUND = str(Path(sys.executable).parent / "rebound")
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
WEB = {"frontend": "FRONTEND", "tracker-api": "TRACKER", "coach-api": "COACH", "notifier-api": "NOTIFIER",
       "mailbox-api": "MAILBOX", "all": "FRONTEND"}
MODES = ("split", "all")


def procfile_processes() -> list[str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return [line.split(":", 1)[0].strip() for line in lines if ":" in line]


@dataclass
class Stack:
    data_dir: Path
    env: dict
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    mode: str = "split"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.env['REBOUND_FRONTEND_PORT']}"

    def cli(self, *args: str, stdin: str | None = None) -> str:
        result = subprocess.run([REBOUND, *args], env=self.env, input=stdin, capture_output=True,
                                text=True, timeout=60, cwd=self.data_dir)
        assert result.returncode == 0, f"rebound {' '.join(args)} failed: {result.stderr}"
        return result.stdout

    def start(self, names: list[str] | None = None) -> None:
        """Start the named processes (default: the Procfile's, or the one process in mode "all")."""
        default = ["all"] if self.mode == "all" else procfile_processes()
        for name in names or default:
            log = open(self.data_dir / f"{name}.log", "ab")
            self.procs[name] = subprocess.Popen(
                [REBOUND, "run", name], env=self.env, stdout=log, stderr=subprocess.STDOUT,
                cwd=self.data_dir, start_new_session=True)
        self.wait_healthy()

    def wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        for name, prefix in WEB.items():
            if name not in self.procs:
                continue
            url = f"http://127.0.0.1:{self.env[f'REBOUND_{prefix}_PORT']}/readyz"
            while True:
                self.assert_alive()
                try:
                    if requests.get(url, timeout=1).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                assert time.monotonic() < deadline, f"{name} not ready: {self.log_tail(name)}"
                time.sleep(0.1)

    def assert_alive(self) -> None:
        for name, proc in self.procs.items():
            assert proc.poll() is None, f"{name} exited with {proc.returncode}: {self.log_tail(name)}"

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.data_dir / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def stop(self, timeout: float = 20) -> dict[str, int]:
        """SIGTERM every process, as Ctrl-C in `make run` does; their exit codes."""
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        codes = {}
        for name, proc in self.procs.items():
            try:
                codes[name] = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                codes[name] = proc.wait()
        self.procs.clear()
        return codes


def default_mode() -> str:
    """`split` (the Procfile's processes) unless REBOUND_E2E_MODE says `all`: `make e2e-all` runs the
    modules that do not choose a mode themselves again in one process (`rebound run all`)."""
    return os.environ.get("REBOUND_E2E_MODE", "split")


def make_stack(data_dir: Path, bus_url: str = "filesystem://", database_urls: dict | None = None,
               mode: str | None = None) -> Stack:
    mode = mode or default_mode()
    assert mode in MODES, mode
    env = {k: v for k, v in os.environ.items() if not k.startswith("REBOUND_")}
    env.update({
        "REBOUND_DATA_DIR": str(data_dir),
        "REBOUND_BUS_URL": bus_url,
        "REBOUND_WEB_WORKERS": "1",
        "REBOUND_SECRET_KEY": "test-secret-key-" + os.urandom(8).hex(),
        "REBOUND_INTERNAL_SECRET": "test-internal-secret-" + os.urandom(8).hex(),
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
    })
    for prefix in WEB.values():
        port = free_port()
        env[f"REBOUND_{prefix}_PORT"] = str(port)
        if prefix != "FRONTEND":
            env[f"REBOUND_{prefix}_URL"] = f"http://127.0.0.1:{port}"
    for service, url in (database_urls or {}).items():
        env[f"REBOUND_{service.upper()}_DATABASE_URL"] = url
    return Stack(data_dir=data_dir, env=env, mode=mode)


class Api:
    """The public REST API, as a script with a personal token uses it."""

    def __init__(self, base_url: str, token: str):
        self.base = f"{base_url}/api/v1"
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"

    def post(self, path: str, json: dict | None = None) -> requests.Response:
        return self.http.post(self.base + path, json=json, timeout=10)

    def get(self, path: str, **params) -> requests.Response:
        return self.http.get(self.base + path, params=params, timeout=10)


def browser_session(base_url: str, email: str, password: str) -> requests.Session:
    """A requests.Session logged in through the login form, CSRF token included."""
    session = requests.Session()
    session.trust_env = False
    page = session.get(f"{base_url}/login", timeout=10)
    match = _CSRF.search(page.text)
    assert match, "no CSRF token in the login form"
    reply = session.post(f"{base_url}/login", timeout=10, allow_redirects=False,
                         data={"email": email, "password": password, "csrf_token": match.group(1)})
    assert reply.status_code in (302, 303), f"login failed: {reply.status_code}"
    return session


def wait_until(predicate, timeout: float = 10, interval: float = 0.05, message: str = "condition"):
    """Poll `predicate` until it returns something truthy; fail at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out after {timeout}s waiting for {message}"
        time.sleep(interval)
