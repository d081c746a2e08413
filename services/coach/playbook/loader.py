"""Reading the playbook's YAML files into checked rules; a bad file stops start-up.

A rule:
    id: rejection.self_care          # unique across every file
    trigger: application.rejected    # an event type the coach consumes, or week.closed
    when: {rejections_within: {days: 7, at_least: 3}}   # every condition must hold
    cooldown_hours: 72               # optional; at most once in this many hours
    do: [{type: suggestion, kind: self_care, text: self_care}]
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from services.coach.playbook.conditions import CONDITIONS
from services.coach.texts import VOICE, WINS
from shared.topology import SUBSCRIPTIONS

HERE = Path(__file__).resolve().parent
# The scheduler's own moments run through the same rules as events: week.review, week.closed.
TRIGGERS = set(SUBSCRIPTIONS["coach"]) | {"week.closed", "week.review"}
URGENCIES = ("low", "normal", "high")
# action type -> (required fields, optional fields)
ACTIONS: dict[str, tuple[set, set]] = {
    "reflection": (set(), {"urgency", "text", "private"}),
    "suggestion": ({"kind", "text"}, {"urgency"}),
    "win": ({"kind"}, {"key", "urgency"}),
    "goal_proposal": ({"target", "text"}, {"kind"}),
    "nudge": ({"reason", "intensity"}, {"share_details"}),
    "feedback_request": ({"text"}, {"remind_after_days"}),
    "insight": ({"kind", "text"}, {"urgency"}),
    "withdraw": (set(), set()),
}
RULE_FIELDS = {"id", "trigger", "when", "do", "cooldown_hours", "description"}


class PlaybookError(ValueError):
    """A playbook file that cannot be used; the message names file, rule and field."""


@dataclass(frozen=True)
class Rule:
    id: str
    on: str
    when: dict = field(default_factory=dict)
    do: tuple = ()
    cooldown_hours: int = 0
    description: str = ""


@dataclass(frozen=True)
class Playbook:
    rules: tuple[Rule, ...]

    def rules_for(self, event_type: str) -> list[Rule]:
        return [r for r in self.rules if r.on == event_type]

    @property
    def ids(self) -> set[str]:
        return {r.id for r in self.rules}


def load_playbook(directory: Path = HERE) -> Playbook:
    rules: list[Rule] = []
    for path in sorted(Path(directory).glob("*.yaml")):
        rules.extend(load_file(path, {r.id for r in rules}))
    if not rules:
        raise PlaybookError(f"{directory}: no rules found")
    return Playbook(tuple(rules))


def load_file(path: Path, seen: set[str]) -> list[Rule]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PlaybookError(f"{path.name}: not valid YAML: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("rules"), list):
        raise PlaybookError(f"{path.name}: field 'rules': must be a list of rules")
    rules = []
    for index, raw in enumerate(doc["rules"]):
        rule = _rule(path.name, index, raw)
        if rule.id in seen:
            raise PlaybookError(f"{path.name}: rule {rule.id!r}: field 'id': used twice")
        seen.add(rule.id)
        rules.append(rule)
    return rules


def _rule(file: str, index: int, raw) -> Rule:
    name = raw.get("id") if isinstance(raw, dict) else None
    where = f"{file}: rule {name or '#' + str(index + 1)!r}"

    def fail(field_name: str, message: str):
        raise PlaybookError(f"{where}: field {field_name!r}: {message}")

    if not isinstance(raw, dict):
        fail("rule", "must be a mapping")
    for key in set(raw) - RULE_FIELDS:
        fail(key, "unknown field")
    if not isinstance(name, str) or not name:
        fail("id", "required text")
    if raw.get("trigger") not in TRIGGERS:
        fail("trigger", f"must be one of {sorted(TRIGGERS)}")
    cooldown = raw.get("cooldown_hours", 0)
    if not isinstance(cooldown, int) or isinstance(cooldown, bool) or cooldown < 0:
        fail("cooldown_hours", "must be a whole number of hours, 0 or more")
    when = raw.get("when") or {}
    if not isinstance(when, dict):
        fail("when", "must be a mapping of conditions")
    for cond, params in when.items():
        _check_condition(cond, params, fail)
    actions = raw.get("do")
    if not isinstance(actions, list) or not actions:
        fail("do", "must be a non-empty list of actions")
    for i, action in enumerate(actions):
        _check_action(action, f"do[{i}]", fail)
    return Rule(name, raw["trigger"], dict(when), tuple(actions), cooldown, raw.get("description", ""))


def _check_condition(cond: str, params, fail) -> None:
    if cond not in CONDITIONS:
        fail(f"when.{cond}", f"unknown condition; known: {sorted(CONDITIONS)}")
    _fn, types, required = CONDITIONS[cond]
    params = {} if params is None or params is True else params
    if not isinstance(params, dict):
        fail(f"when.{cond}", "parameters must be a mapping")
    for key in required - set(params):
        fail(f"when.{cond}.{key}", "required")
    for key, value in params.items():
        expected = types.get(key)
        if expected is None:
            fail(f"when.{cond}.{key}", "unknown parameter")
        ok = isinstance(value, (int, float)) if expected is float else isinstance(value, expected)
        if not ok or (expected is int and isinstance(value, bool)):
            fail(f"when.{cond}.{key}", f"must be {expected.__name__}")


def _check_action(action, where: str, fail) -> None:
    if not isinstance(action, dict) or action.get("type") not in ACTIONS:
        fail(f"{where}.type", f"must be one of {sorted(ACTIONS)}")
    required, optional = ACTIONS[action["type"]]
    for key in required - set(action):
        fail(f"{where}.{key}", "required")
    for key in set(action) - required - optional - {"type"}:
        fail(f"{where}.{key}", "unknown field")
    if "text" in action and action["text"] not in VOICE:
        fail(f"{where}.text", "no such text in services/coach/texts.py")
    if action["type"] == "win" and action["kind"] not in WINS:
        fail(f"{where}.kind", "no such win")
    if action.get("urgency", "normal") not in URGENCIES:
        fail(f"{where}.urgency", f"must be one of {URGENCIES}")
    if action["type"] == "goal_proposal" and action["target"] not in ("lighter", "lower", "higher", "learning"):
        fail(f"{where}.target", "must be lighter, lower, higher or learning")
