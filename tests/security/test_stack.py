"""Through the real processes (one stack for the module, SQLite and the filesystem bus):
tenant isolation on /api/v1, escaped pages, account deletion in every database,
and Schemathesis against the public OpenAPI document."""
from __future__ import annotations

import html
import re

import pytest
import requests
from sqlalchemy import create_engine, func, select

from frontend.views import api_applications, api_coach, api_notifier
from tests.e2e.harness import Api, make_stack, wait_until

pytestmark = pytest.mark.e2e

MARKER = "alice-private-7f3a"
PASSWORD = "a long enough password"
SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
PAYLOAD = SCRIPT + ATTRIBUTE
RAW_MARKS = ("<script>alert(1)", "<img src=x onerror")
SERVICE_MODELS = {"tracker": "services.tracker.models", "coach": "services.coach.models",
                  "notifier": "services.notifier.models", "frontend": "frontend.models",
                  "mailbox": "services.mailbox.models"}


class User:
    def __init__(self, stack, email: str, name: str):
        stack.cli("users", "create", email, "--name", name, stdin=PASSWORD + "\n")
        self.email = email
        self.api = Api(stack.base_url, stack.cli("tokens", "create", email).split()[-1])
        self.id = self.api.get("/account").json()["id"]

    def made(self, path: str, body: dict) -> dict:
        answer = self.api.post(path, body)
        assert answer.status_code == 201, f"POST {path}: {answer.status_code} {answer.text[:300]}"
        return answer.json()


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = make_stack(tmp_path_factory.mktemp("stack"))
    stack.start()
    yield stack
    for name in stack.procs:
        print(f"--- {name}\n{stack.log_tail(name)}")
    stack.stop()


def _fill(user: User, text: str, notifications: bool = True) -> dict:
    """One of everything the public API can create, `text` in every text field; the ids made."""
    app = user.made("/applications", {"company": f"Acme {text}", "role": "Engineer", "notes": f"notes {text}"})
    ids = {"applications": app["id"]}
    ids["notes"] = user.made(f"/applications/{app['id']}/notes", {"body": f"note {text}"})["id"]
    ids["contacts"] = user.made(f"/applications/{app['id']}/contacts", {"name": f"Pat {text}"})["id"]
    ids["rounds"] = user.made(f"/applications/{app['id']}/rounds",
                              {"scheduled_on": "2030-01-02", "kind": "phone", "interviewer": f"Lee {text}"})["id"]
    user.made(f"/applications/{app['id']}/rejection", {"reason": "experience", "feedback": f"fb {text}"})
    user.made("/checkins", {"mood": 3, "note": f"checkin {text}"})
    user.made("/wins", {"title": f"win {text}"})
    user.made("/efforts", {"kind": "learning", "amount": 1, "what": f"course {text}"})
    user.made("/feedback", {"text": f"feedback {text}"})
    ids["goals"] = user.made("/goals", {"kind": "outreach", "target": 3, "title": f"goal {text}"})["id"]
    ids["channels"] = user.made("/channels", {"kind": "email", "target": "alt@example.com",
                                              "label": f"label {text}"})["id"]
    ids["supporters"] = user.made("/supporters", {"name": f"Sam {text}", "relationship": "friend",
                                                  "email": "sam@example.com"})["id"]
    ids["reflections"] = wait_until(lambda: _first_id(user, "/reflections"), timeout=30, message="a reflection")
    if notifications:
        ids["notifications"] = wait_until(lambda: _first_id(user, "/notifications"), timeout=30,
                                          message="a notification")
    for kind in ("suggestions", "feedback-requests"):
        ids[kind] = _first_id(user, f"/{kind}")
    return ids


def _first_id(user: User, path: str):
    items = user.api.get(path).json().get("items", [])
    return items[0]["id"] if items else None


@pytest.fixture(scope="module")
def alice(stack):
    user = User(stack, "alice@example.com", "Alice")
    user.ids = _fill(user, MARKER)
    return user


@pytest.fixture(scope="module")
def bob(stack):
    return User(stack, "bob@example.com", "Bob")


def _public_routes():
    for module in (api_applications, api_coach, api_notifier):
        yield from module.ROUTES


def _resource_ids(path: str, ids: dict) -> dict | None:
    """A's ids for a public path; None if A has no row of that kind (listed by the caller)."""
    resource = path.split("/")[1]
    values = {"id": ids.get(resource)}
    if "{item_id}" in path:
        values["item_id"] = ids.get(path.split("/")[3])
    return None if None in values.values() else values


def test_another_users_ids_are_not_found_through_the_public_api(alice, bob):
    unseeded, checked = [], 0
    for route in _public_routes():
        if "{" not in route.path:
            continue
        values = _resource_ids(route.path, alice.ids)
        if values is None:
            unseeded.append(f"{route.method} {route.path}")
            continue
        answer = bob.api.http.request(route.method, bob.api.base + route.path.format(**values), json={}, timeout=10)
        assert answer.status_code in (404, 422), f"{route.method} {route.path} as B: {answer.status_code}"
        assert MARKER not in answer.text
        checked += 1
    assert checked >= 30, f"only {checked} id routes checked"
    # Suggestions and feedback drafts appear only when the coach's rules fire; the service matrix covers them.
    assert all(("suggestions" in r or "feedback-requests" in r) for r in unseeded), unseeded
    token_id = alice.api.get("/tokens").json()["items"][0]["id"]
    assert bob.api.http.delete(f"{bob.api.base}/tokens/{token_id}", timeout=10).status_code == 404
    assert alice.api.get("/account").status_code == 200  # A's token still works


def test_lists_never_include_another_users_rows(alice, bob):
    checked = 0
    for route in _public_routes():
        if route.method == "GET" and "{" not in route.path:
            answer = bob.api.get(route.path)
            assert answer.status_code == 200, f"GET {route.path}: {answer.status_code}"
            assert MARKER not in answer.text, f"GET {route.path} shows A's data to B"
            checked += 1
    assert checked >= 15


def _signed_in(stack, email: str) -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"{stack.base_url}/login", timeout=10)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    answer = browser.post(f"{stack.base_url}/login", data={"email": email, "password": PASSWORD,
                                                           "csrf_token": token}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:300]
    return browser


def test_typed_text_comes_out_escaped_in_every_page(stack):
    eve = User(stack, "eve@example.com", "Eve")
    ids = _fill(eve, PAYLOAD, notifications=False)
    answered = eve.api.post(f"/reflections/{ids['reflections']}", {"answer": f"answer {PAYLOAD}"})
    assert answered.status_code == 200, answered.text
    browser = _signed_in(stack, eve.email)
    pages = ["/", "/applications", f"/applications/{ids['applications']}", "/journal", "/network", "/inbox",
             "/goals", "/insights", "/settings", "/reflections", "/notifications"]
    escaped = html.escape(SCRIPT, quote=False)
    shown = rendered = 0
    for path in pages:
        page = browser.get(stack.base_url + path, timeout=10)
        assert "Content-Security-Policy" in page.headers
        assert page.status_code == 200, f"GET {path}: {page.status_code}"
        rendered += 1
        for mark in RAW_MARKS:
            assert mark not in page.text, f"GET {path} has the raw payload {mark!r}"
        shown += page.text.count(escaped)
    assert rendered >= 7, f"only {rendered} of {len(pages)} pages rendered"
    assert shown >= 5, "the payload was hardly shown anywhere, so escaping was barely tested"


def test_pages_with_coach_suggestions_render(stack, alice):
    wait_until(lambda: _first_id(alice, "/suggestions"), timeout=30, message="a suggestion")
    browser = _signed_in(stack, alice.email)
    for path in ("/", f"/applications/{alice.ids['applications']}"):
        page = browser.get(stack.base_url + path, timeout=10)
        assert page.status_code == 200, f"GET {path}: {page.status_code}"


def _rows_of(stack, service: str, user_id: str) -> dict[str, int]:
    module = __import__(SERVICE_MODELS[service], fromlist=["metadata"])
    engine = create_engine(f"sqlite:///{stack.data_dir / (service + '.db')}")
    counts = {}
    try:
        with engine.connect() as conn:
            for table in module.metadata.sorted_tables:
                column = table.c.get("user_id") if service != "frontend" or table.name != "users" else table.c.id
                if column is not None:
                    counts[table.name] = conn.execute(select(func.count()).select_from(table)
                                                      .where(column == user_id)).scalar_one()
    finally:
        engine.dispose()
    return counts


def test_deleting_an_account_leaves_no_row_in_any_database(stack, bob):
    dee = User(stack, "dee@example.com", "Dee")
    _fill(dee, "dee", notifications=False)
    bob_before = {s: _rows_of(stack, s, bob.id) for s in SERVICE_MODELS}
    assert all(sum(_rows_of(stack, s, dee.id).values()) > 0 for s in SERVICE_MODELS), "Dee has no rows to delete"

    answer = dee.api.http.delete(f"{dee.api.base}/account", json={"confirm": dee.email}, timeout=10)
    assert answer.status_code == 204, answer.text

    def gone():
        stack.assert_alive()  # a dead worker never erases; say so rather than time out
        return all(not tables for tables in _left(stack, dee.id).values()) or None

    wait_until(gone, timeout=30, interval=0.2, message="every row of Dee's to go")
    assert {s: _rows_of(stack, s, bob.id) for s in SERVICE_MODELS} == bob_before, "B's rows changed"
    assert dee.api.get("/account").status_code == 401


def _left(stack, user_id):
    return {s: {t: n for t, n in _rows_of(stack, s, user_id).items() if n} for s in SERVICE_MODELS}


def test_the_public_api_survives_generated_requests(stack):
    schemathesis = pytest.importorskip("schemathesis")
    from tests.security.test_api_fuzzing import fuzz_operations

    document = requests.get(f"{stack.base_url}/api/v1/openapi.json", timeout=10)
    assert document.status_code == 200, "the public API publishes no OpenAPI document"
    fuzz = User(stack, "fuzz@example.com", "Fuzz")
    fuzz.made("/applications", {"company": "Acme", "role": "Engineer"})
    schema = schemathesis.openapi.from_url(f"{stack.base_url}/api/v1/openapi.json")
    headers = {"Authorization": fuzz.api.http.headers["Authorization"]}
    ran, failures = fuzz_operations(schema, headers, max_examples=5)
    assert ran >= 40, f"only {ran} operations in the public document"
    assert failures == [], "\n".join(failures)


def test_the_public_api_passes_every_schemathesis_check(stack):
    """--checks all, with the rules OpenAPI 3.0 can't state named in tests/security/schemathesis.toml."""
    schemathesis = pytest.importorskip("schemathesis")
    from tests.security.test_api_fuzzing import every_check_config, fuzz_operations

    fuzz = User(stack, "fuzz-all@example.com", "Fuzz")
    fuzz.made("/applications", {"company": "Acme", "role": "Engineer"})
    schema = schemathesis.openapi.from_url(f"{stack.base_url}/api/v1/openapi.json", config=every_check_config())
    headers = {"Authorization": fuzz.api.http.headers["Authorization"]}
    ran, failures = fuzz_operations(schema, headers, max_examples=5, checks=None)
    print(f"{len(failures)} of {ran} operations fail some check:\n" + "\n".join(f[:300] for f in failures))
    assert failures == [], "\n".join(failures)


def test_no_answer_names_a_server_version(stack):
    for path in ("/login", "/api/v1/openapi.json", "/nowhere"):
        server = requests.get(stack.base_url + path, timeout=10).headers.get("Server", "")
        assert not re.search(r"\d", server), f"GET {path}: Server {server!r}"
        assert "python" not in server.lower() and "werkzeug" not in server.lower()


def test_a_30_mb_upload_is_told_the_limit_through_the_real_server(stack):
    uploader = User(stack, "big-upload@example.com", "Big")
    body = b"company,role\n" + b"x" * (30 * 1024 * 1024)
    answer = uploader.api.http.post(f"{uploader.api.base}/applications/import",
                                    files={"file": ("big.csv", body)}, timeout=60)
    assert answer.status_code == 413
    assert "files up to 5 MB" in answer.json()["error"]["message"]
