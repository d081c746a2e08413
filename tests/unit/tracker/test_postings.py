"""Reading a job posting into an application's fields: JSON-LD first, then meta tags, then the text."""
from __future__ import annotations

from pathlib import Path

import pytest

from services.tracker import postings
from services.tracker.posting_text import salary_in

FIXTURES = Path(__file__).parents[2] / "fixtures" / "postings"


def _page(name: str, url: str | None = None) -> dict:
    return postings.read_page((FIXTURES / name).read_text(), url)


def test_a_job_posting_in_json_ld_gives_company_role_place_and_pay():
    read = _page("json_ld.html", "https://fernhill.example/jobs/1")
    fields = read["fields"]
    assert read["read_from"] == "json_ld"
    assert fields["role"] == "Senior Gardener"
    assert fields["company"] == "Fernhill Botanical Trust"
    assert fields["location"] == "Leeds, West Yorkshire, GB"
    assert (fields["salary_min"], fields["salary_max"], fields["salary_currency"], fields["salary_period"]) == (
        28000, 32500, "GBP", "year")
    assert fields["notes"] == "Look after our rose garden & the greenhouse.\n\nPruning\n\nPlanting"
    assert fields["url"] == "https://fernhill.example/jobs/1"


def test_a_job_posting_inside_a_graph_is_found():
    fields = _page("graph.html")["fields"]
    assert fields["role"] == "Harbour Pilot"
    assert fields["company"] == "Port of Quayside"
    assert fields["work_mode"] == "remote" and fields["location"] == "Remote"
    assert (fields["salary_min"], fields["salary_max"], fields["salary_currency"], fields["salary_period"]) == (
        46, 46, "EUR", "hour")
    assert fields["notes"] == "Guide ships safely into port."


def test_a_page_with_only_meta_tags():
    read = _page("meta_only.html")
    assert read["read_from"] == "meta_tags"
    assert read["fields"] == {"role": "Pastry Chef", "company": "Little Crumb Bakery",
                              "notes": "Bake the morning bread and the afternoon cakes, five days a week."}


def test_malformed_json_ld_is_skipped_and_the_meta_tags_still_count():
    read = _page("malformed.html")
    assert read["read_from"] == "meta_tags"
    assert read["fields"]["role"] == "Librarian"
    assert read["fields"]["company"] == "Northgate Library"


def test_plain_pasted_text_with_labels():
    text = """Data Analyst at Brightwater Energy

    Location: Bristol (hybrid)
    Salary: £42,000 - £48,000 per year

    You'll turn meter readings into stories."""
    read = postings.read_pasted(text)
    fields = read["fields"]
    assert read["read_from"] == "text"
    assert fields["role"] == "Data Analyst" and fields["company"] == "Brightwater Energy"
    assert fields["location"] == "Bristol (hybrid)" and fields["work_mode"] == "hybrid"
    assert (fields["salary_min"], fields["salary_max"], fields["salary_currency"], fields["salary_period"]) == (
        42000, 48000, "GBP", "year")
    assert fields["notes"].startswith("Data Analyst at Brightwater Energy\n\nLocation: Bristol")


def test_plain_text_keeps_what_it_cannot_place_as_notes():
    fields = postings.read_pasted("We are hiring!\nSome words about the team.")["fields"]
    assert fields == {"role": "We are hiring!", "notes": "We are hiring!\nSome words about the team."}


def test_pasted_page_source_is_read_as_a_page():
    read = postings.read_pasted((FIXTURES / "json_ld.html").read_text())
    assert read["read_from"] == "json_ld" and read["fields"]["company"] == "Fernhill Botanical Trust"


@pytest.mark.parametrize("text, expected", [
    ("$120k-150k a year", {"salary_min": 120000, "salary_max": 150000, "salary_currency": "USD",
                           "salary_period": "year"}),
    ("50-60k EUR", {"salary_min": 50000, "salary_max": 60000, "salary_currency": "EUR"}),
    ("€ 3.500 per month", {"salary_min": 3500, "salary_max": 3500, "salary_currency": "EUR",
                           "salary_period": "month"}),
    ("5-10 years of experience", {}),
])
def test_salaries_in_text(text, expected):
    assert salary_in(text) == expected


def test_overlong_values_are_cut_to_what_the_tracker_stores():
    page = ('<script type="application/ld+json">{"@type": "JobPosting", "title": "%s", '
            '"hiringOrganization": {"name": "Acme"}}</script>' % ("R" * 500))
    fields = postings.read_page(page)["fields"]
    assert len(fields["role"]) == 200 and fields["company"] == "Acme"
