"""The frontend's migrations build exactly the declared schema, and the new ones step back cleanly."""
from __future__ import annotations

import os
import uuid

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from frontend.models import metadata
from shared.db import alembic_config, migrate
from rebound.migrations import migrations_dir
from shared.tables import bus_metadata

NEW_TABLES = {"web_sessions", "pending_signups", "invitations", "external_identities"}


def _differences(engine) -> list:
    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), [metadata, bus_metadata])


def _check(url: str) -> None:
    migrate("frontend", migrations_dir("frontend"), url)
    engine = create_engine(url)
    try:
        assert _differences(engine) == []
        assert NEW_TABLES <= set(inspect(engine).get_table_names())
        config = alembic_config(migrations_dir("frontend"), url)
        command.downgrade(config, "0002")
        assert not NEW_TABLES & set(inspect(engine).get_table_names())
        command.upgrade(config, "head")
        assert _differences(engine) == []
    finally:
        engine.dispose()


def test_the_migrations_build_the_declared_schema_on_sqlite(tmp_path):
    _check(f"sqlite:///{tmp_path / 'frontend.db'}")


def test_the_migrations_build_the_declared_schema_on_postgresql():
    server = os.environ.get("REBOUND_TEST_POSTGRES_URL")
    if not server:
        pytest.skip("REBOUND_TEST_POSTGRES_URL is not set")
    name = f"rebound_frontend_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        _check(server.rsplit("/", 1)[0] + f"/{name}")
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
