"""Creating, changing, archiving and deleting applications, and the events each writes."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from services.tracker.models import Contact, InterviewRound, Note, Rejection, StageChange

FULL = {
    "company": "Globex, Inc.", "role": "Data Analyst", "url": "https://globex.example/jobs/7",
    "location": "Leeds", "work_mode": "hybrid", "salary_min": 40000, "salary_max": 52000,
    "salary_currency": "GBP", "salary_period": "year", "source": "Referred by Sam",
    "role_category": "data", "applied_on": "2026-01-10", "excitement": 4,
    "follow_up_on": "2026-01-24", "resume_version": "cv-v3", "cover_letter_version": "cl-data",
    "tags": ["dream", "north"], "notes": "Met them at a meetup",
}


def test_create_keeps_every_field_and_derives_the_channel(tracker):
    app = tracker.create(**FULL)
    for name, value in FULL.items():
        assert app[name] == value, name
    assert app["channel"] == "referral" and app["archived"] is False
    assert app["warnings"] == []
    assert tracker.events()[0]["data"] == {
        "application_id": app["id"], "company": "Globex, Inc.", "role": "Data Analyst",
        "source": "Referred by Sam", "role_category": "data", "applied_on": "2026-01-10"}


@pytest.mark.parametrize("field, value", [
    ("company", None), ("company", "x" * 201), ("role", ""), ("url", "ftp:/nope"),
    ("location", "x" * 201), ("work_mode", "mars"), ("salary_min", -1), ("salary_min", "lots"),
    ("salary_max", 1.5), ("salary_currency", "pounds"), ("salary_period", "fortnight"),
    ("source", "x" * 101), ("channel", "carrier pigeon"), ("role_category", "x" * 101),
    ("applied_on", "2999-01-01"), ("applied_on", "soon"), ("excitement", 0), ("excitement", 6),
    ("follow_up_on", "next week"), ("resume_version", "x" * 101), ("cover_letter_version", "x" * 101),
    ("tags", "one,two"), ("tags", ["a,b"]), ("tags", ["t"] * 21), ("notes", "x" * 20001),
    ("archived", True), ("stage", "offer"),
])
def test_every_field_is_validated_on_create_and_patch(tracker, field, value):
    response = tracker.post("/applications", {**FULL, field: value})
    assert response.status_code == 422 and field in response.json["error"]["fields"], response.json
    app = tracker.create()
    patched = tracker.patch(f"/applications/{app['id']}", {field: value})
    assert patched.status_code == 422 and field in patched.json["error"]["fields"]
    assert tracker.types() == ["application.created"]


def test_salary_minimum_above_maximum_is_refused_on_create_and_patch(tracker):
    response = tracker.post("/applications", {**FULL, "salary_min": 9, "salary_max": 5})
    assert response.status_code == 422 and "salary_min" in response.json["error"]["fields"]
    app = tracker.create(salary_max=50000)
    assert tracker.patch(f"/applications/{app['id']}", {"salary_min": 60000}).status_code == 422


def test_patch_changes_fields_and_emits_only_what_changed(tracker):
    app = tracker.create(**FULL)
    response = tracker.patch(f"/applications/{app['id']}",
                             {"role": "Senior Data Analyst", "excitement": 4, "tags": ["dream"],
                              "follow_up_on": "2026-02-01", "source": "LinkedIn"})
    assert response.status_code == 200
    assert response.json["role"] == "Senior Data Analyst" and response.json["tags"] == ["dream"]
    assert response.json["channel"] == "linkedin"
    [event] = tracker.events("application.updated")
    assert event["data"]["changes"] == {"role": "Senior Data Analyst", "tags": ["dream"],
                                        "follow_up_on": "2026-02-01", "source": "LinkedIn",
                                        "channel": "linkedin"}
    assert tracker.patch(f"/applications/{app['id']}", {"excitement": 4}).status_code == 200
    assert len(tracker.events("application.updated")) == 1


def test_archive_hides_from_the_default_list_and_emits(tracker):
    app = tracker.create()
    assert tracker.post(f"/applications/{app['id']}/archive").json["archived"] is True
    assert tracker.get("/applications").json["items"] == []
    assert [a["id"] for a in tracker.get("/applications?archived=1").json["items"]] == [app["id"]]
    assert tracker.post(f"/applications/{app['id']}/unarchive").json["archived"] is False
    assert [e["data"]["archived"] for e in tracker.events("application.archived")] == [True, False]


def test_delete_removes_everything_and_emits(tracker):
    app = tracker.create()
    tracker.post(f"/applications/{app['id']}/notes", {"body": "call back"})
    tracker.post(f"/applications/{app['id']}/contacts", {"name": "Sam"})
    tracker.post(f"/applications/{app['id']}/rounds", {"scheduled_on": "2026-01-20", "kind": "phone"})
    tracker.post(f"/applications/{app['id']}/rejection", {"reason": "skills"})
    assert tracker.delete(f"/applications/{app['id']}").status_code == 204
    assert tracker.get(f"/applications/{app['id']}").status_code == 404
    assert tracker.events("application.deleted")[0]["data"] == {"application_id": app["id"]}
    with tracker.runtime.sessions() as session:  # the children go by the foreign keys' cascade
        for child in (StageChange, Rejection, Note, Contact, InterviewRound):
            left = select(func.count()).where(child.application_id == app["id"])
            assert session.scalar(left) == 0, child.__tablename__


def test_offer_and_ghosted_stages_emit_their_own_events(tracker):
    offer, quiet = tracker.create(), tracker.create(company="Initech")
    tracker.post(f"/applications/{offer['id']}/stage", {"stage": "offer"})
    tracker.post(f"/applications/{quiet['id']}/stage", {"stage": "screening"})
    tracker.post(f"/applications/{quiet['id']}/ghost")
    assert "application.offer_received" in tracker.types()
    [ghosted] = tracker.events("application.ghosted")
    assert ghosted["data"]["stage_reached"] == "screening" and ghosted["data"]["company"] == "Initech"


def test_company_memory_warns_with_dates_matching_loosely(tracker):
    past = tracker.create(company="ACME Corp.", applied_on="2026-01-02")
    tracker.post(f"/applications/{past['id']}/rejection", {"received_on": "2026-01-20"})
    quiet = tracker.create(company="acme corp", role="Analyst")
    tracker.post(f"/applications/{quiet['id']}/ghost")
    tracker.create(company="Acme Corp", user="bob")  # bob's history is his own
    again = tracker.create(company="Acme-Corp")
    [warning] = again["warnings"]
    assert warning["code"] == "company_memory"
    assert warning["dates"] == ["2026-01-20", date.today().isoformat()]
    assert "Acme-Corp" in warning["message"]
    assert tracker.create(company="Acme Corp", user="bob")["warnings"] == []


def test_company_memory_forgets_after_a_year(tracker):
    old = (date.today() - timedelta(days=400)).isoformat()
    app = tracker.create(company="Umbrella", applied_on=old)
    tracker.post(f"/applications/{app['id']}/rejection", {"received_on": old})
    assert tracker.create(company="Umbrella")["warnings"] == []


def test_settings_default_off_and_can_be_turned_on(tracker):
    assert tracker.get("/settings").json == {"auto_ghost": False}
    assert tracker.patch("/settings", {"auto_ghost": True}).json == {"auto_ghost": True}
    assert tracker.get("/settings").json == {"auto_ghost": True}
    assert tracker.get("/settings", user="bob").json == {"auto_ghost": False}
    assert tracker.patch("/settings", {"auto_ghost": "maybe"}).status_code == 422


def test_openapi_is_public_and_built_from_the_schemas(tracker):
    response = tracker.client.get("/openapi.json")
    assert response.status_code == 200
    spec = response.json
    assert "excitement" in spec["components"]["schemas"]["ApplicationIn"]["properties"]
    assert {"/applications", "/applications/{id}/rejection", "/stats", "/applications/import"} <= set(spec["paths"])
