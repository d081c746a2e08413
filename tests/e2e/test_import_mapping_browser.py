"""The import's mapping editor in a real Chromium: correct a column, watch the dry run follow, import."""
from __future__ import annotations

import re

import pytest

from tests.e2e.harness import make_stack
from tests.e2e.pages import check_page, needs_chromium, sign_up

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

CSV = b"Employer,Position,Pipeline,When\nInitech,Analyst,Interviewing,2026-01-05\nGlobex,Engineer,Offer,2026-01-07\n"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    needs_chromium()
    stack = make_stack(tmp_path_factory.mktemp("import-mapping"))
    stack.start()
    yield stack
    stack.stop()


def test_correcting_a_column_reruns_the_dry_run_and_the_import_follows_it(page, stack):
    sign_up(page, stack, "casey@example.com", "Casey")
    page.goto("/import")
    page.get_by_label("CSV file").set_input_files({"name": "jobs.csv", "mimeType": "text/csv", "buffer": CSV})
    page.get_by_role("button", name="Preview").click()
    rows = page.locator("table.preview tbody tr")
    expect(rows.first).to_contain_text("Applied")
    page.get_by_text("Which column is which").click()
    stage = page.get_by_role("combobox", name="Pipeline")
    expect(stage).to_have_value("")
    stage.focus()  # as a person choosing with the keyboard would have it
    stage.select_option("stage")
    expect(rows.first).to_contain_text("Interviewing")  # the dry run ran again, in place
    expect(page.get_by_role("combobox", name="Pipeline")).to_be_focused()
    page.get_by_role("combobox", name="When").select_option("applied_on")
    expect(page.get_by_role("combobox", name="When")).to_have_value("applied_on")
    check_page(page, "import-mapping-desktop")
    page.get_by_role("button", name=re.compile("Import 2 applications")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("applications")
    page.goto("/applications?view=table")
    expect(page.locator("main")).to_contain_text("Initech")
    expect(page.locator("main")).to_contain_text("Offer")
    assert page.console_errors == [], page.console_errors
