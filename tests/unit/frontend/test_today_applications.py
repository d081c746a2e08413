"""Today's applications panel: the newest few from the tracker, the counts from its /stats/stages."""
from __future__ import annotations

import html
import re

from frontend import panels


def application(id, stage, company="Acme"):
    return {"id": id, "company": company, "role": "Engineer", "stage": stage, "rejection": None, "history": []}


def counts_of(page) -> dict:
    text = html.unescape(page.get_data(as_text=True))
    return {label: int(n) for n, label in re.findall(r'<span class="count">(\d+)</span> ([^<]+)</li>', text)}


def test_today_asks_for_the_newest_few_and_counts_everything_from_stage_counts(client, services, signed_in):
    services.reply("tracker", "GET", "/applications", {"items": [
        application(1, "applied"), application(2, "interview", "Initech")], "next_cursor": "more"})
    services.reply("tracker", "GET", "/stats/stages", {"total": 1500, "by_stage": {
        "applied": 1200, "interview": 280, "rejected": 20}})
    page = client.get("/")
    assert page.status_code == 200
    assert counts_of(page) == {"Applied": 1200, "Interviewing": 280, "Not this time": 20}
    [listing] = [c for c in services.calls_to("tracker", "GET")
                 if c.path == "/applications" and "follow_up_from" not in c.args]  # not the follow-ups
    assert listing.args.get("limit") == str(panels.TODAY_APPLICATIONS)
    assert 'href="/applications"' in page.get_data(as_text=True)


def test_today_without_stage_counts_counts_what_it_lists(client, services, signed_in):
    services.reply("tracker", "GET", "/applications", {"items": [
        application(1, "applied"), application(2, "applied", "Globex")], "next_cursor": None})
    page = client.get("/")  # /stats/stages answers 404 here
    assert counts_of(page) == {"Applied": 2}
    assert "See all 2 on the board" in page.get_data(as_text=True)  # fewer than a page: that is all of them


def test_today_without_stage_counts_and_a_full_page_does_not_guess_the_total(client, services, signed_in):
    services.reply("tracker", "GET", "/applications", {"items": [
        application(n, "applied") for n in range(1, panels.TODAY_APPLICATIONS + 1)], "next_cursor": "more"})
    page = client.get("/").get_data(as_text=True)  # /stats/stages answers 404 here
    assert "See them all on the board" in page and "See all 20" not in page


def test_the_board_still_asks_for_a_whole_page(client, services, signed_in):
    services.reply("tracker", "GET", "/applications", {"items": [], "next_cursor": None})
    client.get("/applications")
    asked = [c for c in services.calls_to("tracker", "GET") if c.path == "/applications"]
    assert asked and all(c.args.get("limit") == str(panels.APPLICATION_PAGE) for c in asked)
    assert not [c for c in services.calls_to("tracker", "GET") if c.path.startswith("/stats")]
