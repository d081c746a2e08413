"""Every page: renders whole, renders its fragment, and degrades per panel when a service is down."""
from __future__ import annotations

import html
import re

import pytest

from frontend import accounts, charts

HTMX = {"HX-Request": "true"}
PAGES = ["/", "/applications", "/applications?view=table", "/applications/1", "/journal", "/goals",
         "/insights", "/network", "/inbox", "/settings", "/import"]
APP = {"id": 1, "company": "Acme", "role": "Engineer", "stage": "interview", "rejection": None,
       "history": [{"from_stage": "applied", "to_stage": "interview", "changed_on": "2025-04-01"}],
       "applied_on": "2025-03-20", "rounds": [], "contacts": [], "note_entries": []}
REJECTED = {**APP, "id": 2, "company": "Umbrella", "stage": "rejected"}
GOALS = [{"id": 1, "kind": "applications", "title": None, "progress": 2, "target": 5, "status": "active"},
         {"id": 2, "kind": "outreach", "title": "Reach out to two people", "progress": 0, "target": 2,
          "status": "proposed"}]
INSIGHTS = {"funnel": [{"stage": "applied", "count": 3}, {"stage": "interview", "count": 1}],
            "rejections_by_stage": {"interview": 1}, "rejections_by_reason": {"experience": 1},
            "response_rate_by_source": [{"source": "referral", "applications": 2, "responses": 1,
                                         "rate_pct": 50}],
            "time_to_response": {"samples": 1, "median_days": 9, "max_days": 9},
            "weekly": [{"week": "2025-03-31", "applications": 3, "rejections": 1, "checkins": 2,
                        "average_mood": 3.5}, {"week": "2025-04-07", "applications": 1, "rejections": 0,
                                               "checkins": 1, "average_mood": 4}]}


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def full(services):
    """Every service answering with a little data."""
    listing = lambda items: {"items": items, "next_cursor": None}  # noqa: E731
    services.reply("tracker", "GET", "/applications", listing([APP, REJECTED]))
    services.reply("tracker", "GET", "/applications/1", APP)
    services.reply("coach", "GET", "/goals", listing(GOALS))
    services.reply("coach", "GET", "/wins", listing([{"id": 1, "kind": "first_application",
                                                      "title": "First application sent"}]))
    services.reply("coach", "GET", "/checkins", listing([{"id": 2, "mood": 4}, {"id": 1, "mood": 2}]))
    services.reply("coach", "GET", "/insights", INSIGHTS)
    services.reply("notifier", "GET", "/supporters", listing([{"id": 3, "name": "Bea", "relationship": "friend",
                                                               "status": "invited"}]))
    services.reply("notifier", "GET", "/channels", listing([{"id": 4, "kind": "email", "label": "Mail",
                                                             "target": "a***@example.com", "paused": False}]))
    services.reply("notifier", "GET", "/preferences", {"kinds": {"win": {"mode": "digest"}},
                                                       "quiet_hours": None, "digest_time": "18:00",
                                                       "nudges_enabled": True, "share_good_news": False})
    return services


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_with_nav_and_no_inline_code(client, full, signed_in, path):
    page = client.get(path)
    body = page.get_data(as_text=True)
    assert page.status_code == 200, body[:500]
    assert 'aria-label="Main"' in body and 'id="inbox-badge"' in body
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", body) == []
    assert " style=" not in body and "<style" not in body


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_when_every_service_is_down(client, settings, signed_in, unreachable_url,
                                                      monkeypatch, path):
    for service in ("tracker", "coach", "notifier"):
        monkeypatch.setitem(settings.service_urls, service, unreachable_url)
    page = client.get(path)
    assert page.status_code == 200
    if path not in ("/settings", "/import"):  # these two pages ask no service to render
        assert re.search(r"unavailable right now|can't reach", text(page))


def test_pages_need_sign_in(client):
    for path in PAGES:
        assert client.get(path).status_code == 302


def test_today_shows_goals_wins_mood_and_counts(client, full, signed_in):
    body = text(client.get("/"))
    assert '<progress id="goal-1" max="5" value="2">' in body
    assert "First application sent" in body
    assert 'class="chart chart-spark"' in body and "<title id=\"mood-spark-title\">" in body
    assert "Your coach suggested 1 goal" in body


def test_today_asks_the_services_side_by_side(client, full, signed_in):
    full.calls.clear()
    client.get("/")
    asked = {(c.service, c.path) for c in full.calls}
    assert {("tracker", "/applications"), ("coach", "/reflections"), ("coach", "/goals"),
            ("coach", "/checkins"), ("notifier", "/notifications")} <= asked


def test_board_groups_by_stage_and_can_hide_closed(client, full, signed_in):
    board = text(client.get("/applications"))
    assert 'id="col-interview"' in board and 'id="col-rejected"' in board
    hidden = text(client.get("/applications?hide_closed=1"))
    assert "Umbrella" not in hidden and "Acme" in hidden


def test_board_passes_search_and_sort_to_the_tracker(client, full, signed_in):
    client.get("/applications?q=acme&sort=company&stage=interview&view=table")
    args = [c for c in full.calls_to("tracker", "GET") if c.path == "/applications"][-1].args
    assert args["q"] == "acme" and args["sort"] == "company" and args["stage"] == "interview"


def test_board_is_a_fragment_for_htmx(client, full, signed_in):
    fragment = text(client.get("/applications", headers=HTMX))
    assert fragment.lstrip().startswith('<section id="board"') and "<html" not in fragment


def test_detail_shows_timeline_and_rejection_dialog(client, full, signed_in):
    page = text(client.get("/applications/1"))
    assert "Record a rejection" in page and "How are you feeling?" in page
    assert 'name="next" value="detail"' in page
    assert "From your coach" in page and 'hx-trigger="every 2s"' in page


def test_recording_a_rejection_from_the_detail_page_waits_for_the_coach(client, full, signed_in):
    full.reply("tracker", "POST", "/applications/1/rejection", {**APP, "stage": "rejected"}, status=201)
    full.reply("coach", "POST", "/checkins", {"id": 9, "mood": 2}, status=201)
    data = {"stage_reached": "interview", "mood": "2", "next": "detail", "csrf_token": signed_in.csrf()}
    response = client.post("/applications/1/rejection", data=data)
    assert response.status_code == 302 and response.headers["Location"] == "/applications/1?recorded=1"
    assert full.calls_to("coach", "POST")[-1].json == {"mood": 2, "application_id": 1}
    page = text(client.get(response.headers["Location"]))
    assert "Your coach is thinking about this one" in page


def test_coach_reply_poll_is_204_until_something_arrives(client, full, signed_in):
    full.reply("coach", "GET", "/reflections", {"items": []})
    first = text(client.get("/applications/1/coach?waiting=1", headers=HTMX))
    poll = html.unescape(re.search(r'hx-get="([^"]+)"', first).group(1))
    assert client.get(poll, headers=HTMX).status_code == 204
    full.reply("coach", "GET", "/reflections", {"items": [{"id": 7, "application_id": 1, "status": "open",
                                                           "prompt": "What will you keep from this one?"}]})
    assert "What will you keep" in text(client.get(poll, headers=HTMX))


def test_adding_shows_the_company_memory(client, full, signed_in):
    full.reply("tracker", "POST", "/applications", {**APP, "warnings": [
        {"code": "company_memory", "message": "You applied here in March; it ended after an interview."}]},
        status=201)
    client.post("/applications", data={"company": "Acme", "role": "Engineer", "csrf_token": signed_in.csrf()})
    assert "You applied here in March" in text(client.get("/"))


def test_adding_a_note_and_a_bad_round(client, full, signed_in):
    full.reply("tracker", "POST", "/applications/1/notes", {"id": 1, "body": "Nice people"}, status=201)
    ok = client.post("/applications/1/notes", data={"body": "Nice people", "csrf_token": signed_in.csrf()})
    assert ok.status_code == 302 and full.calls_to("tracker", "POST")[-1].json == {"body": "Nice people"}
    bad = client.post("/applications/1/rounds", data={"kind": "phone", "csrf_token": signed_in.csrf()})
    assert bad.status_code == 422 and "Please fill this in" in text(bad)


def test_journal_searches_past_answers(client, full, signed_in):
    full.reply("coach", "GET", "/reflections", {"items": [
        {"id": 1, "status": "done", "prompt": "What went well?", "answer": "I explained my project clearly"},
        {"id": 2, "status": "done", "prompt": "What next?", "answer": "Rest for a day"}]})
    body = text(client.get("/journal?q=PROJECT"))
    assert "explained my project" in body and "Rest for a day" not in body


def test_checkin_posts_to_the_coach(client, full, signed_in):
    full.reply("coach", "POST", "/checkins", {"id": 1, "mood": 4}, status=201)
    response = client.post("/journal/checkin", data={"mood": "4", "note": "", "csrf_token": signed_in.csrf()})
    assert response.status_code == 302 and full.calls_to("coach", "POST")[-1].json == {"mood": 4}


def test_accepting_a_proposed_goal(client, full, signed_in):
    full.reply("coach", "POST", "/goals/2/accept", {**GOALS[1], "status": "active"})
    page = text(client.get("/goals"))
    assert "Your coach suggests" in page and "Reach out to two people" in page
    response = client.post("/goals/2/accept", data={"csrf_token": signed_in.csrf()})
    assert response.status_code == 302
    assert "It's on your list" in text(client.get("/goals"))


def test_a_refused_goal_is_explained(client, full, signed_in):
    response = client.post("/goals", data={"kind": "applications", "target": "0", "csrf_token": signed_in.csrf()})
    assert response.status_code == 302 and full.calls_to("coach", "POST") == []
    assert "needs another look" in text(client.get("/goals"))


def test_insights_draw_charts_with_tables(client, full, signed_in):
    body = text(client.get("/insights"))
    assert body.count('role="img"') >= 5
    assert "<desc id=\"funnel-desc\">Applied: 3; Interviewing: 1</desc>" in body
    assert "Show as a table" in body and "<td>1 of 2 · 50%</td>" in body
    # weeks read as dates, and two check-ins are not yet a line
    assert "<th scope=\"row\">31 Mar 2025</th>" in body and "once you've checked in 3 times" in body


def test_labels_are_whole_in_a_tooltip_and_the_mood_line_has_a_scale_and_dates(client, full, signed_in):
    full.reply("coach", "GET", "/insights", {**INSIGHTS, "rejections_by_reason": {"experience": 2},
                                             "response_rate_by_source": [{"source": "company_site", "applications": 1,
                                                                          "responses": 1, "rate_pct": 100}]})
    full.reply("coach", "GET", "/checkins", {"items": [
        {"id": i, "mood": m, "created_at": f"2025-11-{10 + i}T09:00:00"} for i, m in ((3, 4), (1, 2), (2, 3))],
        "next_cursor": None})
    body = text(client.get("/insights"))
    assert "<title>They wanted different experience</title>" in body
    assert "The company's site" in body and "1 of 1 · 100%" in body and "company_site" not in body
    mood = body[body.index('<svg class="chart chart-mood"'):]
    mood = mood[:mood.index("</svg>")]
    assert "Really low" in mood and "Really good" in mood
    assert "11 Nov" in mood and "13 Nov" in mood  # first and last check-in, oldest first
    assert "<title>12 Nov 2025: 3 of 5</title>" in mood


def test_network_shows_supporters_channels_and_what_supporters_hear(client, full, signed_in):
    body = text(client.get("/network"))
    assert "Bea" in body and "Invited" in body and "Send a test" in body
    assert 'id="nudges" name="nudges_enabled" type="checkbox" checked' in body
    assert 'href="/settings/notifications"' in body  # how news reaches you lives in Settings


def test_channel_test_result_is_reported(client, full, signed_in):
    full.reply("notifier", "POST", "/channels/4/test", {"ok": False, "error": "mailbox full"})
    client.post("/network/channels/4/test", data={"csrf_token": signed_in.csrf()})
    assert "didn't get through: mailbox full" in text(client.get("/network"))


def test_what_supporters_hear_is_sent_whole(client, full, signed_in):
    full.reply("notifier", "PATCH", "/preferences", {})
    client.post("/network/preferences", data={"nudges_enabled": "on", "csrf_token": signed_in.csrf()})
    sent = full.calls_to("notifier", "PATCH")[-1].json
    assert sent == {"nudges_enabled": True, "share_good_news": False}


def test_badge_uses_the_notifier_etag(client, full, signed_in):
    full.reply("notifier", "GET", "/notifications/unread_count", {"count": 3})
    badge = text(client.get("/inbox/badge", headers=HTMX))
    assert ">3<" in badge
    assert "every 30s" in badge


def test_badge_answers_204_on_304(client, signed_in, monkeypatch):
    class NotModified:
        status_code = 304
    monkeypatch.setattr("frontend.service_client.raw", lambda *a, **k: NotModified())
    assert client.get("/inbox/badge?seen=W/%221-1%22", headers=HTMX).status_code == 204


def test_the_badge_poll_reads_no_account_row(client, full, signed_in, monkeypatch):
    full.reply("notifier", "GET", "/notifications/unread_count", {"count": 2})
    monkeypatch.setattr("frontend.accounts.get_user", lambda *a: pytest.fail("the poll read the account"))
    assert ">2<" in text(client.get("/inbox/badge", headers=HTMX))
    assert full.calls_to("notifier", "GET")[-1].path == "/notifications/unread_count"


def _unread_asks(full) -> int:
    return sum(1 for c in full.calls_to("notifier", "GET") if c.path == "/notifications/unread_count")


def test_one_persons_count_never_answers_anothers_poll(client, full, signed_in):
    full.reply("notifier", "GET", "/notifications/unread_count", {"count": 3}, headers={"ETag": 'W/"3-9"'})
    assert ">3<" in text(client.get("/inbox/badge", headers=HTMX))
    signed_in.logout()
    signed_in.register(email="bo@example.com", display_name="Bo")
    full.reply("notifier", "GET", "/notifications/unread_count", {"count": 1}, headers={"ETag": 'W/"1-2"'})
    assert ">1<" in text(client.get("/inbox/badge", headers=HTMX))
    tokens = [c.token for c in full.calls_to("notifier", "GET") if c.path == "/notifications/unread_count"]
    assert len(set(tokens)) == 2


def test_reading_from_the_inbox_page_empties_the_badge(client, full, signed_in):
    full.reply("notifier", "GET", "/notifications/unread_count", {"count": 1}, headers={"ETag": 'W/"1-5"'})
    client.get("/inbox/badge", headers=HTMX)
    full.reply("notifier", "POST", "/notifications/5/read", {"id": 5})
    full.reply("notifier", "GET", "/notifications/unread_count", {"count": 0}, headers={"ETag": 'W/"0-5"'})
    client.post("/inbox/5/read", data={"csrf_token": signed_in.csrf()})
    assert "badge-empty" in text(client.get("/inbox/badge?seen=W/%221-5%22", headers=HTMX))


def test_every_poll_asks_the_notifier(client, full, signed_in):
    full.reply("notifier", "GET", "/notifications/unread_count", {"count": 3}, headers={"ETag": 'W/"3-9"'})
    answers = [client.get("/inbox/badge?seen=W/%223-9%22", headers=HTMX).status_code for _ in range(3)]
    assert answers == [204, 204, 204]
    assert _unread_asks(full) == 3


def test_a_signed_out_badge_poll_is_sent_to_sign_in(client):
    response = client.get("/inbox/badge", headers=HTMX)
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login"


def test_import_preview_then_confirm(client, full, signed_in, monkeypatch):
    sent = []

    class Answer:
        def __init__(self, body):
            self.status_code, self._body = 200, body

        def json(self):
            return self._body

    def fake_raw(service, method, path, user_id, **kwargs):
        sent.append(kwargs["params"]["dry_run"])
        rows = [{"row": 2, "status": "create", "company": "Acme", "role": "Dev", "stage": "applied"},
                {"row": 3, "status": "skip", "reason": "The company is missing."}]
        return Answer({"summary": {"rows": 2, "create": 1, "duplicate": 0, "skip": 1}, "rows": rows,
                       "ignored_columns": [], "created_ids": [5]})
    monkeypatch.setattr("frontend.service_client.raw", fake_raw)
    import io
    preview = client.post("/import/preview", data={"file": (io.BytesIO(b"company,role\nAcme,Dev\n,x\n"), "a.csv"),
                                                   "csrf_token": signed_in.csrf()})
    body = text(preview)
    assert preview.status_code == 200 and "The company is missing." in body and "Import 1 application" in body
    payload = re.search(r'name="payload" value="([^"]+)"', body).group(1)
    done = client.post("/import/confirm", data={"payload": payload, "csrf_token": signed_in.csrf()})
    assert done.status_code == 302 and sent == ["1", "0"]


def test_public_confirm_page_changes_nothing_until_the_button(client, services):
    services.reply("notifier", "GET", "/public/supporters/confirm/tok", {"valid": True, "status": "invited",
                                                                         "supporter_name": "Bea",
                                                                         "person_name": "Ada"})
    services.reply("notifier", "POST", "/public/supporters/confirm/tok", {"valid": True, "status": "confirmed",
                                                                          "supporter_name": "Bea",
                                                                          "person_name": "Ada"})
    page = client.get("/supporters/confirm/tok")
    assert page.status_code == 200 and "Yes, count me in" in text(page)
    assert services.calls_to("notifier", "POST") == []
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    done = client.post("/supporters/confirm/tok", data={"csrf_token": token})
    assert "Thank you, Bea" in text(done)


def test_a_bad_public_link_is_friendly(client, services):
    services.reply("notifier", "GET", "/public/supporters/unsubscribe/old",
                   {"error": {"code": "expired", "message": "gone"}}, status=410)
    page = client.get("/supporters/unsubscribe/old")
    assert page.status_code == 410 and "invalid or has expired" in text(page)


def test_settings_token_is_shown_once(client, full, signed_in, monkeypatch):
    monkeypatch.setattr(accounts, "list_tokens", lambda s, uid: [], raising=False)
    client.post("/settings/tokens", data={"name": "script", "csrf_token": signed_in.csrf()})
    first = text(client.get("/settings"))
    assert re.search(r'<code id="new-token">rb_[\w-]+</code>', first)
    assert 'id="new-token"' not in text(client.get("/settings"))


def test_delete_needs_the_typed_email(client, full, signed_in, monkeypatch):
    seen = []

    def delete_account(sessions, user_id, confirm_email):
        seen.append(confirm_email)
        if confirm_email != "ada@example.com":
            raise accounts.AccountError("That isn't the e-mail on this account.")
    monkeypatch.setattr(accounts, "delete_account", delete_account, raising=False)
    wrong = client.post("/settings/delete", data={"confirm_email": "x@y.z", "csrf_token": signed_in.csrf()})
    assert wrong.headers["Location"].endswith("/settings#delete")
    right = client.post("/settings/delete", data={"confirm_email": "ada@example.com",
                                                  "csrf_token": signed_in.csrf()})
    assert right.headers["Location"] == "/login" and seen == ["x@y.z", "ada@example.com"]


def test_charts_escape_labels_and_skip_empty_data():
    svg = charts.bars("c", "A <title>", [("<script>", 2), ("b", 1)])
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert charts.bars("c", "t", []) == "" and charts.sparkline("s", "t", [3]) == ""
