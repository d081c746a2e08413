"""`rebound mail classify`: one tab-separated line per message, for files, folders and mbox."""
from __future__ import annotations

from pathlib import Path

from rebound.cli import main

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "mail"


def test_classify_a_file_prints_path_class_confidence_company_role(capsys):
    path = CORPUS / "en" / "01-update-on-your-backend-engineer-applicat.eml"
    assert main(["mail", "classify", str(path)]) == 0
    fields = capsys.readouterr().out.rstrip("\n").split("\t")
    assert fields[0] == str(path)
    assert fields[1] == "rejection"
    assert 0 < float(fields[2]) <= 1
    assert fields[3:] == ["Northwind", "Backend Engineer"]


def test_classify_a_folder_and_an_mbox(tmp_path, capsys):
    messages = sorted((CORPUS / "de").glob("*.eml"))[:3]
    mbox = tmp_path / "archive.mbox"
    with mbox.open("wb") as out:
        for message in messages:
            out.write(b"From sender@example.invalid Mon Nov  3 09:00:00 2026\n")
            out.write(message.read_bytes().replace(b"\nFrom ", b"\n>From ") + b"\n")
    assert main(["mail", "classify", str(CORPUS / "nl"), str(mbox)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(list((CORPUS / "nl").glob("*.eml"))) + 3
    assert [line.split("\t")[0] for line in lines[-3:]] == [f"{mbox}#1", f"{mbox}#2", f"{mbox}#3"]
    assert lines[-3].split("\t")[1] == "rejection"


def test_a_missing_path_is_a_clear_error(capsys):
    assert main(["mail", "classify", "/nonexistent/mail.eml"]) == 2
    assert "no such file or folder" in capsys.readouterr().err
