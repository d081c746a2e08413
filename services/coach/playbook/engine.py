"""Rule evaluation: a pure function of (event, history snapshot, clock) -> actions."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from services.coach.composer import Variant
from services.coach.playbook.conditions import CONDITIONS
from services.coach.playbook.loader import Playbook, Rule
from services.coach.playbook.snapshot import Snapshot, local
from services.coach.texts import DEFAULT_SUPPORT_RESOURCES, phrasings, reflection_phrasings, win_title

DEFAULT_RESOURCES = DEFAULT_SUPPORT_RESOURCES
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Action:
    rule_id: str
    type: str
    params: dict
    facts: dict = field(default_factory=dict)
    title: str = ""
    body: str = ""
    # Every phrasing of what it says, the seeded choice first: the composer takes the first not said lately.
    variants: tuple[Variant, ...] = ()


def evaluate(event: dict, snap: Snapshot, now: datetime, playbook: Playbook,
             resources: str = DEFAULT_RESOURCES) -> list[Action]:
    """Every action the playbook's rules take for this event; nothing is written."""
    actions: list[Action] = []
    for rule in playbook.rules_for(event["type"]):
        if rule.id in snap.disabled or _cooling_down(rule, snap, now):
            continue
        facts = _facts(rule, event, snap, now)
        if facts is None:
            continue
        facts.setdefault("resources", resources)
        facts.setdefault("plan_day", plan_day(now, snap.timezone))
        actions.extend(_render(rule, action, event, snap, facts) for action in rule.do)
    return [a for a in actions if a is not None]


def _cooling_down(rule: Rule, snap: Snapshot, now: datetime) -> bool:
    last = snap.last_fired.get(rule.id)
    return bool(rule.cooldown_hours and last and now - last < timedelta(hours=rule.cooldown_hours))


def _facts(rule: Rule, event: dict, snap: Snapshot, now: datetime) -> dict | None:
    data = event.get("data", {})
    # Most events name the company and role: the history is asked only when they don't.
    app = None if data.get("company") and data.get("role") else snap.app(data.get("application_id"))
    facts = {"company": data.get("company") or (app.company if app else ""),
             "role": data.get("role") or (app.role if app else "")}
    facts.update({k: v for k, v in data.items() if isinstance(v, (str, int)) and k not in facts})
    for name, params in rule.when.items():
        function = CONDITIONS[name][0]
        found = function(event, snap, now, **(params if isinstance(params, dict) else {}))
        if found is None:
            return None
        facts.update(found)
    return facts


def _render(rule: Rule, action: dict, event: dict, snap: Snapshot, facts: dict) -> Action | None:
    params = {k: v for k, v in action.items() if k != "type"}
    kind = action["type"]
    facts = dict(facts)
    if kind == "goal_proposal":
        targets = _target(action["target"], snap.current_target())
        if targets is None:
            return None
        facts.update(targets)
    seed = f"{snap.user_id}:{event['id']}"
    if kind == "win":
        title = win_title(action["kind"], facts)
        return Action(rule.id, kind, params, facts, title=title, variants=(Variant(f"win:{title}", "", title),))
    if kind == "reflection" and "text" not in action:
        data = event.get("data", {})
        reflection_kind, options = reflection_phrasings(data.get("stage_reached"), data.get("reason"), facts,
                                                        f"{seed}:reflection")
        variants = tuple(Variant(*option) for option in options)
        return Action(rule.id, kind, {**params, "kind": reflection_kind}, facts, variants[0].title,
                      variants[0].body, variants)
    if "text" in action:
        variants = tuple(Variant(*option) for option in phrasings(action["text"], f"{seed}:{action['text']}", facts))
        if kind == "reflection":
            params = {**params, "kind": action["text"]}
        return Action(rule.id, kind, params, facts, variants[0].title, variants[0].body, variants)
    return Action(rule.id, kind, params, facts)


def plan_day(now: datetime, tz: str) -> str:
    """The day an if-then plan names: tomorrow, or Monday when tomorrow is the weekend."""
    tomorrow = local(now, tz).weekday() + 1
    return WEEKDAYS[tomorrow] if tomorrow < 5 else "Monday"


def _target(how: str, current: int | None) -> dict | None:
    """The proposed weekly target, from the current one."""
    if how == "learning":
        return {"target": 3, "previous": current or 0}
    if not current:
        return None
    step = max(1, current // 4)
    new = {"lighter": max(1, current // 2), "lower": max(1, current - step), "higher": current + step}[how]
    return None if new == current else {"target": new, "previous": current}
