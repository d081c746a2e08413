import pytest

from services.tracker.commands import furthest_stage
from services.tracker.models import Application, StageChange


@pytest.fixture
def tracker(make_service):
    return make_service("tracker")


def _create(tracker, user="alice", **fields):
    body = {"company": "Acme", "role": "Engineer", **fields}
    response = tracker.post("/applications", body, user=user)
    assert response.status_code == 201, response.json
    return response.json


def test_create_answers_201_with_history_and_writes_its_event(tracker):
    app = _create(tracker, source="referral", applied_on="2026-11-01")
    assert app["stage"] == "applied"
    assert app["history"] == [{"from_stage": None, "to_stage": "applied", "changed_on": "2026-11-01"}]
    assert tracker.outbox_types() == ["application.created"]


def test_rejection_derives_the_stage_reached_and_emits_once(tracker):
    app = _create(tracker)
    assert tracker.post(f"/applications/{app['id']}/stage", {"stage": "interview"}).status_code == 200
    response = tracker.post(f"/applications/{app['id']}/rejection", {"reason": "skills", "feedback": "k8s"})
    assert response.status_code == 201
    assert response.json["rejection"]["stage_reached"] == "interview"
    assert tracker.post(f"/applications/{app['id']}/rejection", {}).status_code == 409
    assert tracker.outbox_types() == [
        "application.created", "application.stage_changed", "application.rejected"]


@pytest.mark.parametrize("body, field", [
    ({"role": "Engineer"}, "company"),
    ({"company": "", "role": "Engineer"}, "company"),
    ({"company": "Acme", "role": "x" * 201}, "role"),
    ({"company": "Acme", "role": "Engineer", "url": "not a url"}, "url"),
    ({"company": "Acme", "role": "Engineer", "applied_on": "yesterday"}, "applied_on"),
    ({"company": "Acme", "role": "Engineer", "salary": 5}, "salary"),
])
def test_bad_input_gets_422_naming_the_field_and_writes_nothing(tracker, body, field):
    response = tracker.post("/applications", body)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]
    assert tracker.outbox_types() == []


@pytest.mark.parametrize("path, body, field", [
    ("stage", {"stage": "dreaming"}, "stage"),
    ("stage", {"stage": "rejected"}, "stage"),
    ("rejection", {"reason": "bad vibes"}, "reason"),
    ("rejection", {"received_on": "2026-13-01"}, "received_on"),
])
def test_stage_and_rejection_validate_too(tracker, path, body, field):
    app = _create(tracker)
    response = tracker.post(f"/applications/{app['id']}/{path}", body)
    assert response.status_code == 422 and field in response.json["error"]["fields"]


def test_malformed_json_is_400_and_unknown_routes_404_in_json(tracker):
    bad = tracker.client.post("/applications", data="{nope", content_type="application/json",
                              headers=tracker.headers("alice"))
    assert bad.status_code == 400 and bad.json["error"]["code"] == "malformed_json"
    missing = tracker.get("/nowhere")
    assert missing.status_code == 404 and "error" in missing.json


@pytest.mark.parametrize("user", [None, "forged"])
def test_calls_without_a_valid_internal_token_get_401(tracker, user):
    headers = {"X-Rebound-Internal-Token": "forged.token.value"} if user else {}
    assert tracker.client.get("/applications", headers=headers).status_code == 401


def test_health_needs_no_token(tracker):
    assert tracker.client.get("/healthz").status_code == 200
    assert tracker.client.get("/readyz").status_code == 200


def test_another_users_application_is_invisible(tracker):
    app = _create(tracker, user="alice")
    for method, path, body in [("get", f"/applications/{app['id']}", None),
                               ("post", f"/applications/{app['id']}/stage", {"stage": "screening"}),
                               ("post", f"/applications/{app['id']}/rejection", {})]:
        kwargs = {} if body is None else {"json": body}
        response = getattr(tracker, method)(path, user="bob", **kwargs)
        assert response.status_code == 404, path
    assert tracker.get("/applications", user="bob").json["items"] == []


def test_list_filters_and_paginates_newest_first(tracker):
    ids = [_create(tracker, company=f"Co {i}")["id"] for i in range(5)]
    tracker.post(f"/applications/{ids[0]}/stage", {"stage": "screening"})
    first = tracker.get("/applications?limit=2").json
    assert [a["id"] for a in first["items"]] == [ids[4], ids[3]]
    second = tracker.get(f"/applications?limit=2&cursor={first['next_cursor']}").json
    assert [a["id"] for a in second["items"]] == [ids[2], ids[1]]
    assert [a["id"] for a in tracker.get("/applications?stage=screening").json["items"]] == [ids[0]]
    assert [a["id"] for a in tracker.get("/applications?q=co 3").json["items"]] == [ids[3]]
    assert tracker.get("/applications?limit=0").status_code == 422
    assert tracker.get("/applications?cursor=garbage").status_code == 422


def test_furthest_stage_ignores_endings():
    app = Application(stage="withdrawn")
    app.history = [StageChange(to_stage=s) for s in ("applied", "screening", "interview", "withdrawn")]
    assert furthest_stage(app) == "interview"
    assert furthest_stage(Application(stage="applied")) == "applied"
