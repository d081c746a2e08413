"""Imported history reaches the mailbox's copy of applications, so mailed news can be matched to it."""
from __future__ import annotations

from sqlalchemy import select

from services.mailbox import handlers
from services.mailbox.models import KnownApplication
from shared.events import make_event, validate_event
from shared.runtime import Runtime
from rebound.migrations import migrate_service
from support import make_settings


def test_imported_applications_are_remembered_like_live_ones(tmp_path):
    settings = make_settings(tmp_path)
    migrate_service("mailbox", settings)
    runtime = Runtime.build("mailbox", settings)
    created = [make_event("application.created", user_id="u1", producer="tracker", data={
        "application_id": n, "company": company, "role": "Data Analyst", "source": None,
        "role_category": None, "applied_on": "2025-03-01"}) for n, company in ((7, "Contoso"), (8, "Fabrikam"))]
    batch = validate_event(make_event("applications.imported", user_id="u1", producer="tracker", data={
        "events": [{"id": e["id"], "type": e["type"], "data": e["data"]} for e in created]}))
    with runtime.sessions.begin() as session:
        for handler in handlers.HANDLERS["applications.imported"]:
            handler(session, batch)
    with runtime.sessions() as session:
        known = session.scalars(select(KnownApplication).where(KnownApplication.user_id == "u1")).all()
    runtime.engine.dispose()
    assert sorted((k.application_id, k.company) for k in known) == [(7, "Contoso"), (8, "Fabrikam")]
