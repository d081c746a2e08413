"""The person corrects which column becomes which field; the dry run and the import both follow it."""
import io
import json

import pytest

CSV = ("Employer,Position,Pipeline,Recruiter note,When\n"
       "Initech,Analyst,Interviewing,Call back Friday,2026-01-05\n"
       "Globex,Engineer,Rejected,,2026-01-07\n").encode()


def _post(tracker, mapping=None, dry_run=True, content=CSV):
    data = {"file": (io.BytesIO(content), "jobs.csv")}
    if mapping is not None:
        data["mapping"] = mapping if isinstance(mapping, str) else json.dumps(mapping)
    path = "/applications/import" + ("?dry_run=1" if dry_run else "")
    return tracker.post(path, data=data, content_type="multipart/form-data")


def test_without_a_mapping_the_guess_stands_and_is_shown(tracker):
    body = _post(tracker).json
    assert body["mapping"] == {"Employer": "company", "Position": "role", "Pipeline": None,
                               "Recruiter note": None, "When": None}
    assert body["headers"] == ["Employer", "Position", "Pipeline", "Recruiter note", "When"]
    assert "stage" in body["fields"] and "company" in body["fields"]
    assert {r["stage"] for r in body["rows"]} == {"applied"}


def test_a_corrected_mapping_changes_the_dry_run(tracker):
    body = _post(tracker, {"Pipeline": "stage", "Recruiter note": "notes", "When": "applied_on"}).json
    assert body["columns"]["Pipeline"] == "stage" and body["ignored_columns"] == []
    rows = {r["row"]: r for r in body["rows"]}
    assert (rows[2]["stage"], rows[2]["applied_on"]) == ("interview", "2026-01-05")
    assert rows[3]["stage"] == "rejected"


def test_the_import_uses_the_corrected_mapping(tracker):
    mapping = {"Pipeline": "stage", "Recruiter note": "notes", "When": "applied_on"}
    assert _post(tracker, mapping, dry_run=False).status_code == 200
    apps = {a["company"]: a for a in tracker.get("/applications").json["items"]}
    assert apps["Initech"]["notes"] == "Call back Friday" and apps["Initech"]["stage"] == "interview"
    assert apps["Globex"]["rejection"]["received_on"] == "2026-01-07"


def test_a_column_can_be_left_out_and_a_field_moved_to_another_column(tracker):
    body = _post(tracker, {"Employer": None, "Recruiter note": "company"}).json
    assert body["columns"]["Recruiter note"] == "company" and "Employer" in body["ignored_columns"]
    assert {r["row"]: r["status"] for r in body["rows"]} == {2: "create", 3: "skip"}


def test_leaving_out_the_company_says_what_is_missing(tracker):
    reply = _post(tracker, {"Employer": None})
    assert reply.status_code == 422 and reply.json["error"]["code"] == "no_known_columns"
    assert "company" in reply.json["error"]["message"]


@pytest.mark.parametrize("mapping, named", [
    ({"Salary": "notes"}, ["Salary"]),
    ({"Pipeline": "colour"}, ["Pipeline"]),
    ({"Pipeline": "notes", "Recruiter note": "notes"}, ["Recruiter note"]),
    ({"Nope": "stage", "When": "birthday"}, ["Nope", "When"]),
])
def test_a_bad_mapping_is_refused_naming_the_columns(tracker, mapping, named):
    reply = _post(tracker, mapping, dry_run=False)
    assert reply.status_code == 422 and reply.json["error"]["code"] == "invalid_mapping"
    assert sorted(reply.json["error"]["fields"]) == named
    for column in named:
        assert column in reply.json["error"]["message"]
    assert tracker.get("/applications").json["items"] == []


@pytest.mark.parametrize("mapping", ["not json", "[1, 2]", '{"Pipeline": 3}'])
def test_a_mapping_that_is_not_an_object_is_refused(tracker, mapping):
    reply = _post(tracker, mapping)
    assert reply.status_code == 422 and reply.json["error"]["fields"] == {"mapping": [
        "Send an object of column header to field name (or null)."]}
