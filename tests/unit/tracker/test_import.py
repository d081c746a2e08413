"""CSV import: each tracker's format, previews, bad rows, bad files, and idempotent re-import."""
import io
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports"


def _upload(tracker, content: bytes, dry_run: bool = False, user="alice", name="export.csv"):
    path = "/applications/import" + ("?dry_run=1" if dry_run else "")
    return tracker.post(path, user=user, data={"file": (io.BytesIO(content), name)},
                        content_type="multipart/form-data")


def _fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _by_row(body):
    return {r["row"]: r for r in body["rows"]}


def test_linkedin_export_dates_and_skipped_rows(tracker):
    preview = _upload(tracker, _fixture("linkedin_job_applications.csv"), dry_run=True).json
    assert preview["format"] == "linkedin"
    rows = _by_row(preview)
    assert rows[2]["status"] == "create" and rows[2]["applied_on"] == "2024-03-07"
    assert rows[4] == {"row": 4, "status": "skip", "reason": "We couldn't read the applied date '13/45/24, 9:00 AM'."}
    assert rows[5]["status"] == "skip" and "company" in rows[5]["reason"]
    assert preview["summary"] == {"rows": 4, "create": 2, "duplicate": 0, "skip": 2}
    assert tracker.get("/applications").json["items"] == [] and tracker.types() == []
    done = _upload(tracker, _fixture("linkedin_job_applications.csv")).json
    assert len(done["created_ids"]) == 2
    app = tracker.get(f"/applications/{done['created_ids'][0]}").json
    assert (app["company"], app["channel"], app["resume_version"]) == ("Northwind Traders", "linkedin", "cv-2024.pdf")


def test_huntr_lists_become_stages_and_unknown_ones_are_reported(tracker):
    body = _upload(tracker, _fixture("huntr_export.csv")).json
    assert body["format"] == "huntr" and body["unknown_stages"] == ["Daydreaming"]
    apps = {a["company"]: a for a in tracker.get("/applications?limit=100").json["items"]}
    assert {name: a["stage"] for name, a in apps.items()} == {
        "Tailspin Toys": "saved", "Wide World Importers": "applied", "Proseware": "interview",
        "Adventure Works": "offer", "Litware": "rejected", "Lucerne Publishing": "applied"}
    wwi = apps["Wide World Importers"]
    assert (wwi["salary_min"], wwi["salary_max"], wwi["salary_currency"]) == (60000, 70000, "EUR")
    assert apps["Proseware"]["salary_min"] == 50000
    assert apps["Litware"]["rejection"]["stage_reached"] == "applied"
    types = tracker.types()
    assert types.count("application.created") == 6 and types.count("application.rejected") == 1
    assert types.count("application.offer_received") == 1
    assert "Daydreaming" in _by_row(body)[7]["warnings"][0]


def test_teal_fields_and_bad_values(tracker):
    body = _upload(tracker, _fixture("teal_export.csv")).json
    assert body["format"] == "teal"
    rows = _by_row(body)
    assert rows[5]["status"] == "skip" and "June 4th" in rows[5]["reason"]
    assert any("excitement" in w for w in rows[4]["warnings"])
    apps = {a["company"]: a for a in tracker.get("/applications").json["items"]}
    blue = apps["Blue Yonder"]
    assert (blue["excitement"], blue["salary_max"], blue["follow_up_on"], blue["channel"]) == (
        5, 110000, "2024-06-15", "referral")
    assert apps["Graphic Design Institute"]["stage"] == "rejected"
    assert apps["Graphic Design Institute"]["excitement"] is None


def test_generic_columns_duplicates_within_the_file_and_bad_links(tracker):
    body = _upload(tracker, _fixture("generic.csv")).json
    rows = _by_row(body)
    assert rows[4]["status"] == "duplicate" and rows[4]["reason"] == "The same as row 3."
    assert body["summary"]["create"] == 3
    apps = {a["company"]: a for a in tracker.get("/applications").json["items"]}
    assert apps["Margie's Travel"]["notes"] == 'Nice team, said "we\'ll call"'
    assert apps["Woodgrove Bank"]["applied_on"] == "2024-07-02" and apps["Woodgrove Bank"]["stage"] == "screening"
    assert apps["Alpine Ski House"]["url"] is None and apps["Alpine Ski House"]["stage"] == "ghosted"
    assert tracker.events("application.ghosted")[0]["data"]["stage_reached"] == "applied"


def test_re_importing_the_same_file_creates_nothing(tracker):
    for name in ("huntr_export.csv", "teal_export.csv", "generic.csv", "linkedin_job_applications.csv"):
        assert _upload(tracker, _fixture(name)).status_code == 200
    count, events = len(tracker.get("/applications?limit=1000&archived=all").json["items"]), len(tracker.types())
    again = _upload(tracker, _fixture("huntr_export.csv")).json
    assert again["created_ids"] == [] and again["summary"]["duplicate"] == 6
    assert len(tracker.get("/applications?limit=1000").json["items"]) == count
    assert len(tracker.types()) == events
    assert _upload(tracker, _fixture("huntr_export.csv"), user="bob").json["summary"]["create"] == 6


def test_our_own_export_round_trips_with_its_history(tracker):
    app = tracker.create(company="=cmd|calc", role="Analyst", applied_on="2026-01-02", tags=["a", "b"])
    tracker.post(f"/applications/{app['id']}/stage", {"stage": "interview", "changed_on": "2026-01-12"})
    tracker.post(f"/applications/{app['id']}/rejection", {"reason": "skills", "received_on": "2026-01-20"})
    exported = tracker.get("/applications/export.csv").get_data()
    assert b"'=cmd|calc" in exported
    assert _upload(tracker, exported).json["summary"]["duplicate"] == 1
    body = _upload(tracker, exported, user="bob").json
    assert body["format"] == "rebound" and body["summary"]["create"] == 1
    copy = tracker.get(f"/applications/{body['created_ids'][0]}", user="bob").json
    assert copy["company"] == "=cmd|calc" and copy["tags"] == ["a", "b"]
    assert [(c["to_stage"], c["changed_on"]) for c in copy["history"]] == [
        ("applied", "2026-01-02"), ("interview", "2026-01-12"), ("rejected", "2026-01-20")]
    assert copy["rejection"] == {"stage_reached": "interview", "reason": "skills", "feedback": None,
                                 "received_on": "2026-01-20"}


@pytest.mark.parametrize("content, status, code", [
    (b"", 422, "empty_file"),
    (b"Company,Role\n", 422, "empty_file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", 422, "not_csv"),
    (b"Company,Role\nCaf\xe9,Chef\n", 422, "undecodable"),
    (_fixture("no_known_columns.csv"), 422, "no_known_columns"),
    (b"Company,Role\n" + b"Acme,Engineer\n" * 200, 413, "too_large"),
])
def test_bad_files_get_a_clear_4xx_and_change_nothing(tracker, monkeypatch, content, status, code):
    monkeypatch.setattr(tracker.runtime, "settings",
                        tracker.runtime.settings.__class__(**{**tracker.runtime.settings.__dict__,
                                                              "import_max_bytes": 1000}))
    response = _upload(tracker, content)
    assert response.status_code == status and response.json["error"]["code"] == code, response.json
    assert response.json["error"]["message"]
    assert tracker.types() == []


def test_a_missing_file_field_is_400(tracker):
    response = tracker.post("/applications/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400 and "file" in response.json["error"]["fields"]


def test_tab_separated_files_are_sniffed(tracker):
    body = _upload(tracker, _fixture("tabbed.tsv.csv")).json
    assert body["summary"]["create"] == 1


def test_export_json_and_log_filter_by_date_range(tracker):
    tracker.create(company="January <b>Co</b>", applied_on="2026-01-05")
    tracker.create(company="March Co", applied_on="2026-03-05")
    body = tracker.get("/applications/export.json?from=2026-01-01&to=2026-01-31").json
    assert [a["company"] for a in body["applications"]] == ["January <b>Co</b>"]
    assert body["applications"][0]["history"][0]["to_stage"] == "applied"
    log = tracker.get("/applications/log.html?from=2026-01-01&to=2026-01-31").get_data(as_text=True)
    assert "January &lt;b&gt;Co&lt;/b&gt;" in log and "March Co" not in log
    assert "@media print" in log and "Waiting to hear back" in log
    assert tracker.get("/applications/export.csv?from=someday").status_code == 422


def test_imported_history_travels_in_chunks_not_one_event_per_row(tracker):
    rows = "".join(f"Company {i},Engineer,2026-01-{1 + i % 28:02d},rejected\n" for i in range(450))
    answer = _upload(tracker, ("company,role,applied on,status\n" + rows).encode())
    assert answer.status_code == 200 and len(answer.json["created_ids"]) == 450
    assert tracker.outbox_types() == ["applications.imported"] * 3  # 200 + 200 + 50 applications
    inner = tracker.events()
    assert len([e for e in inner if e["type"] == "application.created"]) == 450
    assert len([e for e in inner if e["type"] == "application.rejected"]) == 450
