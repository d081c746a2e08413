"""The hard cases one by one, and what the classifier tells besides the class."""
from __future__ import annotations

from email.message import EmailMessage

import pytest

from services.mailbox.classify import classify_bytes
from services.mailbox.classify.classifier import EXCERPT_LIMIT


def mail(subject: str, body: str, sender: str = '"Contoso Hiring Team" <no-reply@greenhouse.io>',
         html: bool = False) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "me@example.invalid"
    message["Subject"] = subject
    message["Date"] = "Tue, 03 Nov 2026 09:12:00 +0000"
    message.set_content(body, subtype="html" if html else "plain")
    return bytes(message)


def test_a_plain_rejection_names_company_role_date_and_the_deciding_sentence():
    verdict = classify_bytes(mail(
        "Your application", "Hi Sam,\n\nThank you for applying for the Data Analyst role at Contoso. "
        "After careful consideration, we have decided to move forward with other candidates.\n\nBest"))
    assert verdict.label == "rejection"
    assert verdict.confidence >= 0.5
    assert verdict.company == "Contoso"
    assert verdict.role == "Data Analyst"
    assert str(verdict.received_on) == "2026-11-03"
    assert "move forward with other candidates" in verdict.excerpt


def test_a_friend_quoting_a_rejection_is_not_a_rejection():
    body = ("So sorry you didn't get it, their loss.\n\nOn Mon, 3 Nov 2026, Sam wrote:\n"
            "> We have decided to move forward with other candidates.\n")
    verdict = classify_bytes(mail("Re: bad news", body, sender='"Alex" <alex@example.invalid>'))
    assert verdict.label == "other"
    assert verdict.company is None


def test_an_offer_that_regrets_something_is_still_an_offer():
    verdict = classify_bytes(mail("Offer", "We are delighted to offer you the position. Unfortunately we "
                                  "regret to inform you that we could not match the salary you asked for."))
    assert verdict.label == "offer"


def test_a_rescheduled_interview_is_an_invitation():
    verdict = classify_bytes(mail("Change of plan", "Unfortunately we need to reschedule your interview. "
                                  "Are you available on Friday?"))
    assert verdict.label == "interview_invitation"


def test_html_only_mail_is_read_as_text_without_its_styles():
    verdict = classify_bytes(mail(
        "Update", "<html><head><style>.x{color:red}</style></head><body><p>Dear Sam,</p>"
        "<p>We regret to inform you that you have not been selected for the role.</p></body></html>",
        html=True))
    assert verdict.label == "rejection"
    assert "color" not in verdict.excerpt


def test_the_excerpt_is_never_longer_than_the_limit():
    long_sentence = "We have decided to move forward with other candidates " + "and " * 200 + "thanks."
    verdict = classify_bytes(mail("Update", long_sentence))
    assert len(verdict.excerpt) <= EXCERPT_LIMIT


def test_a_job_alert_that_says_unfortunately_is_other():
    verdict = classify_bytes(mail("New jobs for you", "Unfortunately some saved jobs expired. Here are "
                                  "10 new jobs that match your job alert.", sender="<alerts@jobs.invalid>"))
    assert verdict.label == "other"


@pytest.mark.parametrize("subject, body", [
    ("Update", "Thank you for interviewing with us. Unfortunately we have decided to hire someone else."),
    ("Your application", "Thank you for applying. Your application has not been taken forward to the next stage."),
    ("Rückmeldung", "Vielen Dank für Ihre Bewerbung. Leider sind Sie nicht in die nächste Runde gekommen."),
    ("Votre candidature", "Merci pour votre candidature. Malheureusement, nous avons retenu un autre profil."),
    ("Tu candidatura", "Gracias por tu interés en el puesto. Lamentablemente hemos elegido a otro candidato."),
    ("Sollicitatie", "Bedankt voor je sollicitatie. Helaas ben je niet door naar de volgende ronde."),
])
def test_the_rejection_families_are_heard_in_every_language(subject, body):
    assert classify_bytes(mail(subject, body)).label == "rejection"


def test_thanks_then_however_in_a_mail_about_no_job_is_no_rejection():
    verdict = classify_bytes(mail("Event cancelled", "Thanks for registering. Unfortunately we are sorry "
                                  "to tell you the concert at 8pm is cancelled.",
                                  sender='"Hall" <tickets@example.invalid>'))
    assert verdict.label == "other"


def test_salary_start_date_and_contract_together_make_an_offer_despite_a_limitation():
    verdict = classify_bytes(mail("Good news", "Hi Sam, the team would be glad to have you. Salary 50,000, "
                                  "start date 1 March, contract attached. Unfortunately we cannot offer "
                                  "a fully remote setup."))
    assert verdict.label == "offer"
