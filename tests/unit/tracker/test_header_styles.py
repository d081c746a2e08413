"""Column headers in any style map to the same fields; a Huntr-style export imports with its stages."""
import io

import pytest

from services.tracker.csv_formats import map_headers, normalise_header

HUNTR = ("companyName,title,listName,createdAt,job.location,url\n"
         "Initech,Analyst,Applied,2026-01-05T10:00:00.000Z,Austin,https://example.com/1\n"
         "Globex,Engineer,Interviewing,2026-01-07T10:00:00.000Z,Remote,https://example.com/2\n"
         "Hooli,Designer,Rejected,2026-01-09T10:00:00.000Z,,\n")


@pytest.mark.parametrize("header", ["companyName", "company_name", "Company Name", "COMPANY-NAME",
                                    "company.name", "\ufeffCompany name", "job.companyName"])
def test_every_style_of_header_reads_the_same(header):
    assert map_headers([header]) == {0: "company"}


def test_acronyms_and_dates_split_sensibly():
    assert normalise_header("jobURL") == "job url"
    assert normalise_header("createdAt") == "created at"
    assert map_headers(["jobURL", "createdAt", "listName"]) == {0: "url", 1: "applied_on", 2: "stage"}


def test_a_huntr_style_export_imports_with_its_stages_and_dates(tracker):
    upload = {"file": (io.BytesIO(HUNTR.encode()), "huntr.csv")}
    reply = tracker.post("/applications/import", data=upload, content_type="multipart/form-data")
    assert reply.status_code == 200, reply.json
    assert reply.json["format"] == "huntr" and reply.json["summary"]["create"] == 3
    items = {a["company"]: a for a in tracker.get("/applications?limit=10").json["items"]}
    assert items["Initech"]["applied_on"] == "2026-01-05" and items["Initech"]["location"] == "Austin"
    assert items["Globex"]["stage"] == "interview"
    assert items["Hooli"]["stage"] == "rejected" and items["Hooli"]["rejection"] is not None
