"""Matching a mail to the person's applications: sender, ATS formats, role words, dates."""
from __future__ import annotations

from datetime import date
from email.message import EmailMessage

from services.mailbox.classify import classify, parse_message
from services.mailbox.matching import already_known, best_match, score
from services.mailbox.models import KnownApplication


def app(application_id, company, role, applied_on=date(2026, 10, 1), rejected_on=None):
    return KnownApplication(user_id="u", application_id=application_id, company=company, role=role,
                            applied_on=applied_on, rejected_on=rejected_on)


def mail(sender, subject, body, sent="Tue, 03 Nov 2026 09:00:00 +0000"):
    message = EmailMessage()
    message["From"], message["Subject"], message["Date"] = sender, subject, sent
    message.set_content(body)
    parsed = parse_message(bytes(message))
    return parsed, classify(parsed)


NO = "After careful consideration, we have decided to move forward with other candidates."


def test_workday_sender_local_part_names_the_company():
    parsed, verdict = mail("wingtip@myworkday.com", "Regarding your application", NO)
    found = best_match([app(1, "Northwind", "Analyst"), app(2, "Wingtip Toys Ltd", "Analyst"),
                        app(3, "Wingtip", "Analyst")], parsed, verdict)
    assert found.application_id == 3


def test_role_words_choose_between_two_applications_to_one_company():
    parsed, verdict = mail('"Contoso Hiring Team" <no-reply@greenhouse.io>', "Your application",
                           f"Thank you for applying for the Data Engineer role. {NO}")
    found = best_match([app(1, "Contoso", "Data Analyst"), app(2, "Contoso", "Data Engineer")], parsed, verdict)
    assert found.application_id == 2


def test_the_company_domain_and_name_in_the_text_match():
    parsed, verdict = mail("jobs@fabrikam.example", "Update", f"Thanks for your interest in Fabrikam. {NO}")
    assert best_match([app(5, "Fabrikam, Inc.", "Designer")], parsed, verdict).application_id == 5


def test_mail_from_before_the_application_counts_less_but_a_clear_sender_still_matches():
    parsed, verdict = mail('"Contoso" <jobs@contoso.example>', "Your application", NO,
                           sent="Mon, 01 Sep 2026 09:00:00 +0000")
    early = app(1, "Contoso", "Analyst", applied_on=date(2026, 10, 1))
    assert best_match([early], parsed, verdict).application_id == 1
    later_mail, later_verdict = mail('"Contoso" <jobs@contoso.example>', "Your application", NO)
    assert score(early, parsed, verdict) < score(early, later_mail, later_verdict)


def test_news_already_recorded_is_recognised():
    rejected = app(1, "Contoso", "Analyst", rejected_on=date(2026, 10, 20))
    interviewing = app(2, "Contoso", "Analyst")
    interviewing.stage = "interview"
    assert already_known(rejected, "rejection") and already_known(interviewing, "interview_invitation")
    assert not already_known(interviewing, "rejection") and not already_known(interviewing, "offer")


def test_an_unknown_company_is_no_match():
    parsed, verdict = mail('"Litware" <hr@litware.example>', "Your application", NO)
    assert best_match([app(1, "Contoso", "Analyst")], parsed, verdict) is None
