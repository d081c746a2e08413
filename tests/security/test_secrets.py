"""No secret lives in the repository, and production refuses to start without real ones."""
from __future__ import annotations

import collections
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from shared.config import DEV_SECRET, ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[2]
REBOUND = str(Path(sys.executable).parent / "rebound")
STRONG = "k3P9xQ2mZr7VtB4nW8yL1cF6hJ0sD5gA"  # 32 characters, only ever used here

PRIVATE_KEY = re.compile(r"-----BEGIN ([A-Z]+ )?PRIVATE KEY-----")
PROVIDER_KEYS = re.compile(r"\b(AKIA[0-9A-Z]{16}|ghp_[A-Za-z0-9]{36}|xox[abprs]-[A-Za-z0-9-]{10,}"
                           r"|sk_live_[A-Za-z0-9]{16,})\b")
ASSIGNED = re.compile(r"""(?i)\b\w*(secret|password|passwd|api_?key|private_?key|token)\w*["']?\s*[:=]\s*"""
                      r"""["']([^"'\s]{16,})["']""")
# Values that look like secrets but are references or well-known development placeholders.
PLACEHOLDER = re.compile(r"[${]|change-me|example|dev-only")


def _entropy(value: str) -> float:
    counts = collections.Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def _repository_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    return [ROOT / name for name in listed if (ROOT / name).is_file()]


def _text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None


def test_the_scanner_finds_what_it_looks_for():
    # Built from pieces, so this file does not trip its own scan.
    assert PRIVATE_KEY.search("-----BEGIN RSA " + "PRIVATE KEY-----")
    assert PROVIDER_KEYS.search("key AKIA" + "IOSFODNN7EXAMPLE here")
    found = ASSIGNED.search(f'SECRET_KEY = "{STRONG}"')
    assert found and _entropy(found.group(2)) > 3.5 and not PLACEHOLDER.search(found.group(2))


def test_no_private_or_provider_keys_anywhere_in_the_repository():
    files = _repository_files()
    assert len(files) > 100, "git listed too few files: is this the repository?"
    leaks = []
    for path in files:
        text = _text(path)
        if text and (PRIVATE_KEY.search(text) or PROVIDER_KEYS.search(text)):
            leaks.append(str(path.relative_to(ROOT)))
    assert leaks == []


def test_no_high_entropy_values_assigned_to_secret_names_outside_tests():
    leaks = []
    for path in _repository_files():
        relative = path.relative_to(ROOT)
        if relative.parts[0] == "tests" or relative.name == ".env.example":
            continue
        for match in ASSIGNED.finditer(_text(path) or ""):
            value = match.group(2)
            if not PLACEHOLDER.search(value) and value != DEV_SECRET and _entropy(value) >= 3.0:
                leaks.append(f"{relative}: {match.group(0)[:60]}")
    assert leaks == []


def test_the_real_env_file_is_ignored_by_git():
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=ROOT)
    assert ignored.returncode == 0


def _example_value(name: str) -> str:
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.startswith(f"{name}="):
            return line.split("=", 1)[1]
    raise AssertionError(f"{name} is not in .env.example")


def _production_env(tmp_path, **secrets) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REBOUND_")}
    env.update({"REBOUND_ENV": "production", "REBOUND_DATA_DIR": str(tmp_path)})
    env.update({f"REBOUND_{name.upper()}": value for name, value in secrets.items() if value is not None})
    return env


SECRET_CASES = {
    "missing": None,
    "default": DEV_SECRET,
    "short": "Zr7VtB4nW8yL1cF6",
    "example placeholder": _example_value("REBOUND_SECRET_KEY"),
    "lengthened placeholder": "change-me-secret-key-but-longer-than-32",
}


@pytest.mark.parametrize("case", sorted(SECRET_CASES))
@pytest.mark.parametrize("variable", ["secret_key", "internal_secret"])
def test_production_settings_refuse_weak_secrets(tmp_path, monkeypatch, case, variable):
    other = "internal_secret" if variable == "secret_key" else "secret_key"
    for name, value in _production_env(tmp_path, **{variable: SECRET_CASES[case], other: STRONG}).items():
        monkeypatch.setenv(name, value)
    if SECRET_CASES[case] is None:
        monkeypatch.delenv(f"REBOUND_{variable.upper()}", raising=False)
    with pytest.raises(ConfigError, match=f"REBOUND_{variable.upper()}"):
        load_settings()


def test_production_settings_accept_strong_secrets(tmp_path, monkeypatch):
    for name, value in _production_env(tmp_path, secret_key=STRONG, internal_secret=STRONG[::-1]).items():
        monkeypatch.setenv(name, value)
    assert load_settings().production


# One weak setting per process, each start in its own subprocess (all at once: start-up imports are slow).
WEAK_STARTS = {
    "frontend": {},
    "tracker-api": {"secret_key": DEV_SECRET, "internal_secret": DEV_SECRET},
    "coach-worker": {"secret_key": STRONG},
    "notifier-api": {"secret_key": STRONG, "internal_secret": _example_value("REBOUND_INTERNAL_SECRET")},
}


def test_production_processes_will_not_start_with_default_or_missing_secrets(tmp_path):
    started = {}
    for process, secrets in WEAK_STARTS.items():
        (tmp_path / process).mkdir()
        started[process] = subprocess.Popen(
            [REBOUND, "run", process], env=_production_env(tmp_path / process, **secrets), cwd=tmp_path,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for process, proc in started.items():
        try:
            _, stderr = proc.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise AssertionError(f"{process} started in production with {WEAK_STARTS[process] or 'no secrets'}")
        assert proc.returncode != 0, f"{process} exited 0 with weak secrets"
        assert "must be set to a random value of at least 32 characters" in stderr, stderr[-500:]
        assert "Traceback" not in stderr
