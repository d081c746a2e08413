"""Container health check for every Rebound process (the image's HEALTHCHECK).

One image serves every process, so the check first finds which process this
container runs (`rebound run NAME`, read from /proc), then:

- web (frontend, *-api): GET http://127.0.0.1:$PORT/healthz must answer 200.
  Liveness only: /readyz (database and bus) is for a proxy or monitoring,
  not for Docker, which would otherwise mark every API unhealthy during a
  broker outage that the outbox is built to ride out.
- background (*-relay, *-worker: outbox relay, event consumer, scheduler):
  the process is alive (not a zombie, not stopped) and, for a service that
  consumes events, holds an established TCP connection to a broker (any
  port of REBOUND_BUS_URL, which may list several nodes separated by `;`). The
  consumer keeps one open at all times; one that has lost it for the whole
  retry window is not consuming. (The relay alone connects only when it has
  something to publish, so there is nothing to look for without a consumer.)

`--alive` checks only that the process is there and not stopped (a
Kubernetes liveness probe for background processes; the full check is their
readiness probe).

Exit 0 when healthy, 1 otherwise, with one line on stdout saying why (Docker
keeps it in `docker inspect`). Standard library only and no import of the
application (importing it costs a second of CPU per check); the unit tests
keep the tables below in step with rebound/processes.py.
"""
from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_PORTS = {"frontend": 8000, "tracker": 8001, "coach": 8002, "notifier": 8003, "mailbox": 8004}
# Services whose background process consumes events (rebound.processes.HANDLER_MAPS).
CONSUMERS = {"tracker", "coach", "notifier", "mailbox"}
AMQP_PORTS = {"amqp": 5672, "pyamqp": 5672, "amqps": 5671}
PROC = Path("/proc")
INIT_PROGRAMS = {"docker-init", "tini", "dumb-init"}


def classify(process: str) -> tuple[str, str]:
    """(service, kind) of a process name, as in rebound.processes.PROCESSES."""
    if process in ("frontend", "all"):  # `rebound run all` answers /healthz on the frontend's port
        return "frontend", "web"
    service, _, role = process.partition("-")
    kinds = {"api": "web", "relay": "background", "worker": "background"}
    if service not in DEFAULT_PORTS or role not in kinds:
        raise ValueError(f"not a Rebound process: {process!r}")
    return service, kinds[role]


def find_process(proc: Path = PROC) -> tuple[int, str] | None:
    """(pid, process name) of the `rebound run NAME` process in this container."""
    found = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = [a.decode("utf-8", "replace") for a in (entry / "cmdline").read_bytes().split(b"\0") if a]
        except OSError:
            continue
        if argv and os.path.basename(argv[0]) in INIT_PROGRAMS:
            continue  # `init: true` runs docker-init -- rebound run NAME as pid 1
        for i in range(len(argv) - 2):
            if os.path.basename(argv[i]) == "rebound" and argv[i + 1] == "run":
                found.append((int(entry.name), argv[i + 2]))
                break
    return min(found) if found else None  # the oldest: gunicorn's master, not a worker


def process_state(pid: int, proc: Path = PROC) -> str:
    """One letter from /proc/PID/stat: R, S, D, Z (zombie), T (stopped)..."""
    stat = (proc / str(pid) / "stat").read_text()
    return stat.rsplit(")", 1)[1].split()[0]


def service_port(service: str) -> int:
    raw = os.environ.get(f"REBOUND_{service.upper()}_PORT", "")
    return int(raw) if raw else DEFAULT_PORTS[service]


def check_web(port: int, timeout: float = 3.0) -> str | None:
    url = f"http://127.0.0.1:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            if response.status != 200:
                return f"{url} answered {response.status}"
    except urllib.error.HTTPError as exc:
        return f"{url} answered {exc.code}"
    except (OSError, ValueError) as exc:
        return f"{url}: {type(exc).__name__}: {exc}"
    return None


def broker_ports(bus_url: str) -> set[int]:
    """The brokers' TCP ports for amqp URLs (several, separated by `;`); empty for other transports."""
    ports = set()
    for url in filter(None, (part.strip() for part in bus_url.split(";"))):
        parts = urlsplit(url)
        if parts.scheme in AMQP_PORTS:
            ports.add(parts.port or AMQP_PORTS[parts.scheme])
    return ports


def established_remote_ports(tables: list[str]) -> set[int]:
    """Remote ports of ESTABLISHED sockets in /proc/net/tcp{,6} text."""
    ports = set()
    for table in tables:
        for line in table.splitlines()[1:]:
            fields = line.split()
            if len(fields) > 3 and fields[3] == "01":  # TCP_ESTABLISHED
                ports.add(int(fields[2].rsplit(":", 1)[1], 16))
    return ports


def check_broker_connection(pid: int, bus_url: str, proc: Path = PROC) -> str | None:
    ports = broker_ports(bus_url)
    if not ports:
        return None  # embedded bus: nothing to hold a connection to
    tables = []
    for name in ("tcp", "tcp6"):
        try:
            tables.append((proc / str(pid) / "net" / name).read_text())
        except OSError:
            continue
    if not ports & established_remote_ports(tables):
        return f"no connection to a broker (port {', '.join(map(str, sorted(ports)))})"
    return None


def check(proc: Path = PROC, alive_only: bool = False) -> str | None:
    """None when healthy, else the reason; `alive_only` skips what depends on the database or the broker."""
    found = find_process(proc)
    if found is None:
        return "no `rebound run` process in this container"
    pid, process = found
    try:
        service, kind = classify(process)
    except ValueError as exc:
        return str(exc)
    try:
        state = process_state(pid, proc)
    except OSError:
        return f"{process} (pid {pid}) has gone"
    if state in ("Z", "T", "t", "X"):
        return f"{process} (pid {pid}) is in state {state}"
    if alive_only:
        return None
    if kind == "web":
        return check_web(service_port(service))
    if service in CONSUMERS:
        return check_broker_connection(pid, os.environ.get("REBOUND_BUS_URL", ""), proc)
    return None


def main(argv: list[str] | None = None) -> int:
    # --alive: a liveness probe's question (is the process there and running?). A
    # broker outage must make a pod unready, not have it restarted.
    problem = check(alive_only="--alive" in (sys.argv[1:] if argv is None else argv))
    print(problem or "ok")
    return 1 if problem else 0


if __name__ == "__main__":
    sys.exit(main())
