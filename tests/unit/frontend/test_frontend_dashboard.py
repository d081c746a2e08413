"""The dashboard pages: panels, htmx fragments, forms, and services that are down."""
from __future__ import annotations

import html
import re

import pytest

from frontend import panels

HTMX = {"HX-Request": "true"}
REFLECTION = {"id": 5, "application_id": 1, "kind": "rejection", "prompt": "What went well in the interview?",
              "answer": None, "mood": None, "status": "open", "created_at": "2025-04-02T10:00:00",
              "answered_at": None}
NOTIFICATION = {"id": 8, "kind": "win", "title": "Ten applications sent", "body": "That is real effort.",
                "link": "javascript:alert(1)", "severity": "info", "read_at": None,
                "created_at": "2025-04-02T10:00:00"}


def application(id, stage, company="Acme", **extra):
    return {"id": id, "company": company, "role": "Engineer", "stage": stage, "rejection": None,
            "history": [], **extra}


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_dashboard_counts_the_pipeline_per_stage(client, services, signed_in):
    services.reply("tracker", "GET", "/applications", {"items": [
        application(1, "applied"), application(2, "applied", "Globex"),
        application(3, "interview", "Initech"), application(4, "rejected", "Umbrella"),
    ], "next_cursor": None})
    page = client.get("/")
    assert page.status_code == 200
    counts = dict((label, int(n)) for n, label in
                  re.findall(r'<span class="count">(\d+)</span> ([^<]+)</li>', text(page)))
    assert counts == {"Applied": 2, "Interviewing": 1, "Not this time": 1}
    # Today shows the counts and links to the list; each application's controls live on Applications
    assert "See all 4 on the board" in text(page)
    assert "Record a rejection" not in text(page)


def test_dashboard_stays_up_when_every_service_is_down(client, settings, signed_in, unreachable_url,
                                                      monkeypatch):
    for service in ("tracker", "coach", "notifier"):
        monkeypatch.setitem(settings.service_urls, service, unreachable_url)
    page = client.get("/")
    assert page.status_code == 200
    body = text(page)
    assert "The coach is unavailable right now; your data is safe." in body
    assert "We can't reach your applications right now; your data is safe." in body
    assert "We can't reach your coach's notes right now; nothing is lost." in body
    assert "Traceback" not in body


def test_reflections_panel_is_a_fragment_for_htmx_and_a_page_otherwise(client, services, signed_in):
    services.reply("coach", "GET", "/reflections", {"items": [REFLECTION], "next_cursor": None})
    fragment = text(client.get("/reflections", headers=HTMX))
    page = text(client.get("/reflections"))
    assert fragment.lstrip().startswith('<div id="reflections"')
    assert "<html" not in fragment and "<html" in page
    assert 'hx-trigger="every 2s"' in fragment
    assert fragment.strip() in page  # the same markup, not a second copy
    assert services.calls_to("coach")[-1].args == {"status": "open"}


def test_today_shows_the_newest_reflection_and_points_to_the_journal(client, services, signed_in):
    services.reply("coach", "GET", "/reflections", {"items": [REFLECTION], "next_cursor": "more"})
    page = text(client.get("/"))
    [asked] = [c for c in services.calls_to("coach", "GET") if c.path == "/reflections"]
    assert asked.args == {"status": "open", "limit": str(panels.TODAY_REFLECTIONS)}
    assert "More questions are waiting in your journal" in page
    poll_url = re.search(r'<div id="reflections" hx-get="([^"]+)"', page).group(1)
    form_url = re.search(r'<form action="(/reflections/5[^"]*)"', page).group(1)
    assert "few=1" in poll_url and "few=1" in form_url
    services.reply("coach", "POST", "/reflections/5", {**REFLECTION, "status": "done"})
    client.post(form_url, data={"answer": "Calm.", "csrf_token": signed_in.csrf()}, headers=HTMX)
    assert services.calls_to("coach", "GET")[-1].args == {"status": "open", "limit": str(panels.TODAY_REFLECTIONS)}


def test_the_reflections_page_lists_a_whole_page_without_the_journal_pointer(client, services, signed_in):
    services.reply("coach", "GET", "/reflections", {"items": [REFLECTION], "next_cursor": "more"})
    page = text(client.get("/reflections"))
    assert services.calls_to("coach", "GET")[-1].args == {"status": "open"}
    assert "More questions are waiting in your journal" not in page
    assert "few=" not in page


def test_a_poll_that_changes_nothing_gets_204(client, services, signed_in):
    services.reply("coach", "GET", "/reflections", {"items": [REFLECTION], "next_cursor": None})
    first = text(client.get("/reflections", headers=HTMX))
    poll_url = html.unescape(re.search(r'hx-get="([^"]+)"', first).group(1))
    assert client.get(poll_url, headers=HTMX).status_code == 204
    services.reply("coach", "GET", "/reflections", {"items": [], "next_cursor": None})
    changed = client.get(poll_url, headers=HTMX)
    assert changed.status_code == 200 and "Nothing waiting for you" in text(changed)


def test_live_panels_are_polite_live_regions(client, signed_in):
    page = text(client.get("/"))
    for panel in ("reflections", "today-coach"):
        assert re.search(rf'<div aria-live="polite">\s*(<!--.*?-->)?\s*<div id="{panel}"', page)


def test_answering_a_reflection_inline(client, services, signed_in):
    services.reply("coach", "GET", "/reflections", {"items": [REFLECTION], "next_cursor": None})
    services.reply("coach", "POST", "/reflections/5", {**REFLECTION, "status": "done"})
    data = {"answer": "I stayed calm.", "mood": "4", "csrf_token": signed_in.csrf()}
    response = client.post("/reflections/5", data=data, headers=HTMX)
    assert response.status_code == 200
    assert services.calls_to("coach", "POST")[-1].json == {"answer": "I stayed calm.", "mood": 4}
    assert 'id="notices" hx-swap-oob="innerHTML"' in text(response)
    assert "It's saved" in text(response)


def test_an_empty_reflection_answer_is_explained_in_place(client, services, signed_in):
    services.reply("coach", "GET", "/reflections", {"items": [REFLECTION], "next_cursor": None})
    response = client.post("/reflections/5", data={"answer": " ", "csrf_token": signed_in.csrf()},
                           headers=HTMX)
    assert response.status_code == 422
    assert "Please fill this in" in text(response)
    assert services.calls_to("coach", "POST") == []


def test_adding_an_application_with_htmx(client, services, signed_in):
    services.reply("tracker", "POST", "/applications", application(9, "applied", "Hooli"), status=201)
    data = {"company": "Hooli", "role": "Engineer", "source": "", "applied_on": "2025-05-01",
            "csrf_token": signed_in.csrf()}
    response = client.post("/applications", data=data, headers=HTMX)
    assert response.status_code == 200
    assert text(response).lstrip().startswith('<section id="applications"')
    assert "Added Hooli" in text(response)
    assert services.calls_to("tracker", "POST")[-1].json == {
        "company": "Hooli", "role": "Engineer", "applied_on": "2025-05-01"}


def test_adding_an_application_without_javascript_redirects_home(client, services, signed_in):
    services.reply("tracker", "POST", "/applications", application(9, "applied"), status=201)
    data = {"company": "Acme", "role": "Engineer", "csrf_token": signed_in.csrf()}
    response = client.post("/applications", data=data)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Added Acme" in text(client.get("/"))


def test_a_missing_company_is_shown_as_a_message_in_the_page(client, services, signed_in):
    data = {"company": "", "role": "Engineer", "csrf_token": signed_in.csrf()}
    response = client.post("/applications", data=data)
    body = text(response)
    assert response.status_code == 422
    assert '<p class="field-error" id="new-company-error">Please fill this in.</p>' in body
    assert 'value="Engineer"' in body  # what was typed is kept
    assert services.calls_to("tracker", "POST") == []


def test_a_service_refusal_is_shown_not_raised(client, services, signed_in):
    refusal = {"error": {"code": "validation_failed", "message": "That stage can't follow offer.",
                         "fields": {}}}
    services.reply("tracker", "GET", "/applications", {"items": [application(1, "offer")]})
    services.reply("tracker", "POST", "/applications/1/stage", refusal, status=422)
    response = client.post("/applications/1/stage", headers=HTMX,
                           data={"stage": "saved", "csrf_token": signed_in.csrf()})
    assert response.status_code == 422
    assert "That stage can't follow offer." in text(response)


def test_recording_a_rejection(client, services, signed_in):
    services.reply("tracker", "POST", "/applications/1/rejection", application(1, "rejected"), status=201)
    data = {"stage_reached": "interview", "reason": "", "feedback": "Liked you, hired internally.",
            "csrf_token": signed_in.csrf()}
    response = client.post("/applications/1/rejection", data=data, headers=HTMX)
    assert response.status_code == 200
    assert services.calls_to("tracker", "POST")[-1].json == {
        "stage_reached": "interview", "feedback": "Liked you, hired internally."}


def test_posting_while_the_tracker_is_down_says_so_kindly(client, settings, signed_in, unreachable_url,
                                                         monkeypatch):
    monkeypatch.setitem(settings.service_urls, "tracker", unreachable_url)
    data = {"company": "Acme", "role": "Engineer", "csrf_token": signed_in.csrf()}
    response = client.post("/applications", data=data, headers=HTMX)
    assert response.status_code == 503
    assert response.headers["HX-Retarget"] == "#notices"
    assert "Everything you already have is safe" in text(response)


def test_notifications_show_and_mark_read(client, services, signed_in):
    services.reply("notifier", "GET", "/notifications", {"items": [NOTIFICATION], "next_cursor": None})
    services.reply("notifier", "POST", "/notifications/8/read", {**NOTIFICATION, "read_at": "now"})
    panel = text(client.get("/notifications", headers=HTMX))
    assert "Ten applications sent" in panel and "Mark as read" in panel
    assert "javascript:" not in panel  # links from services are only followed if they are web links
    response = client.post("/notifications/8/read", data={"csrf_token": signed_in.csrf()})
    assert response.status_code == 302
    assert services.calls_to("notifier", "POST")[-1].path == "/notifications/8/read"


@pytest.mark.parametrize("path", ["/", "/login", "/api/v1/applications", "/healthz", "/nowhere"])
def test_every_response_carries_the_security_headers(client, signed_in, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("path", ["/", "/login", "/register", "/reflections", "/notifications", "/nowhere"])
def test_pages_have_no_inline_script_or_style(client, services, signed_in, path):
    services.reply("coach", "GET", "/reflections", {"items": [REFLECTION], "next_cursor": None})
    services.reply("notifier", "GET", "/notifications", {"items": [NOTIFICATION], "next_cursor": None})
    body = client.get(path).get_data(as_text=True)
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", body) == []
    assert "<style" not in body and " style=" not in body and " on" + "click=" not in body


def test_html_errors_are_pages_and_api_errors_are_json(client, signed_in):
    page, api = client.get("/nowhere"), client.get("/api/v1/nowhere")
    assert page.status_code == api.status_code == 404
    assert page.mimetype == "text/html" and "couldn't find that page" in text(page)
    assert api.is_json
