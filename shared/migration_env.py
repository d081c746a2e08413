"""The body of every service's Alembic env.py: one function, no alembic.ini."""
from __future__ import annotations

from alembic import context
from sqlalchemy import MetaData

from shared.db import make_engine


def run_migrations(metadata: MetaData | list[MetaData]) -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=metadata,
                render_as_batch=connection.dialect.name == "sqlite",
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()
