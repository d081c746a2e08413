"""Migrate each service's SQLite schema once per test session, then copy it.

Running every alembic migration for every test made the unit suite spend most
of its time in set-up (773 tests, 208 s on a busy machine). A copied file holds
exactly what the migrations produced, so tests still see the real schema.
"""
from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

from sqlalchemy import make_url

import rebound.migrations


class MigratedTemplates:
    """Stands in for `rebound.migrations.migrate`: same arguments, same outcome."""

    def __init__(self, migrate):
        self._migrate = migrate
        self._folder = Path(tempfile.mkdtemp(prefix="rebound-templates-"))
        self._templates: dict[tuple[str, str], Path] = {}

    def __call__(self, name: str, migrations_dir: Path, url: str) -> None:
        target = _sqlite_file(url)
        if target is None or (target.exists() and target.stat().st_size > 0):
            # PostgreSQL, in-memory SQLite, or a database that already has data: the real thing.
            self._migrate(name, migrations_dir, url)
            return
        template = self._template(name, migrations_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        # SQLite's backup API, not a file copy: the template is in WAL mode.
        with sqlite3.connect(template) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        source.close()
        copy.close()

    def _template(self, name: str, migrations_dir: Path) -> Path:
        key = (name, str(migrations_dir))
        if key not in self._templates:
            path = self._folder / f"{name}-{len(self._templates)}.sqlite3"
            self._migrate(name, migrations_dir, f"sqlite:///{path}")
            self._templates[key] = path
        return self._templates[key]

    def close(self) -> None:
        shutil.rmtree(self._folder, ignore_errors=True)


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def install(monkeypatch_session) -> MigratedTemplates:
    templates = MigratedTemplates(rebound.migrations.migrate)
    monkeypatch_session.setattr(rebound.migrations, "migrate", templates)
    return templates
