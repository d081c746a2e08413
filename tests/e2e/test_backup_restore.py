"""`rebound backup` and `rebound restore`: every service back to one point, on SQLite and PostgreSQL."""
from __future__ import annotations

import json
import subprocess
import tarfile

import pytest

from shared.config import SERVICES
from tests.e2e.harness import REBOUND, Api, make_stack, wait_until

pytestmark = pytest.mark.e2e

PASSWORD = "a long enough password"
ANSWERS = ("/applications", "/reflections", "/notifications", "/wins", "/goals", "/insights", "/supporters")


@pytest.fixture(params=["sqlite", "postgresql"])
def stack(request, tmp_path):
    urls = None
    if request.param == "postgresql":
        make_db = request.getfixturevalue("pg_database")
        urls = {service: make_db() for service in SERVICES}
    stack = make_stack(tmp_path / "data", database_urls=urls)
    stack.data_dir.mkdir()
    stack.start()
    yield stack
    print(f"--- all\n{stack.log_tail('all', 40)}")
    stack.stop()


def answers(api: Api) -> dict:
    """What the API says about the person's data (the insights' own timestamp aside)."""
    found = {path: api.get(path, limit=1000).json() for path in ANSWERS}
    found["/insights"].pop("generated_at")
    return found


def _rejected(api: Api, company: str) -> int:
    app_id = api.post("/applications", {"company": company, "role": "Analyst"}).json()["id"]
    assert api.post(f"/applications/{app_id}/rejection", {"reason": "experience"}).status_code == 201
    # The rejection's own card (its reflection inside), not the application's earlier one.
    wait_until(lambda: [n for n in api.get("/notifications", limit=1000).json()["items"]
                        if company in (n["body"] or "")
                        and any(s["kind"] == "reflection" for s in n.get("sections") or [])],
               timeout=30, message=f"{company}'s card")
    return app_id


def test_backup_then_changes_then_restore_gives_the_same_answers(stack, tmp_path):
    stack.cli("users", "create", "sam@example.com", "--name", "Sam", stdin=PASSWORD + "\n")
    api = Api(stack.base_url, stack.cli("tokens", "create", "sam@example.com").split()[-1])
    _rejected(api, "Northwind")
    wait_until(lambda: api.get("/reflections").json()["items"], message="a reflection")
    wait_until(lambda: _outboxes_drained(stack, urls_of(stack)), timeout=30, message="a quiet moment")
    before = answers(api)
    archive = stack.cli("backup", str(tmp_path / "backups")).strip()  # while running: the online copy
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert set(manifest["services"]) == set(SERVICES)
    assert all(entry["revision"] for entry in manifest["services"].values())

    _rejected(api, "Initech")  # after the backup: the restore must take this away
    assert answers(api) != before
    stack.stop()
    restored = stack.cli("restore", archive)
    assert restored.count("restored") == len(SERVICES), restored
    stack.start()
    assert answers(api) == before
    # Events sent just before the backup go out again; consumers drop them as seen, so nothing doubles.
    wait_until(lambda: _outboxes_drained(stack, urls_of(stack)), timeout=30, message="the outboxes to drain")
    assert answers(api) == before


def urls_of(stack) -> dict[str, str]:
    return {s: stack.env.get(f"REBOUND_{s.upper()}_DATABASE_URL") or f"sqlite:///{stack.data_dir / f'{s}.db'}"
            for s in SERVICES}


def _outboxes_drained(stack, urls: dict[str, str]) -> bool:
    from sqlalchemy import create_engine, text
    for url in urls.values():
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                if conn.execute(text("SELECT count(*) FROM outbox WHERE sent_at IS NULL")).scalar_one():
                    return False
        finally:
            engine.dispose()
    return True


def test_an_archive_from_a_newer_version_is_refused_and_nothing_changes(stack, tmp_path):
    stack.cli("users", "create", "sam@example.com", stdin=PASSWORD + "\n")
    archive = stack.cli("backup", str(tmp_path / "backups")).strip()
    newer = tmp_path / "newer.tar.gz"
    work = tmp_path / "unpacked"
    with tarfile.open(archive) as tar:
        tar.extractall(work, filter="data")
    manifest = json.loads((work / "manifest.json").read_text())
    manifest["services"]["coach"]["revision"] = "9999_from_the_future"
    (work / "manifest.json").write_text(json.dumps(manifest))
    with tarfile.open(newer, "w:gz") as tar:
        for path in work.iterdir():
            tar.add(path, arcname=path.name)
    stack.stop()
    stack.cli("users", "create", "kim@example.com", stdin=PASSWORD + "\n")  # made after the backup
    refused = subprocess.run([REBOUND, "restore", str(newer)], env=stack.env, capture_output=True, text=True,
                             cwd=stack.data_dir, timeout=120)
    assert refused.returncode == 2
    assert "newer than this version of Rebound knows" in refused.stderr
    assert "coach" in refused.stderr
    stack.cli("tokens", "create", "kim@example.com")  # still there: nothing was restored


def test_restore_refuses_while_rebound_answers(stack, tmp_path):
    archive = stack.cli("backup", str(tmp_path / "backups")).strip()
    refused = subprocess.run([REBOUND, "restore", archive], env=stack.env, capture_output=True, text=True,
                             cwd=stack.data_dir, timeout=120)
    assert refused.returncode == 2 and "stop it before restoring" in refused.stderr
