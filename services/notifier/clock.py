"""The notifier's clock: naive UTC now. Tests replace `now` (monkeypatch) to move time."""
from __future__ import annotations

from datetime import datetime

from shared.tables import utcnow


def now() -> datetime:
    return utcnow()
