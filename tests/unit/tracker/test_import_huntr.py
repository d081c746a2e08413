"""Huntr's own export (its job fields flattened to columns) imports with its lists, dates and rejections."""
import io
from pathlib import Path

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "imports" / "huntr_board_export.csv"


def _import(tracker, dry_run=False):
    path = "/applications/import" + ("?dry_run=1" if dry_run else "")
    return tracker.post(path, data={"file": (io.BytesIO(FIXTURE.read_bytes()), "huntr.csv")},
                        content_type="multipart/form-data")


def test_the_dry_run_names_each_column_it_reads(tracker):
    body = _import(tracker, dry_run=True).json
    assert body["format"] == "huntr" and body["summary"]["create"] == 7
    assert body["columns"] == {
        "Company": "company", "Job Title": "role", "List": "stage", "Created": "created_on",
        "Date Applied": "applied_on", "Last Moved": "stage_on", "URL": "url", "Location": "location",
        "Salary": "salary", "Notes": "notes"}
    assert body["ignored_columns"] == ["Board", "Employment Type", "Color", "Description"]
    assert body["headers"][0] == "Company" and body["mapping"]["Color"] is None
    assert body["samples"]["Job Title"] == "Data Analyst"
    assert body["unknown_stages"] == []


def test_lists_become_stages_with_their_dates(tracker):
    assert _import(tracker).status_code == 200
    apps = {a["company"]: a for a in tracker.get("/applications?limit=100").json["items"]}
    assert {name: a["stage"] for name, a in apps.items()} == {
        "Fourth Coffee": "saved", "Contoso Pharmaceuticals": "applied", "Northwind Health": "interview",
        "Lamna Healthcare": "interview", "Trey Research": "offer", "Relecloud": "rejected",
        "VanArsdel": "rejected"}
    assert apps["Fourth Coffee"]["applied_on"] == "2026-01-05"  # never applied: the day it was saved
    assert apps["Contoso Pharmaceuticals"]["applied_on"] == "2026-01-07"  # Date Applied, not Created
    assert (apps["Contoso Pharmaceuticals"]["salary_min"], apps["Contoso Pharmaceuticals"]["salary_max"],
            apps["Contoso Pharmaceuticals"]["salary_currency"]) == (85000, 95000, "USD")
    assert apps["Northwind Health"]["notes"] == "Panel on the 28th"
    northwind = tracker.get(f"/applications/{apps['Northwind Health']['id']}").json
    assert [(c["to_stage"], c["changed_on"]) for c in northwind["history"]] == [
        ("applied", "2026-01-09"), ("interview", "2026-01-20")]


def test_rejected_cards_are_rejections_dated_when_they_moved(tracker):
    _import(tracker)
    apps = {a["company"]: a for a in tracker.get("/applications?limit=100").json["items"]}
    relecloud = tracker.get(f"/applications/{apps['Relecloud']['id']}").json
    assert relecloud["rejection"]["received_on"] == "2026-01-19"
    assert relecloud["rejection"]["stage_reached"] == "applied"
    vanarsdel = tracker.get(f"/applications/{apps['VanArsdel']['id']}").json
    assert vanarsdel["applied_on"] == "2026-01-12" and vanarsdel["rejection"]["received_on"] == "2026-01-26"
    rejected = [e["data"] for e in tracker.events("application.rejected")]
    assert sorted((d["company"], d["received_on"]) for d in rejected) == [
        ("Relecloud", "2026-01-19"), ("VanArsdel", "2026-01-26")]
    assert len(tracker.events("application.offer_received")) == 1
