"""The import's dry run lets the person say which column is which, and the import follows them."""
from __future__ import annotations

import base64
import html
import io
import json
import re

import pytest

HTMX = {"HX-Request": "true"}
CSV = b"Employer,Position,Pipeline\nAcme,Dev,Interviewing\n"


class Answer:
    def __init__(self, status: int, body: dict):
        self.status_code, self._body = status, body
        self.ok, self.content = status < 400, json.dumps(body).encode()
        self.headers = {"Content-Type": "application/json"}

    def json(self):
        return self._body


@pytest.fixture
def tracker_import(monkeypatch):
    """A stand-in for the tracker's import: records what was sent, answers like the tracker."""
    sent = []

    def fake_raw(service, method, path, user_id, **kwargs):
        mapping = json.loads((kwargs.get("data") or {}).get("mapping") or "null")
        sent.append({"dry_run": dict(kwargs["params"])["dry_run"], "mapping": mapping})
        chosen = {"Employer": "company", "Position": "role", "Pipeline": None, **(mapping or {})}
        if "company" not in chosen.values():
            return Answer(422, {"error": {"code": "no_known_columns", "fields": {},
                                          "message": "Please choose which column holds the company."}})
        stage = "interview" if chosen["Pipeline"] == "stage" else "applied"
        return Answer(200, {
            "summary": {"rows": 1, "create": 1, "duplicate": 0, "skip": 0}, "created_ids": [7],
            "rows": [{"row": 2, "status": "create", "company": "Acme", "role": "Dev", "stage": stage}],
            "headers": ["Employer", "Position", "Pipeline"], "mapping": chosen,
            "fields": ["company", "role", "stage", "notes"], "samples": {"Pipeline": "Interviewing"},
            "ignored_columns": [h for h, f in chosen.items() if not f]})
    monkeypatch.setattr("frontend.service_client.raw", fake_raw)
    return sent


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _selected(page: str, header: str) -> str:
    row = re.search(rf'value="{header}">\s*<select[^>]*>(.*?)</select>', page, re.S).group(1)
    found = re.search(r'<option value="([^"]*)" selected>', row)
    return found.group(1) if found else ""


def test_the_dry_run_shows_a_choice_per_column_with_our_guess(client, signed_in, tracker_import):
    page = _page(client.post("/import/preview", data={"file": (io.BytesIO(CSV), "a.csv"),
                                                       "csrf_token": signed_in.csrf()}))
    assert (_selected(page, "Employer"), _selected(page, "Position"), _selected(page, "Pipeline")) == (
        "company", "role", "")
    assert "Leave this column out" in page and "Interviewing" in page and "(1 left out)" in page
    assert 'hx-post="/import/preview"' in page and 'hx-trigger="change"' in page
    assert "<script" not in page.split("</main>")[0].split("<main")[1]


def test_changing_a_column_re_runs_the_dry_run_as_a_fragment(client, signed_in, tracker_import):
    payload = base64.b64encode(CSV).decode()
    form = {"payload": payload, "column": ["Employer", "Position", "Pipeline"],
            "field": ["company", "role", "stage"], "csrf_token": signed_in.csrf()}
    reply = client.post("/import/preview", data=form, headers=HTMX)
    page = _page(reply)
    assert reply.status_code == 200 and page.lstrip().startswith('<div id="import-preview">')
    assert _selected(page, "Pipeline") == "stage" and "Interview" in page
    assert tracker_import[-1] == {"dry_run": "1", "mapping": {"Employer": "company", "Position": "role",
                                                              "Pipeline": "stage"}}


def test_the_import_uses_the_corrected_mapping(client, signed_in, tracker_import):
    form = {"payload": base64.b64encode(CSV).decode(), "column": ["Employer", "Position", "Pipeline"],
            "field": ["company", "role", "stage"], "csrf_token": signed_in.csrf()}
    done = client.post("/import/confirm", data=form)
    assert done.status_code == 302
    assert tracker_import[-1]["dry_run"] == "0" and tracker_import[-1]["mapping"]["Pipeline"] == "stage"


def test_a_mapping_that_does_not_work_keeps_the_editor_and_says_why(client, signed_in, tracker_import):
    form = {"payload": base64.b64encode(CSV).decode(), "column": ["Employer", "Position", "Pipeline"],
            "field": ["", "role", "stage"], "csrf_token": signed_in.csrf()}
    reply = client.post("/import/preview", data=form, headers=HTMX)
    page = _page(reply)
    assert reply.status_code == 422 and "Please choose which column holds the company." in page
    assert _selected(page, "Employer") == "" and _selected(page, "Pipeline") == "stage"
    assert "Import 1" not in page


def test_the_public_api_passes_the_mapping_to_the_tracker(client, signed_in, tracker_import):
    reply = client.post("/api/v1/applications/import?dry_run=1",
                        data={"file": (io.BytesIO(CSV), "a.csv"), "mapping": json.dumps({"Pipeline": "stage"})},
                        headers={"X-CSRF-Token": signed_in.csrf()})
    assert reply.status_code == 200, reply.get_data(as_text=True)
    assert tracker_import[-1]["mapping"] == {"Pipeline": "stage"}
