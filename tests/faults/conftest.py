"""Fixtures for the fault suites: the real pipeline on a fresh vhost and fresh databases."""
from __future__ import annotations

import pytest

from tests.faults.pipeline import SERVICES, Pipeline


@pytest.fixture
def pipeline(tmp_path, fresh_vhost, pg_database):
    """A Pipeline with migrated databases and nothing running; every process stopped after."""
    pipe = Pipeline(tmp_path, fresh_vhost(), {s: pg_database() for s in SERVICES})
    pipe.migrate()
    yield pipe
    for name in pipe.procs:  # shown only when the test fails
        print(f"--- {name}\n{pipe.tail(name)}")
    pipe.stop()
