"""The notifier's migrations build exactly the declared schema, and the topic modes step back cleanly."""
from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from services.notifier.models import metadata
from shared.db import alembic_config
from rebound.migrations import migrations_dir
from shared.tables import bus_metadata


def _differences(engine) -> list:
    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), [metadata, bus_metadata])


def _preference_columns(engine) -> set[str]:
    return {column["name"] for column in inspect(engine).get_columns("preferences")}


def test_the_migrations_create_exactly_the_declared_schema(notifier):
    assert _differences(notifier.runtime.engine) == []


def test_the_topic_modes_migration_is_reversible_and_keeps_the_rows(notifier):
    notifier.register()
    notifier.send("PATCH", "/preferences", {"digest_time": "07:15", "topics": {"wins": "off"}})
    engine = notifier.runtime.engine
    config = alembic_config(migrations_dir("notifier"), notifier.runtime.settings.database_url("notifier"))
    command.downgrade(config, "0002")
    assert "topic_modes" not in _preference_columns(engine)
    command.upgrade(config, "head")
    assert _differences(engine) == []
    prefs = notifier.get("/preferences").json
    assert prefs["digest_time"] == "07:15" and prefs["topics"]["wins"] == "digest"  # back to the default
