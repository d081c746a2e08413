from services.mailbox.models import metadata
from shared.migration_env import run_migrations
from shared.tables import bus_metadata

run_migrations([metadata, bus_metadata])
