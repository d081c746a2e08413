"""Alembic environment of the frontend database: its own tables plus the outbox."""
from frontend import models
from shared.migration_env import run_migrations
from shared.tables import bus_metadata

run_migrations([models.metadata, bus_metadata])
