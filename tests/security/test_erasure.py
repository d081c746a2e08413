"""Deleting an account leaves nothing of the person anywhere Rebound keeps things.

Through the real processes, on SQLite and on PostgreSQL: a person fills every
corner (applications with a company name, a rejection the coach answers, notes,
contacts, a supporter invited by e-mail, an e-mail channel asked to confirm,
check-ins, goals...). Before deletion their e-mail, display name and company name
are found in the databases and in mail files (so the search can fail); after it,
no row of any table of any service's database (every table, read by reflection,
the outbox and bus tables included) and no file under the data directory holds
any of them. SQLite's own database files are read table by table, not byte by
byte (freed pages are not overwritten).
"""
from __future__ import annotations

import email
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, select

from tests.e2e.harness import make_stack, wait_until
from tests.security.test_stack import User, _fill

pytestmark = pytest.mark.e2e

SERVICES = ("frontend", "tracker", "coach", "notifier")
EMAIL, NAME, COMPANY = "dee.erasure@example.com", "Dee Quillfeather", "quillcorp"
SQLITE_FILES = (".db", ".db-wal", ".db-shm", ".db-journal")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def stack(request, tmp_path_factory):
    urls = None
    if request.param == "postgresql":
        postgres = request.getfixturevalue("postgres")
        urls = {service: postgres.create_database(f"rebound_erase_{service}_") for service in SERVICES}
    stack = make_stack(tmp_path_factory.mktemp(f"erase-{request.param}"), database_urls=urls)
    stack.database_urls = urls or {s: f"sqlite:///{stack.data_dir / (s + '.db')}" for s in SERVICES}
    stack.start()
    yield stack
    for name in stack.procs:
        print(f"--- {name}\n{stack.log_tail(name)}")
    stack.stop()
    for url in (urls or {}).values():
        request.getfixturevalue("postgres").drop_database(url)


def _in_databases(stack, needles) -> list[str]:
    found = []
    for service in SERVICES:
        engine = create_engine(stack.database_urls[service])
        try:
            metadata = MetaData()
            metadata.reflect(engine)
            with engine.connect() as conn:
                for table in metadata.sorted_tables:
                    for row in conn.execute(select(table)):
                        text = " ".join(str(v) for v in row).lower()
                        found += [f"{service}.{table.name}: {n}" for n in needles if n.lower() in text]
        finally:
            engine.dispose()
    return found


def _file_text(path: Path) -> str:
    raw = path.read_bytes()
    text = raw.decode("utf-8", "replace")
    if path.suffix == ".eml":  # bodies may be base64 or quoted-printable
        message = email.message_from_bytes(raw, policy=policy.default)
        parts = [p.get_content() for p in message.walk() if p.get_content_maintype() == "text"]
        text += " ".join(str(p) for p in parts) + " ".join(str(v) for _, v in message.items())
    return text.lower()


def _in_files(stack, needles) -> list[str]:
    found = []
    for path in Path(stack.data_dir).rglob("*"):
        if not path.is_file() or path.name.endswith(SQLITE_FILES):
            continue
        text = _file_text(path)
        found += [f"{path.relative_to(stack.data_dir)}: {n}" for n in needles if n.lower() in text]
    return found


def test_deleting_an_account_leaves_nothing_in_any_table_or_file(stack):
    dee = User(stack, EMAIL, NAME)
    _fill(dee, COMPANY, notifications=False)
    dee.made("/channels", {"kind": "email", "target": "dee.other@example.com"})
    needles = (EMAIL, NAME, COMPANY, "dee.other@example.com")
    wait_until(lambda: len(_in_files(stack, (NAME,))) >= 1, timeout=40, interval=0.5,
               message="the invitation mail naming Dee to be written")
    before_db, before_files = _in_databases(stack, needles), _in_files(stack, needles)
    assert any(EMAIL in f for f in before_db) and any(COMPANY in f for f in before_db), before_db
    assert before_files, "no mail file for Dee was written, so files were not tested"

    answer = dee.api.http.delete(f"{dee.api.base}/account", json={"confirm": EMAIL}, timeout=10)
    assert answer.status_code == 204, answer.text

    def nothing_left():
        stack.assert_alive()
        return (not _in_databases(stack, needles) and not _in_files(stack, needles)) or None

    try:
        wait_until(nothing_left, timeout=40, interval=0.5, message="every trace of Dee to go")
    except AssertionError:
        raise AssertionError("left behind:\n" + "\n".join(_in_databases(stack, needles) + _in_files(stack, needles)))
