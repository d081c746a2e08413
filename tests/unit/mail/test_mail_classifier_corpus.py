"""The classifier's promises, held on the labelled corpus under tests/fixtures/mail/."""
from __future__ import annotations

import pytest

from services.mailbox.classify.evaluate import precision_recall, run


# The newest fresh set measures how the rules read unseen wording; it is reported by
# `make eval-mail` but kept out of the targets below, which would otherwise invite tuning on it.
# `fresh4` was tuned on in the fifth round; `fresh5`, written blind to the rules, measures now.
MEASURING_SPLIT = "fresh5"


@pytest.fixture(scope="module")
def results():
    return run()


def _subset(results, split):
    if split == "all":
        return [r for r in results if r.split != MEASURING_SPLIT]
    return [r for r in results if r.split == split]


def test_the_corpus_is_big_enough_and_covers_every_class_and_language(results):
    assert len(results) >= 80
    assert {r.expected for r in results} == {
        "rejection", "interview_invitation", "application_received", "offer", "other"}
    assert {r.language for r in results} >= {"en", "de", "fr", "es", "nl"}
    # Never tuned on: the quarter held out when the corpus was written, and the last fresh set.
    never_tuned = [r for r in results if r.split in ("holdout", MEASURING_SPLIT)]
    assert len(never_tuned) >= len(results) // 5


@pytest.mark.parametrize("split", ["tune", "holdout", "all"])
def test_rejections_are_found_and_seldom_imagined(results, split):
    subset = _subset(results, split)
    precision, recall, _ = precision_recall(subset, "rejection")
    assert precision >= 0.95
    assert recall >= 0.90


@pytest.mark.parametrize("split", ["tune", "holdout", "all"])
def test_interview_invitations_are_precise(results, split):
    subset = _subset(results, split)
    precision, _, _ = precision_recall(subset, "interview_invitation")
    assert precision >= 0.90


def test_no_offer_is_ever_read_as_a_rejection(results):
    offers = [r for r in results if r.expected == "offer"]
    assert offers
    assert [r.path for r in offers if r.got == "rejection"] == []
