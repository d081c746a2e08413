"""Migrations 0044 and 0045 (round times, the calendar key) go up and down on PostgreSQL and SQLite."""
from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect

from shared.db import alembic_config
from rebound.migrations import migrations_dir

pytestmark = pytest.mark.integration


def _columns(url: str, table: str) -> set[str]:
    engine = create_engine(url)
    try:
        return {c["name"] for c in inspect(engine).get_columns(table)}
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_round_times_and_the_calendar_key_migrate_both_ways(backend, request, tmp_path):
    url = request.getfixturevalue("pg_database")() if backend == "postgresql" else f"sqlite:///{tmp_path}/t.db"
    config = alembic_config(migrations_dir("tracker"), url)
    command.upgrade(config, "head")
    assert {"starts_at", "timezone", "duration_minutes", "location", "video_url"} <= _columns(url, "interview_rounds")
    assert {"calendar_key_hash", "calendar_key_created_at"} <= _columns(url, "tracker_settings")
    command.downgrade(config, "0003")
    assert "starts_at" not in _columns(url, "interview_rounds")
    assert "calendar_key_hash" not in _columns(url, "tracker_settings")
    command.upgrade(config, "head")
    assert "video_url" in _columns(url, "interview_rounds")
