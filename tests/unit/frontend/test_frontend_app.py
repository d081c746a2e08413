"""Wiring: health checks, the migration, the vendored htmx and the panel labels."""
from __future__ import annotations

import re
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

import frontend
from frontend import models, panels
from frontend.app import create_app
from shared.events import REJECTION_REASONS, STAGES
from shared.runtime import Runtime
from shared.tables import bus_metadata

VENDOR = Path(frontend.__file__).parent / "static" / "vendor"


def test_healthz_and_readyz_answer(client):
    assert client.get("/healthz").json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json == {"status": "ready"}


def test_readyz_reports_a_database_that_does_not_answer(settings, runtime):
    engine = create_engine("sqlite:////nonexistent-folder/frontend.db")
    broken = Runtime("frontend", settings, engine, sessionmaker(engine))
    ready = create_app(settings, broken).test_client().get("/readyz")
    assert ready.status_code == 503
    assert any(reason.startswith("database") for reason in ready.json["reasons"])


def test_the_migration_creates_exactly_the_declared_tables(runtime):
    with runtime.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection),
                                       [models.metadata, bus_metadata])
    assert differences == []


def test_htmx_is_vendored_at_a_pinned_2x_version():
    script = (VENDOR / "htmx.min.js").read_text()
    version = re.search(r'version:"(\d+\.\d+\.\d+)"', script).group(1)
    assert version.startswith("2.")
    assert f"htmx.org {version}" in (VENDOR / "VERSIONS.txt").read_text()


def test_every_stage_and_reason_has_a_label():
    assert set(panels.STAGE_LABELS) == set(STAGES)
    assert set(panels.REASON_LABELS) == set(REJECTION_REASONS)


def test_pipeline_counts_keep_pipeline_order_and_skip_empty_stages():
    apps = [{"stage": "rejected"}, {"stage": "applied"}, {"stage": "applied"}]
    assert panels.pipeline_counts(apps) == [
        {"stage": "applied", "label": "Applied", "count": 2},
        {"stage": "rejected", "label": "Not this time", "count": 1},
    ]


def test_a_database_outage_is_a_kind_503_not_a_traceback(settings):
    engine = create_engine("sqlite:////nonexistent-folder/frontend.db")
    client = create_app(settings, Runtime("frontend", settings, engine, sessionmaker(engine))).test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True))
    page = client.post("/login", data={"email": "a@example.com", "password": "whatever!",
                                       "csrf_token": token.group(1)})
    api = client.get("/api/v1/applications", headers={"Authorization": "Bearer rb_anything"})
    assert page.status_code == 503 and "reach our database right now" in page.get_data(as_text=True)
    assert "Traceback" not in page.get_data(as_text=True)
    assert api.status_code == 503 and api.json["error"]["code"] == "unavailable"
