"""The dashboard's newer pieces: coach ideas, feedback drafts, quiet applications, effort,
editing an application, coach and tracker settings, and interview rounds coming up."""
from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from marshmallow import ValidationError

from frontend.schemas import RejectionIn, StageIn, clean
from frontend.views.settings_services import RULE_CHOICES
from frontend.views.upcoming import coming_up, day_label, local_today

HTMX = {"HX-Request": "true"}
APP = {"id": 1, "company": "Acme", "role": "Engineer", "stage": "interview", "rejection": None, "archived": False,
       "history": [{"from_stage": None, "to_stage": "applied", "changed_on": "2025-03-20"},
                   {"from_stage": "applied", "to_stage": "interview", "changed_on": "2025-04-01"}],
       "applied_on": "2025-03-20", "rounds": [{"id": 5, "scheduled_on": "2025-04-10", "kind": "phone"}],
       "contacts": [{"id": 6, "name": "Priya", "title": "Recruiter"}],
       "note_entries": [{"id": 7, "body": "Nice people"}]}
REJECTED = {**APP, "stage": "rejected", "rejection": {"stage_reached": "interview", "reason": None,
                                                      "feedback": None, "received_on": "2025-04-12"}}
SUGGESTIONS = [
    {"id": 11, "kind": "checkin", "title": "How are you doing?", "body": "A rejection can sting.",
     "application_id": 1, "status": "open"},
    {"id": 12, "kind": "mentor", "title": "Talk it through with someone", "body": "A mentor can help.",
     "application_id": None, "status": "open"}]
DRAFTS = [{"id": 21, "application_id": 1, "to_name": "Priya", "to_email": "priya@example.com",
           "subject": "Thank you, and a question", "body": "Hi Priya,\nCould you share what I might improve?",
           "status": "draft", "sent_at": None},
          {"id": 22, "application_id": 2, "to_name": None, "to_email": None, "subject": "Old one",
           "body": "Hi", "status": "sent", "sent_at": "2025-04-02T10:00:00"}]


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def listing(items):
    return {"items": items, "next_cursor": None}


@pytest.fixture
def full(services):
    services.reply("tracker", "GET", "/applications", listing([APP]))
    services.reply("tracker", "GET", "/applications/1", APP)
    services.reply("tracker", "GET", "/ghost-candidates", listing([]))
    services.reply("tracker", "GET", "/rounds/upcoming", listing([]))
    services.reply("tracker", "GET", "/settings", {"auto_ghost": False})
    services.reply("coach", "GET", "/suggestions", listing(SUGGESTIONS))
    services.reply("coach", "GET", "/feedback-requests", listing(DRAFTS))
    services.reply("coach", "GET", "/feedback", listing([]))
    services.reply("coach", "GET", "/efforts", listing([]))
    services.reply("coach", "GET", "/settings", {"timezone": "UTC", "review_weekday": 6, "review_time": "18:00",
                                                 "disabled_rules": ["rejection.mentor"], "nudge_threshold": 3,
                                                 "weekly_target": None})
    return services


def down(settings, monkeypatch, *names, url):
    for name in names:
        monkeypatch.setitem(settings.service_urls, name, url)


def post(client, path, auth, headers=None, **data):
    return client.post(path, data={**data, "csrf_token": auth.csrf()}, headers=headers or {})


# ---- 1. Coach suggestions -------------------------------------------------------------

def test_today_shows_the_coach_once_not_ideas_beside_news(client, full, signed_in):
    page = text(client.get("/"))
    assert page.count("From your coach") == 1
    assert "A few ideas, if they help" not in page and "News for you" not in page
    assert "/suggestions" not in [c.path for c in full.calls_to("coach", "GET")]


def test_detail_shows_only_this_applications_suggestions(client, full, signed_in):
    page = text(client.get("/applications/1"))
    assert "Ideas about this one" in page and "How are you doing?" in page
    assert "Talk it through with someone" not in page


def test_dismissing_with_htmx_answers_the_fragment_and_a_notice(client, full, signed_in):
    full.reply("coach", "POST", "/suggestions/11/dismiss", {"id": 11, "status": "dismissed"})
    answer = post(client, "/suggestions/11/dismiss", signed_in, HTMX, application_id="1")
    body = text(answer)
    assert answer.status_code == 200 and body.lstrip().startswith('<div id="suggestions">')
    assert "<html" not in body and 'hx-swap-oob="innerHTML"' in body and "Put away" in body
    assert "Talk it through" not in body  # re-drawn for application 1 only
    assert full.calls_to("coach", "POST")[-1].path == "/suggestions/11/dismiss"


def test_dismissing_without_javascript_goes_back_where_it_came_from(client, full, signed_in):
    full.reply("coach", "POST", "/suggestions/12/dismiss", {"id": 12, "status": "dismissed"})
    answer = post(client, "/suggestions/12/dismiss", signed_in, next="/applications/1")
    assert answer.status_code == 302 and answer.headers["Location"] == "/applications/1"
    evil = post(client, "/suggestions/12/dismiss", signed_in, next="//evil.example/")
    assert evil.headers["Location"] == "/"


def test_dismissing_needs_the_csrf_token(client, full, signed_in):
    assert client.post("/suggestions/11/dismiss", headers=HTMX).status_code == 403
    assert full.calls_to("coach", "POST") == []


def test_suggestions_say_when_the_coach_is_down(client, full, settings, signed_in, unreachable_url, monkeypatch):
    down(settings, monkeypatch, "coach", url=unreachable_url)
    page = text(client.get("/applications/1"))
    assert "Its ideas will be back here shortly" in page
    refused = post(client, "/suggestions/11/dismiss", signed_in, HTMX)
    assert refused.status_code == 503 and "can't reach the coach" in text(refused)


# ---- 2. Feedback-request drafts and feedback heard ---------------------------------

def test_detail_shows_the_draft_ready_to_copy(client, full, signed_in):
    page = text(client.get("/applications/1"))
    copy = re.search(r'<textarea id="copy-21"[^>]*readonly>(.*?)</textarea>', page, re.S)
    assert copy and "Subject: Thank you, and a question" in copy.group(1) and "Could you share" in copy.group(1)
    assert "mailto:priya%40example.com?subject=Thank%20you" in page
    assert "Old one" not in page  # another application's draft


def test_journal_lists_only_drafts_not_yet_sent(client, full, signed_in):
    page = text(client.get("/journal"))
    assert "Asking for feedback" in page and "Thank you, and a question" in page and "Old one" not in page


def test_editing_a_draft_patches_it_and_blank_address_clears_it(client, full, signed_in):
    full.reply("coach", "PATCH", "/feedback-requests/21", DRAFTS[0])
    answer = post(client, "/journal/feedback-requests/21", signed_in, next="/applications/1",
                  subject=" New subject ", body="Hello", to_email="")
    assert answer.status_code == 302 and answer.headers["Location"] == "/applications/1#draft-21"
    assert full.calls_to("coach", "PATCH")[-1].json == {"subject": "New subject", "body": "Hello", "to_email": None}


def test_a_draft_without_a_subject_is_refused_before_the_coach(client, full, signed_in):
    post(client, "/journal/feedback-requests/21", signed_in, subject="", body="Hello")
    assert full.calls_to("coach", "PATCH") == []
    assert "Subject: Please fill this in" in text(client.get("/journal"))


def test_marking_a_draft_sent(client, full, signed_in):
    full.reply("coach", "PATCH", "/feedback-requests/21", {**DRAFTS[0], "status": "sent"})
    answer = post(client, "/journal/feedback-requests/21/sent", signed_in)
    assert answer.headers["Location"] == "/journal#draft-21"
    assert full.calls_to("coach", "PATCH")[-1].json == {"status": "sent"}
    assert "Asking takes courage" in text(client.get("/journal"))


def test_recording_feedback_heard(client, full, signed_in):
    full.reply("coach", "POST", "/feedback", {"id": 1, "text": "More SQL", "tags": ["skills"]}, status=201)
    answer = post(client, "/journal/feedback", signed_in, next="/applications/1", text="More SQL",
                  application_id="1")
    assert answer.headers["Location"] == "/applications/1#feedback"
    assert full.calls_to("coach", "POST")[-1].json == {"text": "More SQL", "application_id": 1}


def test_feedback_forms_need_the_csrf_token_and_say_when_the_coach_is_down(
        client, full, settings, signed_in, unreachable_url, monkeypatch):
    assert client.post("/journal/feedback", data={"text": "x"}).status_code == 403
    assert client.post("/journal/feedback-requests/21/sent").status_code == 403
    down(settings, monkeypatch, "coach", url=unreachable_url)
    page = text(client.get("/applications/1"))
    assert "your drafts are safe" in page and "what you noted is safe" in page


# ---- 3. Quiet applications --------------------------------------------------------

def test_applications_page_offers_quiet_ones(client, full, signed_in):
    full.reply("tracker", "GET", "/ghost-candidates", listing([{**APP, "stage": "applied"}]))
    page = text(client.get("/applications"))
    assert "Gone quiet?" in page and 'action="/applications/1/ghost"' in page
    assert 'action="/applications/1/keep"' in page
    board = text(client.get("/applications", headers=HTMX))
    assert "Gone quiet?" not in board  # the board fragment stays just the board


def test_many_quiet_ones_show_three_and_fold_the_rest_with_readable_dates(client, full, signed_in):
    quiet = [{**APP, "id": i, "company": f"Quiet {i}", "stage": "applied", "applied_on": "2025-03-20"}
             for i in range(1, 8)]
    full.reply("tracker", "GET", "/ghost-candidates", listing(quiet))
    page = text(client.get("/applications"))
    before_fold, _, folded = page.partition("<summary>4 more</summary>")
    assert folded and "Quiet 3" in before_fold and "Quiet 4" not in before_fold and "Quiet 7" in folded
    assert "applied 20 Mar 2025" in page and "2025-03-20" not in before_fold


def test_no_quiet_panel_when_nothing_went_quiet(client, full, signed_in):
    assert "Gone quiet?" not in text(client.get("/applications"))


@pytest.mark.parametrize("answer, path", [("ghost", "/applications/1/ghost"),
                                          ("keep", "/applications/1/ghost/dismiss")])
def test_answering_a_quiet_one(client, full, signed_in, answer, path):
    full.reply("tracker", "POST", path, APP)
    response = post(client, f"/applications/1/{answer}", signed_in)
    assert response.status_code == 302 and response.headers["Location"] == "/applications#quiet"
    assert full.calls_to("tracker", "POST")[-1].path == path
    assert client.post(f"/applications/1/{answer}").status_code == 403


def test_quiet_panel_when_the_tracker_is_down(client, full, settings, signed_in, unreachable_url, monkeypatch):
    down(settings, monkeypatch, "tracker", url=unreachable_url)
    assert "can't check for quiet applications" in text(client.get("/applications"))


@pytest.mark.parametrize("form, sent", [({"auto_ghost": "on"}, True), ({}, False)])
def test_auto_ghost_switch(client, full, signed_in, form, sent):
    full.reply("tracker", "PATCH", "/settings", {"auto_ghost": sent})
    response = post(client, "/settings/tracker", signed_in, **form)
    assert response.headers["Location"] == "/settings#quiet-settings"
    assert full.calls_to("tracker", "PATCH")[-1].json == {"auto_ghost": sent}


# ---- 4. Effort and the learning log -------------------------------------------------

def test_logging_effort(client, full, signed_in):
    full.reply("coach", "POST", "/efforts", {"id": 1}, status=201)
    response = post(client, "/goals/efforts", signed_in, kind="learning", amount="1.5", what=" SQL course ",
                    logged_on="")
    assert response.headers["Location"] == "/goals#effort"
    assert full.calls_to("coach", "POST")[-1].json == {"kind": "learning", "amount": 1.5, "what": "SQL course"}
    assert "Effort counts" in text(client.get("/goals"))


def test_bad_effort_is_explained_and_not_sent(client, full, signed_in):
    post(client, "/goals/efforts", signed_in, kind="juggling", amount="0")
    assert full.calls_to("coach", "POST") == []
    assert "needs another look" in text(client.get("/goals"))


def test_goals_page_lists_the_learning_log(client, full, signed_in):
    full.reply("coach", "GET", "/goals", listing([]))
    full.reply("coach", "GET", "/wins", listing([]))
    full.reply("coach", "GET", "/efforts", listing([{"id": 1, "kind": "learning", "amount": 2.0,
                                                     "what": "Statistics refresher", "logged_on": "2025-04-03"}]))
    page = text(client.get("/goals"))
    assert "Statistics refresher" in page and "2 hours" in page
    assert [c.args for c in full.calls_to("coach", "GET") if c.path == "/efforts"][-1]["kind"] == "learning"


# ---- 5. Editing an application -------------------------------------------------------

def test_detail_offers_edit_and_remove_for_each_item(client, full, signed_in):
    page = text(client.get("/applications/1"))
    for kind, item in (("rounds", 5), ("contacts", 6), ("notes", 7)):
        assert f'action="/applications/1/{kind}/{item}"' in page
        assert f'action="/applications/1/{kind}/{item}/delete"' in page
    assert 'action="/applications/1/archive"' in page and "Type <strong>Acme</strong> to confirm" in page


def test_editing_a_contact_can_clear_a_field(client, full, signed_in):
    full.reply("tracker", "PATCH", "/applications/1/contacts/6", {"id": 6, "name": "Priya"})
    response = post(client, "/applications/1/contacts/6", signed_in, name="Priya S", title="", email="", phone="")
    assert response.headers["Location"] == "/applications/1#contacts"
    assert full.calls_to("tracker", "PATCH")[-1].json == {"name": "Priya S", "title": None, "email": None,
                                                          "phone": None}


def test_a_note_cannot_be_emptied(client, full, signed_in):
    post(client, "/applications/1/notes/7", signed_in, body="  ")
    assert full.calls_to("tracker", "PATCH") == []


def test_removing_a_round(client, full, signed_in):
    full.reply("tracker", "DELETE", "/applications/1/rounds/5", {}, status=204)
    response = post(client, "/applications/1/rounds/5/delete", signed_in)
    assert response.headers["Location"] == "/applications/1#rounds"
    assert full.calls_to("tracker", "DELETE")[-1].path == "/applications/1/rounds/5"


def test_editing_the_main_fields(client, full, signed_in):
    full.reply("tracker", "PATCH", "/applications/1", APP)
    post(client, "/applications/1/edit", signed_in, company="Acme Ltd", role="Engineer", source="", url="",
         applied_on="2025-03-20", follow_up_on="2025-04-20", notes="")
    sent = full.calls_to("tracker", "PATCH")[-1].json
    assert sent == {"company": "Acme Ltd", "role": "Engineer", "source": None, "url": None,
                    "applied_on": "2025-03-20", "follow_up_on": "2025-04-20", "notes": None}


def test_retracting_a_rejection_needs_the_tick(client, full, signed_in):
    full.reply("tracker", "GET", "/applications/1", REJECTED)
    assert "I recorded this by mistake" in text(client.get("/applications/1"))
    full.reply("tracker", "DELETE", "/applications/1/rejection", APP)
    unticked = post(client, "/applications/1/rejection/retract", signed_in)
    assert unticked.headers["Location"] == "/applications/1#retract" and full.calls_to("tracker", "DELETE") == []
    ticked = post(client, "/applications/1/rejection/retract", signed_in, confirm="yes")
    assert ticked.status_code == 302 and full.calls_to("tracker", "DELETE")[-1].path == "/applications/1/rejection"


@pytest.mark.parametrize("action", ["archive", "unarchive"])
def test_archiving(client, full, signed_in, action):
    full.reply("tracker", "POST", f"/applications/1/{action}", APP)
    assert post(client, f"/applications/1/{action}", signed_in).status_code == 302
    assert full.calls_to("tracker", "POST")[-1].path == f"/applications/1/{action}"


def test_deleting_needs_the_company_name_typed(client, full, signed_in):
    full.reply("tracker", "DELETE", "/applications/1", {}, status=204)
    wrong = post(client, "/applications/1/delete", signed_in, confirm_company="Acm")
    assert wrong.headers["Location"] == "/applications/1#delete" and full.calls_to("tracker", "DELETE") == []
    right = post(client, "/applications/1/delete", signed_in, confirm_company="  acme ")
    assert right.headers["Location"] == "/applications"
    assert full.calls_to("tracker", "DELETE")[-1].path == "/applications/1"


def test_editing_forms_need_the_csrf_token(client, full, signed_in):
    for path in ("/applications/1/edit", "/applications/1/notes/7", "/applications/1/delete",
                 "/applications/1/rejection/retract", "/applications/1/archive"):
        assert client.post(path, data={"confirm_company": "Acme", "confirm": "yes"}).status_code == 403
    assert full.calls_to("tracker", "DELETE") == [] and full.calls_to("tracker", "PATCH") == []


def test_editing_when_the_tracker_is_down(client, full, settings, signed_in, unreachable_url, monkeypatch):
    down(settings, monkeypatch, "tracker", url=unreachable_url)
    response = post(client, "/applications/1/notes/7", signed_in, body="Hi")
    assert response.status_code == 503 and "can't reach the tracker" in text(response)


# ---- 6. Coach settings ------------------------------------------------------------------

def test_settings_show_the_coach_and_tracker_settings(client, full, signed_in):
    page = text(client.get("/settings"))
    assert '<option value="6" selected>Sunday</option>' in page and 'value="18:00"' in page
    assert re.search(r'id="on-checkin" name="on" type="checkbox" value="checkin" checked', page)
    assert not re.search(r'id="on-mentor"[^>]*checked', page)
    assert 'id="auto-ghost" name="auto_ghost" type="checkbox"  aria' in page


def test_saving_coach_settings_switches_rules_off(client, full, signed_in):
    full.reply("coach", "PATCH", "/settings", {})
    shown = list(RULE_CHOICES) + ["week.goal_met"]
    on = [key for key in shown if key not in ("kindness", "mentor", "week.goal_met")]
    response = post(client, "/settings/coach", signed_in, review_weekday="4", review_time="09:30",
                    nudge_threshold="5", shown=shown, on=on)
    assert response.headers["Location"] == "/settings#coach"
    assert full.calls_to("coach", "PATCH")[-1].json == {
        "review_weekday": 4, "review_time": "09:30", "nudge_threshold": 5,
        "disabled_rules": ["checkin.self_compassion", "reflection.growth", "reflection.self_compassion",
                           "rejection.mentor", "week.goal_met"]}


def test_bad_coach_settings_are_refused_before_the_coach(client, full, signed_in):
    post(client, "/settings/coach", signed_in, review_weekday="9", review_time="25:00", nudge_threshold="1")
    assert full.calls_to("coach", "PATCH") == []
    page = text(client.get("/settings"))
    assert "Review time: Use 24-hour time" in page and "Pick a number from 2 to 50" in page


def test_rules_switched_off_elsewhere_stay_listed(client, full, signed_in):
    full.reply("coach", "GET", "/settings", {"review_weekday": 0, "review_time": "18:00", "nudge_threshold": 3,
                                             "disabled_rules": ["week.goal_met"]})
    page = text(client.get("/settings"))
    assert 'name="shown" value="week.goal_met"' in page
    assert re.search(r'value="week.goal_met" >', page)  # listed, and unticked: it stays off


def test_every_rule_switch_names_real_playbook_rules():
    from services.coach.playbook.loader import load_playbook
    ids = load_playbook().ids
    assert {rule for _, rules in RULE_CHOICES.values() for rule in rules} <= ids


def test_settings_say_when_services_are_down(client, full, settings, signed_in, unreachable_url, monkeypatch):
    down(settings, monkeypatch, "coach", "tracker", url=unreachable_url)
    page = text(client.get("/settings"))
    assert "These settings will be back shortly" in page and "can't reach your applications" in page
    assert client.post("/settings/coach", data={"review_weekday": "1"}).status_code == 403


# ---- 7. Coming up -------------------------------------------------------------------------

def test_today_shows_rounds_coming_up(client, full, signed_in):
    soon = (date.today() + timedelta(days=3)).isoformat()
    full.reply("tracker", "GET", "/rounds/upcoming", listing([
        {"id": 5, "application_id": 1, "scheduled_on": soon, "kind": "technical", "interviewer": "Ana",
         "company": "Acme", "role": "Engineer"}]))
    page = text(client.get("/"))
    assert f'<time datetime="{soon}">' in page and "Technical interview with Ana" in page
    asked = [c.args for c in full.calls_to("tracker", "GET") if c.path == "/rounds/upcoming"][-1]
    assert asked["days"] == "14" and "from" in asked


def test_coming_up_merges_follow_ups_and_rounds_soonest_first():
    today = date(2025, 4, 7)
    apps = [{"id": 1, "company": "A", "stage": "applied", "follow_up_on": "2025-04-12"},
            {"id": 2, "company": "B", "stage": "rejected", "follow_up_on": "2025-04-08"},
            {"id": 3, "company": "C", "stage": "applied", "follow_up_on": "2025-05-30"}]
    rounds = [{"application_id": 4, "company": "D", "role": "Dev", "scheduled_on": "2025-04-07", "kind": "phone"}]
    events = coming_up(apps, rounds, today)
    assert [(e["app"]["company"], e["what"], e["when"]) for e in events] == [
        ("D", "Phone call", "Today"), ("A", "Follow up", "Sat 12 Apr")]
    assert day_label("2025-04-08", today) == "Tomorrow"


def test_local_today_follows_the_users_time_zone():
    from datetime import datetime, timezone
    late = datetime(2025, 4, 7, 23, 30, tzinfo=timezone.utc)
    assert local_today("Asia/Tokyo", late) == date(2025, 4, 8)
    assert local_today("Not/AZone", late) == date(2025, 4, 7)


def test_coming_up_says_when_rounds_are_missing(client, full, signed_in):
    full.reply("tracker", "GET", "/rounds/upcoming", {"error": {"code": "x", "message": "x"}}, status=500)
    full.reply("tracker", "GET", "/applications", listing([{**APP, "follow_up_on": date.today().isoformat()}]))
    page = text(client.get("/"))
    assert "Interview rounds may be missing" in page and "Follow up" in page


# ---- 8. History and schemas --------------------------------------------------------------

def test_the_timeline_says_applied_once(client, full, signed_in):
    page = text(client.get("/applications/1"))
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', page, re.S).group(1)
    assert timeline.count("Applied") == 1 and "Interviewing" in timeline


def test_the_timeline_keeps_the_applied_date_when_history_lacks_it(client, full, signed_in):
    full.reply("tracker", "GET", "/applications/1", {**APP, "history": []})
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', text(client.get("/applications/1")), re.S).group(1)
    assert "20 Mar 2025</time> · Applied" in timeline


def test_stage_schema_refuses_rejected_and_feedback_cap_matches_the_tracker():
    with pytest.raises(ValidationError):
        clean(StageIn(), {"stage": "rejected"})
    assert clean(RejectionIn(), {"feedback": "x" * 20_000})["feedback"] == "x" * 20_000
    with pytest.raises(ValidationError):
        clean(RejectionIn(), {"feedback": "x" * 20_001})


def test_an_applications_page_shows_every_idea_about_it(client, full, signed_in):
    many = [{**SUGGESTIONS[1], "id": 30 + n, "title": f"Idea {n}", "application_id": 1} for n in range(5)]
    full.reply("coach", "GET", "/suggestions", listing(many))
    page = text(client.get("/applications/1"))
    assert "Idea 0" in page and "Idea 4" in page and "more waiting" not in page
