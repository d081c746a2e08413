"""What every infrastructure helper needs: CI rules, Docker, names, Settings.

Services are found in this order: an explicit URL from the environment,
else a testcontainers container when a Docker engine answers, else the
local default service. Under CI=true a missing service fails the test;
elsewhere it is skipped with the reason.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from shared.config import SERVICES, Settings, load_settings


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def unavailable(reason: str) -> None:
    """Skip the test, or fail it under CI, where nothing may be skipped."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: the service must be there)", pytrace=False)
    pytest.skip(reason)


def docker_engine_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=3).ping()
        return True
    except Exception:  # no client library, no socket, no engine: all mean "no"
        return False


def unique_name(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def make_settings(tmp_path: Path, *, bus_url: str = "filesystem://",
                  database_url: str | None = None, database_urls: dict[str, str] | None = None,
                  max_attempts: int = 3, retry_base_ms: int = 50,
                  env: dict[str, str] | None = None) -> Settings:
    """Settings built by load_settings from a clean REBOUND_* environment.

    The process environment is left as it was. `database_url` is used for
    every service, `database_urls` overrides it per service; `env` adds other
    REBOUND_ variables, named without the prefix (e.g. {"HEARTBEAT_S": "5"}).
    """
    values = {
        "DATA_DIR": str(tmp_path),
        "BUS_URL": bus_url,
        "MAX_ATTEMPTS": str(max_attempts),
        "RETRY_BASE_MS": str(retry_base_ms),
    }
    for service in SERVICES:
        url = (database_urls or {}).get(service, database_url)
        if url:
            values[f"{service.upper()}_DATABASE_URL"] = url
    values.update(env or {})
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith("REBOUND_"):
                patch.delenv(name)
        for name, value in values.items():
            patch.setenv(f"REBOUND_{name}", value)
        return load_settings()
