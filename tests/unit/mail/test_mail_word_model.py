"""The word model: its arithmetic, that the shipped counts are the corpus's, and how the classifier asks it."""
from __future__ import annotations

import math

import pytest

from services.mailbox.classify import classifier, word_model
from services.mailbox.classify.parse import parse_message


def _mail(subject: str, body: str, *, bulk: bool = False) -> bytes:
    extra = "List-Unsubscribe: <mailto:leave@news.example>\r\n" if bulk else ""
    return (f"From: Robin Vale <robin@halden.example>\r\nTo: me@mailbox.example\r\nSubject: {subject}\r\n{extra}"
            f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n").encode()


def test_chances_weigh_known_words_and_ignore_unknown_ones():
    model = word_model.build([("we regret", "no"), ("we regret it", "no"), ("welcome aboard", "yes")], ["no", "yes"])
    chances = model.chances("we regret")
    assert math.isclose(sum(chances.values()), 1.0)
    assert chances["no"] > 0.5 > chances["yes"]
    assert model.chances("words nobody wrote") == {"no": 0.5, "yes": 0.5}


def test_the_shipped_counts_are_the_corpus_without_its_measuring_split(tmp_path):
    """Rebuild with `make mail-counts` when this fails."""
    from services.mailbox.classify.counting import corpus_model
    built = corpus_model()
    assert word_model.shipped().counts == built.counts
    word_model.write(built, tmp_path / "counts.txt")
    assert word_model.read(tmp_path / "counts.txt").counts == built.counts


@pytest.fixture
def certain(monkeypatch):
    """A word model that is sure every mail is a rejection, to see when the classifier asks it."""
    class Sure:
        def chances(self, text):
            return {"rejection": 0.995, "interview_invitation": 0.001, "application_received": 0.001,
                    "offer": 0.002, "other": 0.001}
    monkeypatch.setattr(word_model, "shipped", lambda: Sure())


def test_a_mail_the_rules_leave_alone_gets_the_words_class_at_a_modest_confidence(certain):
    verdict = classifier.classify(parse_message(_mail("Quick word", "Hi, a short note about the role.")))
    assert verdict.label == "rejection" and verdict.confidence == classifier.SECOND_OPINION_CONFIDENCE


def test_no_second_opinion_for_newsletters_or_mail_about_something_else(certain):
    newsletter = classifier.classify(parse_message(_mail("Weekly roles", "Ten new roles near you.", bulk=True)))
    flat = classifier.classify(parse_message(_mail(
        "Your viewing", "Thank you for viewing the flat. Unfortunately the landlord chose another tenant.")))
    assert (newsletter.label, flat.label) == ("other", "other")


def test_the_words_never_turn_an_offer_phrase_into_a_rejection(certain):
    verdict = classifier.classify(parse_message(_mail("Next steps", "Your salary would be 52,000 per annum.")))
    assert verdict.label != "rejection"


def test_without_the_word_model_a_rejection_in_new_wording_is_missed():
    """The case the second opinion is for: a rejection in words no rule holds, read from the corpus's counts."""
    raw = _mail("About the analyst opening",
                "Hi Sam, thanks for talking with us last week. The team has picked a person whose "
                "background lines up more with the day-to-day work, so we will close your file here. "
                "All the best with the search.")
    verdict = classifier.classify(parse_message(raw))
    assert verdict.label == "rejection", verdict.scores
