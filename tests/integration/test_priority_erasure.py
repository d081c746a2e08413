"""`user.deleted` overtakes a backlog: it travels in each service's `<service>.priority`
queue, consumed beside `<service>.events`, so a person's erasure never waits behind
someone else's thousands of events. On RabbitMQ and PostgreSQL, with the real coach."""
from __future__ import annotations

from datetime import date

import pytest
from kombu import Connection
from sqlalchemy import func, select

from services.coach.handlers import HANDLERS
from services.coach.models import ApplicationFact, Reflection
from shared import topology
from shared.bus import Publisher, connect
from shared.events import make_event
from shared.runtime import Runtime
from rebound.migrations import migrate_service
from shared.worker import Worker
from support import make_settings, running_worker, wait_for

pytestmark = pytest.mark.integration
BACKLOG = 3000


def _created(user: str, app_id: int) -> dict:
    return make_event("application.created", user_id=user, producer="tracker", data={
        "application_id": app_id, "company": f"Company {app_id}", "role": "Analyst", "source": None,
        "role_category": None, "applied_on": date.today().isoformat()})


def _rejected(user: str, app_id: int) -> dict:
    return make_event("application.rejected", user_id=user, producer="tracker", data={
        "application_id": app_id, "company": "Quillcorp", "role": "Analyst", "source": "job_board",
        "stage_reached": "interview", "reason": "experience", "feedback": None,
        "received_on": date.today().isoformat()})


def _waiting(settings) -> int:
    with Connection(settings.bus_url) as conn:
        return conn.default_channel.queue_declare("coach.events", passive=True).message_count


def test_user_deleted_overtakes_a_backlog_of_other_peoples_events(tmp_path, fresh_vhost, pg_database):
    settings = make_settings(tmp_path, bus_url=fresh_vhost(), database_url=pg_database())
    migrate_service("coach", settings)
    runtime = Runtime.build("coach", settings)
    with Connection(settings.bus_url) as conn:
        topology.declare_all(conn.default_channel, amqp=True)
    publisher = Publisher(settings)
    publisher.publish(_rejected("dee", 1))
    worker = Worker("coach", connect(settings), runtime.sessions, HANDLERS, settings)

    def dees_rows() -> int:
        with runtime.sessions() as session:
            return session.scalar(select(func.count()).select_from(Reflection).where(Reflection.user_id == "dee"))

    try:
        with running_worker(worker):
            wait_for(lambda: dees_rows() > 0, timeout=20, message="Dee's reflection")
            for i in range(BACKLOG):
                publisher.publish(_created("busy", 1000 + i))
            publisher.publish(make_event("user.deleted", user_id="dee", producer="frontend", data={}))
            wait_for(lambda: dees_rows() == 0, timeout=20, message="Dee's rows to be erased")
            left = _waiting(settings)
            assert left > BACKLOG // 3, f"only {left} of {BACKLOG} events were still waiting: no overtaking shown"
    finally:
        publisher.close()
        runtime.engine.dispose()


def test_a_persons_own_late_events_bring_nothing_back_after_their_erasure(tmp_path, fresh_vhost, pg_database):
    """user.deleted overtakes the person's own backlog too: what arrives after it is dropped."""
    settings = make_settings(tmp_path, bus_url=fresh_vhost(), database_url=pg_database())
    migrate_service("coach", settings)
    runtime = Runtime.build("coach", settings)
    with Connection(settings.bus_url) as conn:
        topology.declare_all(conn.default_channel, amqp=True)
    publisher = Publisher(settings)
    for i in range(500):
        publisher.publish(_created("dee", 1 + i))
        if i % 50 == 0:
            publisher.publish(_rejected("dee", 1 + i))
    publisher.publish(make_event("user.deleted", user_id="dee", producer="frontend", data={}))
    worker = Worker("coach", connect(settings), runtime.sessions, HANDLERS, settings)

    def dees_rows() -> int:
        with runtime.sessions() as session:
            return sum(session.scalar(select(func.count()).select_from(model).where(model.user_id == "dee"))
                       for model in (ApplicationFact, Reflection))

    def busy_knows(app_id: int) -> bool:
        with runtime.sessions() as session:
            return session.scalar(select(func.count()).select_from(ApplicationFact).where(
                ApplicationFact.user_id == "busy", ApplicationFact.application_id == app_id)) == 1

    try:
        with running_worker(worker):
            publisher.publish(_created("busy", 1))  # behind all of Dee's events in coach.events
            wait_for(lambda: busy_knows(1), timeout=60, message="the backlog to be handled")
            assert dees_rows() == 0
            publisher.publish(_created("dee", 9999))  # even much later
            publisher.publish(_created("busy", 2))
            wait_for(lambda: busy_knows(2), timeout=20, message="the last events to be handled")
            assert dees_rows() == 0
    finally:
        publisher.close()
        runtime.engine.dispose()
