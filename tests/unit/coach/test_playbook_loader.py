"""A bad playbook stops start-up with a message naming the file, the rule and the field."""
from __future__ import annotations

import shutil

import pytest

from services.coach.playbook.loader import HERE, PlaybookError, load_playbook


def test_the_shipped_playbook_loads_with_unique_ids():
    playbook = load_playbook()
    assert len(playbook.ids) == len(playbook.rules) > 30


@pytest.mark.parametrize("rule,field", [
    ("{id: r1, trigger: application.nothing, do: [{type: win, kind: offer}]}", "'trigger'"),
    ("{id: r1, trigger: application.rejected, when: {moon_phase: {}}, do: [{type: win, kind: offer}]}", "'when.moon_phase'"),
    ("{id: r1, trigger: application.rejected, when: {rejections_within: {days: seven}}, do: [{type: win, kind: offer}]}",
     "'when.rejections_within.days'"),
    ("{id: r1, trigger: application.rejected, do: [{type: suggestion, kind: x, text: no_such_text}]}", "'do[0].text'"),
    ("{id: r1, trigger: application.rejected, do: []}", "'do'"),
    ("{id: r1, trigger: application.rejected, cooldown_hours: -1, do: [{type: win, kind: offer}]}", "'cooldown_hours'"),
])
def test_a_bad_rule_is_named(tmp_path, rule, field):
    (tmp_path / "broken.yaml").write_text(f"rules:\n  - {rule}\n")
    with pytest.raises(PlaybookError) as info:
        load_playbook(tmp_path)
    assert "broken.yaml" in str(info.value) and "'r1'" in str(info.value) and field in str(info.value)


def test_duplicate_ids_across_files_are_refused(tmp_path):
    shutil.copy(HERE / "rejections.yaml", tmp_path / "a.yaml")
    shutil.copy(HERE / "rejections.yaml", tmp_path / "b.yaml")
    with pytest.raises(PlaybookError, match="b.yaml: rule 'rejection.writing_final': field 'id': used twice"):
        load_playbook(tmp_path)


def test_the_api_refuses_to_start_on_a_bad_playbook(tmp_path, monkeypatch):
    from services.coach import api, speaking
    (tmp_path / "bad.yaml").write_text("rules: [{id: x, trigger: nope, do: [{type: win, kind: offer}]}]\n")
    speaking.playbook.cache_clear()
    monkeypatch.setattr(speaking, "load_playbook", lambda: load_playbook(tmp_path))
    try:
        with pytest.raises(PlaybookError, match="bad.yaml: rule 'x': field 'trigger'"):
            api.create_app()
    finally:
        speaking.playbook.cache_clear()
