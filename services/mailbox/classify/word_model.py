"""A second opinion from the words themselves, for mail the phrase rules leave as `other`.

Phrase rules read the wording they were written for; rejections phrased another way fall
through to `other`. This model counts, for each class, how many messages of the labelled
corpus hold each word and each pair of neighbouring words, and weighs a new message's words
against those counts (naive Bayes with add-one smoothing and even class odds). The counts
ship with the package in `word_counts.txt` (one line per word: the word, then its count in
each class), so nothing is downloaded or learned at run time, and a person can read which
words lean which way.

The counts leave out the corpus's measuring split (`evaluate.MEASURING_SPLIT`), so that
split stays a fair measure of unseen mail. Rebuild them after the corpus changes with
`make mail-counts` (`classify/counting.py`; a test checks they are current).
"""
from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

COUNTS_FILE = Path(__file__).with_name("word_counts.txt")
_WORD = re.compile(r"[a-zà-ÿß']+")


def features(text: str) -> set[str]:
    """The words and neighbouring pairs of words of normalised (lower-case) text."""
    words = _WORD.findall(text)
    return set(words) | {f"{a} {b}" for a, b in zip(words, words[1:])}


class WordModel:
    def __init__(self, classes: list[str], counts: dict[str, list[int]]):
        self.classes = classes
        self.counts = counts
        totals = [sum(column) for column in zip(*counts.values())] if counts else [0] * len(classes)
        self._denominators = [total + len(counts) for total in totals]

    def chances(self, text: str) -> dict[str, float]:
        """Each class's share of the evidence, summing to 1."""
        logs = [0.0] * len(self.classes)
        for feature in features(text):
            seen = self.counts.get(feature)
            if seen is None:
                continue
            for i, count in enumerate(seen):
                logs[i] += math.log((count + 1) / self._denominators[i])
        top = max(logs)
        weights = [math.exp(value - top) for value in logs]
        total = sum(weights)
        return {label: weight / total for label, weight in zip(self.classes, weights)}


def build(texts_and_labels: list[tuple[str, str]], classes: list[str]) -> WordModel:
    per_class = {label: Counter() for label in classes}
    for text, label in texts_and_labels:
        per_class[label].update(features(text))
    vocabulary = sorted(set().union(*per_class.values()))
    return WordModel(classes, {f: [per_class[label][f] for label in classes] for f in vocabulary})


def write(model: WordModel, path: Path = COUNTS_FILE) -> None:
    lines = ["\t".join(["#", *model.classes])]
    lines += ["\t".join([feature, *map(str, seen)]) for feature, seen in model.counts.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read(path: Path = COUNTS_FILE) -> WordModel:
    header, *rows = path.read_text(encoding="utf-8").splitlines()
    counts = {}
    for row in rows:
        feature, *seen = row.split("\t")
        counts[feature] = [int(n) for n in seen]
    return WordModel(header.split("\t")[1:], counts)


@lru_cache(maxsize=1)
def shipped() -> WordModel:
    return read()
