"""Notes, contacts and interview rounds; and every route scoped to its owner."""
import pytest


@pytest.mark.parametrize("kind, body, change, bad", [
    ("notes", {"body": "Sent a thank-you"}, {"body": "Sent a thank-you note"}, {"body": ""}),
    ("contacts", {"name": "Priya", "title": "Recruiter", "email": "priya@example.com",
                  "phone": "+44 20 7946 0000", "profile_url": "https://example.com/priya"},
     {"title": "Lead recruiter"}, {"email": "not-an-email"}),
    ("rounds", {"scheduled_on": "2026-02-03", "kind": "technical", "interviewer": "Ana", "notes": "SQL"},
     {"notes": "SQL and Python"}, {"kind": "karaoke"}),
])
def test_sub_resources_add_list_change_and_remove(tracker, kind, body, change, bad):
    app = tracker.create()
    base = f"/applications/{app['id']}/{kind}"
    created = tracker.post(base, body)
    assert created.status_code == 201, created.json
    item_id = created.json["id"]
    assert tracker.post(base, bad).status_code == 422
    assert tracker.patch(f"{base}/{item_id}", {**bad}).status_code == 422
    assert tracker.patch(f"{base}/{item_id}", change).json[next(iter(change))] == next(iter(change.values()))
    assert [i["id"] for i in tracker.get(base).json["items"]] == [item_id]
    assert tracker.get(f"/applications/{app['id']}").json[
        {"notes": "note_entries"}.get(kind, kind)][0]["id"] == item_id
    assert tracker.delete(f"{base}/{item_id}").status_code == 204
    assert tracker.get(f"{base}/{item_id}").status_code == 404
    assert tracker.get(base).json["items"] == []


def test_a_round_emits_interview_scheduled_and_other_details_emit_updated(tracker):
    app = tracker.create(company="Hooli", role="SRE")
    tracker.post(f"/applications/{app['id']}/rounds", {"scheduled_on": "2026-02-03", "kind": "take_home"})
    tracker.post(f"/applications/{app['id']}/contacts", {"name": "Gavin"})
    [scheduled] = tracker.events("interview.scheduled")
    assert scheduled["data"]["kind"] == "take_home" and scheduled["data"]["company"] == "Hooli"
    assert tracker.events("application.updated")[0]["data"]["changes"] == {"contact_added": 1}


def _routes(app_id: int, item_id: int):
    a = f"/applications/{app_id}"
    yield from [("get", a, None), ("patch", a, {"role": "x"}), ("delete", a, None),
                ("post", f"{a}/archive", None), ("post", f"{a}/unarchive", None),
                ("post", f"{a}/stage", {"stage": "screening"}), ("post", f"{a}/rejection", {}),
                ("patch", f"{a}/rejection", {"feedback": "x"}), ("delete", f"{a}/rejection", None),
                ("post", f"{a}/ghost", None), ("post", f"{a}/ghost/dismiss", None)]
    for kind, body in (("notes", {"body": "x"}), ("contacts", {"name": "x"}),
                       ("rounds", {"scheduled_on": "2026-01-01", "kind": "phone"})):
        yield from [("get", f"{a}/{kind}", None), ("post", f"{a}/{kind}", body),
                    ("get", f"{a}/{kind}/{item_id}", None), ("patch", f"{a}/{kind}/{item_id}", body),
                    ("delete", f"{a}/{kind}/{item_id}", None)]


def test_every_route_answers_404_for_another_users_application(tracker):
    app = tracker.create(user="alice")
    note = tracker.post(f"/applications/{app['id']}/notes", {"body": "mine"}).json
    before = tracker.types()
    for method, path, body in _routes(app["id"], note["id"]):
        response = tracker.call(method, path, body, user="bob")
        assert response.status_code == 404, (method, path, response.status_code)
    assert tracker.types() == before
    assert tracker.get(f"/applications/{app['id']}").json["note_entries"][0]["body"] == "mine"


def test_lists_exports_and_stats_never_include_another_users_rows(tracker):
    app = tracker.create(user="alice", company="Secretive Ltd")
    tracker.post(f"/applications/{app['id']}/rejection", {})
    assert tracker.get("/applications?archived=all", user="bob").json["items"] == []
    assert tracker.get("/ghost-candidates", user="bob").json["items"] == []
    assert "Secretive" not in tracker.get("/applications/export.csv", user="bob").get_data(as_text=True)
    assert tracker.get("/applications/export.json", user="bob").json["applications"] == []
    assert "Secretive" not in tracker.get("/applications/log.html", user="bob").get_data(as_text=True)
    assert tracker.get("/stats", user="bob").json["total"] == 0
    assert tracker.get("/stats/stages", user="bob").json == {"total": 0, "by_stage": {}}


def test_sub_resource_of_one_application_is_not_reachable_through_another(tracker):
    first, second = tracker.create(), tracker.create(company="Other")
    note = tracker.post(f"/applications/{first['id']}/notes", {"body": "x"}).json
    assert tracker.get(f"/applications/{second['id']}/notes/{note['id']}").status_code == 404
