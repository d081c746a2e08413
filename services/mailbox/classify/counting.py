"""Counting the labelled corpus's words into `word_counts.txt`: `make mail-counts`."""
from __future__ import annotations

import sys
from pathlib import Path

from services.mailbox.classify import word_model
from services.mailbox.classify.classifier import CLASSES, normalise
from services.mailbox.classify.evaluate import DEFAULT_CORPUS, MEASURING_SPLIT
from services.mailbox.classify.parse import parse_message


def corpus_model(corpus: Path = DEFAULT_CORPUS) -> word_model.WordModel:
    """The model the labelled corpus gives, its measuring split left out."""
    examples = []
    for line in (corpus / "labels.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        path, label, _language, split = line.split("\t")
        if split != MEASURING_SPLIT:
            mail = parse_message((corpus / path).read_bytes())
            examples.append((normalise(f"{mail.subject}. {mail.text}"), label))
    return word_model.build(examples, list(CLASSES))


if __name__ == "__main__":
    word_model.write(corpus_model(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS))
    print(f"wrote {word_model.COUNTS_FILE}")
