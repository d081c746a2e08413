"""Where each service keeps its migrations, and migrating one service's database."""
from __future__ import annotations

import importlib
from pathlib import Path

from shared.config import Settings
from shared.db import migrate

PACKAGES = {
    "frontend": "frontend",
    "tracker": "services.tracker",
    "coach": "services.coach",
    "notifier": "services.notifier",
    "mailbox": "services.mailbox",
}


def migrations_dir(service: str) -> Path:
    package = importlib.import_module(PACKAGES[service])
    return Path(package.__file__).parent / "migrations"


def migrate_service(service: str, settings: Settings) -> None:
    migrate(service, migrations_dir(service), settings.database_url(service))
