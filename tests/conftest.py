"""Fixtures for every suite: the broker, PostgreSQL, settings and service databases.

Brokers and servers are found by tests/support (env URL, then a container
when a Docker engine answers, then the local default). A test that needs
one and finds none is skipped, or fails under CI=true.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from support import (  # noqa: E402
    build_service_db, make_settings, sqlite_url, start_postgres, start_rabbit, unavailable,
)

# Fixtures that reach real services; only tests marked for it may use them.
INFRASTRUCTURE = {"rabbit", "amqp_url", "fresh_vhost", "postgres", "postgres_url",
                  "pg_database", "pg_service_db"}
REAL_WORLD_MARKERS = ("integration", "e2e", "browser")


@pytest.fixture(autouse=True)
def _infrastructure_guard(request):
    """Real services only for marked tests; every test under integration/ is marked."""
    marked = any(request.node.get_closest_marker(m) for m in REAL_WORLD_MARKERS)
    used = INFRASTRUCTURE.intersection(request.fixturenames)
    if used and not marked:
        pytest.fail(f"{request.node.nodeid} uses {sorted(used)}: mark it integration or e2e",
                    pytrace=False)
    if _suite(request.node.path) == "integration" and not request.node.get_closest_marker("integration"):
        pytest.fail(f"{request.node.nodeid} is in tests/integration but not marked integration",
                    pytrace=False)


def _suite(path) -> str:
    try:
        return Path(path).resolve().relative_to(TESTS).parts[0]
    except (ValueError, IndexError):
        return ""


# --- RabbitMQ ---------------------------------------------------------------

@pytest.fixture(scope="session")
def rabbit():
    """support.Rabbit: the broker, its vhosts (deleted at the end) and rabbitmqctl."""
    broker = start_rabbit()
    if broker is None:
        unavailable("no RabbitMQ answers (set REBOUND_TEST_AMQP_URL or start RabbitMQ)")
    try:
        yield broker
    finally:
        broker.stop()


@pytest.fixture(scope="session")
def amqp_url(rabbit) -> str:
    """An amqp:// URL of a vhost made for this test session."""
    return rabbit.new_vhost()


@pytest.fixture
def fresh_vhost(rabbit):
    """A factory: fresh_vhost() -> the amqp:// URL of a vhost no other test used.

    The vhosts are deleted (in the background) once the test is over.
    """
    made: list[str] = []

    def create() -> str:
        made.append(rabbit.new_vhost())
        return made[-1]

    yield create
    for url in made:
        rabbit.release(url)


# --- PostgreSQL -------------------------------------------------------------

@pytest.fixture(scope="session")
def postgres():
    """support.PostgresServer: creates and drops throwaway databases."""
    server = start_postgres()
    if server is None:
        unavailable("no PostgreSQL answers (set REBOUND_TEST_POSTGRES_URL or start PostgreSQL)")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres) -> str:
    """The server's own URL (its maintenance database); create databases instead of using it."""
    return postgres.url


@pytest.fixture
def pg_database(postgres):
    """A factory: pg_database() -> a postgresql+psycopg:// URL of a new, empty database.

    Every database it made is dropped WITH (FORCE) when the test ends.
    """
    made: list[str] = []

    def create(prefix: str = "rebound_test_") -> str:
        made.append(postgres.create_database(prefix))
        return made[-1]

    yield create
    for url in made:
        postgres.drop_database(url)


# --- IMAP ---------------------------------------------------------------------

@pytest.fixture
def dovecot():
    """Dovecot from Debian's packages, on a free port with its own configuration and mail store."""
    from support.dovecot import Dovecot, available
    if not available():
        unavailable("dovecot is not installed (apt-get install dovecot-imapd)")
    server = Dovecot().start()
    yield server
    server.stop()


# --- settings and service databases ----------------------------------------

@pytest.fixture
def settings_factory(tmp_path):
    """A factory: settings_factory(**kwargs) -> Settings, as support.make_settings(tmp_path, ...)."""
    def build(**kwargs):
        return make_settings(tmp_path, **kwargs)
    return build


@pytest.fixture
def make_service_db(tmp_path, request):
    """A factory: make_service_db("sqlite" | "postgres") -> support.ServiceDB.

    The database has the bus tables (outbox, processed_events) and `effects`;
    engines are disposed (and PostgreSQL databases dropped) after the test.
    """
    made = []

    def build(kind: str = "sqlite", name: str = "service"):
        if kind == "sqlite":
            url = sqlite_url(tmp_path, f"{name}-{len(made)}")
        elif kind == "postgres":
            url = request.getfixturevalue("pg_database")()
        else:
            raise ValueError(f"unknown database kind {kind!r}")
        made.append(build_service_db(url))
        return made[-1]

    yield build
    for db in made:
        db.dispose()


@pytest.fixture
def sqlite_service_db(tmp_path):
    """support.ServiceDB on a SQLite file under tmp_path."""
    db = build_service_db(sqlite_url(tmp_path))
    yield db
    db.dispose()


@pytest.fixture
def pg_service_db(pg_database):
    """support.ServiceDB on a new PostgreSQL database (dropped after the test)."""
    db = build_service_db(pg_database())
    yield db
    db.dispose()


# --- Migrated schemas -------------------------------------------------------

@pytest.fixture(scope="session", autouse=True)
def _migrate_sqlite_once():
    """Each service's SQLite schema is migrated once per session and copied per test."""
    from support.migrated_templates import install
    with pytest.MonkeyPatch.context() as patch:
        templates = install(patch)
        yield
    templates.close()
