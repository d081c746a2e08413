"""The printable log speaks in words: no internal codes for where an application came from."""


def test_the_log_names_channels_in_words(tracker):
    tracker.create(company="Coded", source="company_site", applied_on="2026-01-05")
    tracker.create(company="Typed", source="Berlin meetup", applied_on="2026-01-06")
    tracker.create(company="Linked", source="linkedin", applied_on="2026-01-07")
    log = tracker.get("/applications/log.html").get_data(as_text=True)
    assert "The company&#39;s site" in log and "Berlin meetup" in log and "LinkedIn" in log
    assert "company_site" not in log and ">linkedin<" not in log
