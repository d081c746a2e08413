"""Helpers shared by the test suites: infrastructure, polling, fakes, samples.

Import as `from support import ...` (tests/ is on sys.path via tests/conftest.py).
"""
from .background import (
    Outcomes, RelayHandle, claim_in_lockstep, running_relay, running_worker, worker_outcomes,
)
from .broker import Rabbit, amqp_answers, drain_queue, queue_depth, start_rabbit
from .database import (
    PostgresServer, ServiceDB, build_service_db, effects, record_effect, sqlite_url, start_postgres,
)
from .fakes import FakeMessage, FakeProducer, FakePublisher, broker_down
from .infra import in_ci, make_settings, unavailable, unique_name
from .polling import wait_for
from .proxy import TcpProxy
from .samples import SAMPLE_DATA, consumed_type, created_data, datas, sample_data, sample_event

__all__ = [
    "FakeMessage", "FakeProducer", "FakePublisher", "Outcomes", "PostgresServer", "Rabbit",
    "RelayHandle", "SAMPLE_DATA", "ServiceDB", "TcpProxy", "amqp_answers", "broker_down",
    "build_service_db", "claim_in_lockstep", "consumed_type", "created_data", "datas",
    "drain_queue", "effects", "in_ci", "make_settings", "queue_depth", "record_effect",
    "running_relay", "running_worker", "sample_data", "sample_event", "sqlite_url",
    "start_postgres", "start_rabbit", "unavailable", "unique_name", "wait_for", "worker_outcomes",
]
