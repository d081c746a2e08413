"""Starting an application from a posting: the tracker reads it, the add form comes back filled in."""
from __future__ import annotations

import html

READ = {"fields": {"company": "Fernhill Botanical Trust", "role": "Senior Gardener", "location": "Leeds",
                   "salary_min": 28000, "salary_max": 32500, "salary_currency": "GBP", "salary_period": "year",
                   "url": "https://fernhill.example/jobs/1"}, "read_from": "json_ld"}


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_a_posting_link_fills_the_add_form(client, services, signed_in):
    services.reply("tracker", "POST", "/postings/read", READ)
    reply = client.post("/applications/new/posting", data={"posting_url": "https://fernhill.example/jobs/1",
                                                           "csrf_token": signed_in.csrf()},
                        headers={"HX-Request": "true"})
    body = text(reply)
    assert reply.status_code == 200
    assert services.calls_to("tracker", "POST")[-1].json == {"url": "https://fernhill.example/jobs/1"}
    assert 'value="Fernhill Botanical Trust"' in body and 'value="Senior Gardener"' in body
    assert 'value="32500"' in body and '<option value="year" selected>' in body
    assert 'id="new-application"' in body and "<html" not in body
    assert "We filled in what the posting says" in body


def test_a_page_we_cannot_read_says_so_and_keeps_the_link(client, services, signed_in):
    message = "We couldn't read that page. You can paste the posting's text instead."
    services.reply("tracker", "POST", "/postings/read",
                   {"error": {"code": "posting_unreadable", "message": message, "fields": {"url": [message]}}},
                   status=422)
    reply = client.post("/applications/new/posting", data={"posting_url": "https://gone.example/job",
                                                           "csrf_token": signed_in.csrf()})
    body = text(reply)
    assert reply.status_code == 422 and message in body
    assert 'value="https://gone.example/job"' in body


def test_pasted_text_is_sent_as_text(client, services, signed_in):
    services.reply("tracker", "POST", "/postings/read", {"fields": {"role": "Baker"}, "read_from": "text"})
    client.post("/applications/new/posting", data={"posting_text": "Baker\nFresh bread daily",
                                                   "csrf_token": signed_in.csrf()})
    assert services.calls_to("tracker", "POST")[-1].json == {"text": "Baker\nFresh bread daily"}


def test_the_bookmarklet_address_opens_the_add_page_filled_in(client, services, signed_in):
    services.reply("tracker", "POST", "/postings/read", READ)
    reply = client.get("/applications/new?posting_url=https%3A%2F%2Ffernhill.example%2Fjobs%2F1")
    assert reply.status_code == 200 and 'value="Fernhill Botanical Trust"' in text(reply)
    assert services.calls_to("tracker", "POST")[-1].json == {"url": "https://fernhill.example/jobs/1"}


def test_settings_offers_the_bookmarklet(client, services, signed_in):
    body = text(client.get("/settings"))
    assert 'href="javascript:void(location.href="http://localhost/applications/new?posting_url="' \
           '+encodeURIComponent(location.href))"' in body
