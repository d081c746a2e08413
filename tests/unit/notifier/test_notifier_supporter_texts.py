"""What a supporter reads: support offered on the person's terms, nothing that weighs on them."""
import re

import pytest

from services.notifier import supporter_messages as texts

# What turns support into pressure (social undermining): questions about the search,
# advice, comparisons, blame.
PRESSURE = re.compile(r"\bwhy\b|\bshould\b|have you (tried|applied)|any news|how is the search|\bjust\b",
                      re.IGNORECASE)


@pytest.mark.parametrize("reason", [None, "Three rejections this week"])
def test_a_nudge_offers_company_and_asks_nothing_of_the_person(reason):
    text = texts.nudge("Sam", "Alex", reason)
    assert "walk" in text.body and "coffee" in text.body and "call" in text.body
    assert "don't need to explain" in text.body
    assert not PRESSURE.search(text.body.replace(reason or "", "")) and not PRESSURE.search(text.subject)


def test_the_other_supporter_texts_carry_no_pressure_either():
    for text in (texts.invitation("Sam", "Alex"), texts.good_news("Sam", "Alex", "Acme", "Analyst")):
        assert not PRESSURE.search(text.body) and not PRESSURE.search(text.subject)
