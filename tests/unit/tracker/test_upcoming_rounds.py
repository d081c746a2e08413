"""GET /rounds/upcoming: the caller's interview rounds in a window, with company and role."""
from datetime import date, timedelta

START = date(2026, 3, 2)


def _round(tracker, app_id: int, days_ahead: int, user="alice", kind="phone") -> None:
    on = (START + timedelta(days=days_ahead)).isoformat()
    response = tracker.post(f"/applications/{app_id}/rounds", {"scheduled_on": on, "kind": kind}, user=user)
    assert response.status_code == 201, response.json


def test_rounds_in_the_window_soonest_first_with_company_and_role(tracker):
    hooli = tracker.create(company="Hooli", role="SRE")
    acme = tracker.create(company="Acme", role="Analyst")
    _round(tracker, hooli["id"], 10, kind="onsite")
    _round(tracker, acme["id"], 0)
    _round(tracker, acme["id"], 15)   # beyond the fortnight
    _round(tracker, acme["id"], -1)   # yesterday
    answer = tracker.get(f"/rounds/upcoming?days=14&from={START.isoformat()}")
    assert answer.status_code == 200
    items = answer.json["items"]
    assert [(i["company"], i["role"], i["scheduled_on"], i["kind"]) for i in items] == [
        ("Acme", "Analyst", "2026-03-02", "phone"), ("Hooli", "SRE", "2026-03-12", "onsite")]
    assert items[0]["application_id"] == acme["id"]


def test_only_the_callers_rounds_on_open_unarchived_applications(tracker):
    mine = tracker.create(company="Mine", role="Dev")
    closed = tracker.create(company="Closed", role="Dev")
    shelved = tracker.create(company="Shelved", role="Dev")
    theirs = tracker.create(company="Theirs", role="Dev", user="bob")
    for app in (mine, closed, shelved):
        _round(tracker, app["id"], 3)
    _round(tracker, theirs["id"], 3, user="bob")
    assert tracker.post(f"/applications/{closed['id']}/rejection", {}).status_code == 201
    assert tracker.post(f"/applications/{shelved['id']}/archive").status_code == 200
    companies = [i["company"] for i in tracker.get(f"/rounds/upcoming?from={START}").json["items"]]
    assert companies == ["Mine"]
    assert [i["company"] for i in tracker.get(f"/rounds/upcoming?from={START}", user="bob").json["items"]] \
        == ["Theirs"]


def test_the_window_defaults_to_two_weeks_from_today(tracker):
    app = tracker.create()
    on = date.today() + timedelta(days=14)
    tracker.post(f"/applications/{app['id']}/rounds", {"scheduled_on": on.isoformat(), "kind": "panel"})
    tracker.post(f"/applications/{app['id']}/rounds",
                 {"scheduled_on": (on + timedelta(days=1)).isoformat(), "kind": "panel"})
    assert [i["scheduled_on"] for i in tracker.get("/rounds/upcoming").json["items"]] == [on.isoformat()]


def test_bad_window_names_each_bad_field(tracker):
    bad = tracker.get("/rounds/upcoming?days=0&from=soon")
    assert bad.status_code == 422
    assert set(bad.json["error"]["fields"]) == {"days", "from"}
    assert set(tracker.get("/rounds/upcoming?days=91").json["error"]["fields"]) == {"days"}


def test_needs_a_signed_caller(tracker):
    assert tracker.get("/rounds/upcoming", user=None).status_code == 401
