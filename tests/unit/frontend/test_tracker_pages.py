"""The tracker's pages in the frontend: the add page, the board's columns and moves, the calendar links."""
from __future__ import annotations

import html
from datetime import date

from frontend import cards

APP = {"id": 1, "company": "Acme", "role": "Engineer", "stage": "interview", "rejection": None, "tags": ["remote"],
       "history": [], "applied_on": "2025-03-20", "stage_since": "2025-03-25", "rounds": [], "contacts": [],
       "note_entries": [], "salary_min": 50000, "salary_max": 60000, "salary_currency": "EUR",
       "salary_period": "year", "source": "linkedin"}
ROUND = {"id": 7, "scheduled_on": "2030-05-02", "starts_at": "14:30", "timezone": "Europe/Berlin",
         "duration_minutes": 45, "kind": "technical", "interviewer": "Ada", "location": None,
         "video_url": "https://meet.example.com/x", "notes": None}


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def listing(items):
    return {"items": items, "next_cursor": None}


def test_a_long_company_name_is_told_the_real_limit(client, services, signed_in):
    reply = client.post("/applications", data={"company": "x" * 300, "role": "Engineer", "next": "new",
                                              "csrf_token": signed_in.csrf()})
    body = text(reply)
    assert reply.status_code == 422
    assert "Please keep this to 200 characters or fewer." in body and "Please fill this in" not in body
    assert services.calls_to("tracker", "POST") == []


def test_the_add_page_sends_every_field(client, services, signed_in):
    services.reply("tracker", "POST", "/applications", {**APP, "warnings": []}, status=201)
    form = {"company": "Acme", "role": "Engineer", "salary_min": "50000", "salary_max": "60000",
            "salary_currency": "eur", "salary_period": "year", "work_mode": "remote", "tags": "remote, dream, remote",
            "excitement": "4", "resume_version": "v3", "next": "new", "csrf_token": signed_in.csrf()}
    reply = client.post("/applications", data=form)
    assert reply.status_code == 302 and reply.headers["Location"].endswith("/applications")
    sent = services.calls_to("tracker", "POST")[-1].json
    assert sent["salary_currency"] == "EUR" and sent["tags"] == ["remote", "dream"] and sent["excitement"] == 4


def test_a_salary_range_upside_down_is_refused(client, services, signed_in):
    reply = client.post("/applications", data={"company": "Acme", "role": "Engineer", "salary_min": "9",
                                              "salary_max": "1", "next": "new", "csrf_token": signed_in.csrf()})
    assert reply.status_code == 422 and "The lowest figure is above the highest." in text(reply)


def test_the_board_keeps_drop_targets_but_a_filter_hides_empty_columns(client, services, signed_in):
    services.reply("tracker", "GET", "/applications", listing([APP]))
    services.reply("tracker", "GET", "/rounds/upcoming", listing([{**ROUND, "application_id": 1}]))
    whole = text(client.get("/applications"))
    for stage in ("applied", "screening", "interview", "final_interview", "offer", "rejected"):
        assert f'data-stage="{stage}"' in whole
    assert "€50k–€60k a year" in whole and "Interview 2 May 2030 at 14:30" in whole
    filtered = text(client.get("/applications?stage=interview"))
    assert filtered.count('class="plain board-list"') == 1
    asked = [c.args.get("stage") for c in services.calls_to("tracker", "GET") if c.path == "/applications"]
    assert asked == [None, "interview"]


def test_a_move_from_the_board_answers_with_the_board_for_htmx(client, services, signed_in):
    services.reply("tracker", "POST", "/applications/1/stage", APP)
    services.reply("tracker", "GET", "/applications", listing([APP]))
    reply = client.post("/applications/1/stage", headers={"HX-Request": "true"},
                        data={"stage": "interview", "next": "board", "filters": "tag=remote",
                              "csrf_token": signed_in.csrf()})
    body = text(reply)
    assert reply.status_code == 200 and '<section id="board"' in body and "<html" not in body
    assert "Every step counts" in body
    assert [c.args.get("tag") for c in services.calls_to("tracker", "GET") if c.path == "/applications"] == ["remote"]


def test_a_backdated_move_sends_its_date(client, services, signed_in):
    services.reply("tracker", "POST", "/applications/1/stage", APP)
    client.post("/applications/1/stage", data={"stage": "screening", "changed_on": "2025-03-22", "next": "detail",
                                               "csrf_token": signed_in.csrf()})
    assert services.calls_to("tracker", "POST")[-1].json == {"stage": "screening", "changed_on": "2025-03-22"}


def test_a_round_downloads_as_ics_and_a_forged_feed_address_is_404(client, services, signed_in):
    services.reply("tracker", "GET", "/applications/1", {**APP, "rounds": [ROUND]})
    reply = client.get("/applications/1/rounds/7.ics")
    assert reply.status_code == 200 and reply.mimetype == "text/calendar"
    assert b"DTSTART;TZID=Europe/Berlin:20300502T143000" in reply.data
    assert client.get("/applications/1/rounds/8.ics").status_code == 404
    assert client.get("/applications/calendar/not-a-signed-token.ics").status_code == 404


def test_card_facts_in_whole_units():
    today = date(2026, 12, 6)
    assert cards.days_ago("2026-12-05", today) == "yesterday"
    assert cards.days_ago("2026-11-06", today) == "4 weeks ago"
    assert cards.salary({"salary_min": 45, "salary_currency": "USD", "salary_period": "hour"}) == "from $45 an hour"
    assert cards.salary({}) == ""
    assert cards.card_facts({"stage": "interview", "stage_since": "2026-12-03"}, [], today)["age"] == "Moved here 3 days ago"
    assert cards.card_facts({"stage": "rejected", "stage_since": "2026-12-06"}, [], today)["age"] == "Closed today"
    head, tail = cards.fold_parts("word " * 400)
    assert head and tail and len(head) <= 600 and (head + " " + tail).split() == ("word " * 400).split()


def test_the_rejection_form_comes_alone_for_the_board_and_as_a_page_without_javascript(client, services, signed_in):
    services.reply("tracker", "GET", "/applications/1", APP)
    fragment = text(client.get("/applications/1/reject?filters=tag%3Dremote", headers={"HX-Request": "true"}))
    assert "<html" not in fragment and 'name="received_on"' in fragment and 'value="tag=remote"' in fragment
    page = text(client.get("/applications/1/reject"))
    assert "<html" in page and "Record a rejection" in page and 'name="next" value="board"' in page


def test_a_rejection_with_its_date_goes_back_to_the_board(client, services, signed_in):
    services.reply("tracker", "POST", "/applications/1/rejection", APP, status=201)
    reply = client.post("/applications/1/rejection", data={
        "received_on": "2025-03-28", "reason": "position_filled", "next": "board", "filters": "tag=remote",
        "csrf_token": signed_in.csrf()})
    assert reply.status_code == 302 and reply.headers["Location"].endswith("/applications?tag=remote")
    assert services.calls_to("tracker", "POST")[-1].json == {"received_on": "2025-03-28", "reason": "position_filled"}
