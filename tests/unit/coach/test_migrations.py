"""The coach's migrations build exactly the declared schema, and the newest one steps back cleanly."""
from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from services.coach.models import metadata
from shared.db import alembic_config
from rebound.migrations import migrations_dir
from shared.tables import bus_metadata

NEW_INDEXES = {"ix_application_facts_user_created", "ix_application_facts_user_rejected",
               "ix_application_facts_user_category"}


def _differences(engine) -> list:
    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), [metadata, bus_metadata])


def _fact_indexes(engine) -> set[str]:
    return {index["name"] for index in inspect(engine).get_indexes("application_facts")}


def test_the_migrations_create_exactly_the_declared_tables_and_indexes(make_service):
    engine = make_service().runtime.engine
    assert _differences(engine) == []
    assert NEW_INDEXES <= _fact_indexes(engine)


def test_the_fact_indexes_migration_is_reversible(make_service):
    svc = make_service()
    config = alembic_config(migrations_dir("coach"), svc.runtime.settings.database_url("coach"))
    command.downgrade(config, "0002")
    assert not NEW_INDEXES & _fact_indexes(svc.runtime.engine)
    command.upgrade(config, "head")
    assert _differences(svc.runtime.engine) == []


def test_the_count_and_newest_index_migration_is_reversible(make_service):
    svc = make_service()
    config = alembic_config(migrations_dir("coach"), svc.runtime.settings.database_url("coach"))
    command.downgrade(config, "0003")
    assert "application_count" not in {c["name"] for c in inspect(svc.runtime.engine).get_columns("profiles")}
    assert "ix_application_facts_user_newest" not in _fact_indexes(svc.runtime.engine)
    command.upgrade(config, "head")
    assert _differences(svc.runtime.engine) == []


def test_the_cards_migration_is_reversible(make_service):
    svc = make_service()
    config = alembic_config(migrations_dir("coach"), svc.runtime.settings.database_url("coach"))
    command.downgrade(config, "0004")
    tables = set(inspect(svc.runtime.engine).get_table_names())
    assert not {"coach_cards", "said_texts"} & tables
    assert "coach_budget" not in {c["name"] for c in inspect(svc.runtime.engine).get_columns("profiles")}
    command.upgrade(config, "head")
    assert _differences(svc.runtime.engine) == []
