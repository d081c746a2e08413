"""One CSV row to one application: its fields, history, and what we had to leave out."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from services.tracker import csv_formats as fmt
from services.tracker.stage_history import furthest_of
from services.tracker.matching import CHANNELS, fingerprint
from services.tracker.schemas import SALARY_PERIODS, WORK_MODES
from shared.events import REJECTION_REASONS

FORMAT_SOURCES = {"linkedin": "LinkedIn"}
_LIMITS = {"company": 200, "role": 200, "source": 100, "location": 200, "role_category": 100,
           "resume_version": 100, "cover_letter_version": 100, "url": 2000, "notes": 20000}


class RowSkipped(ValueError):
    """This row can't become an application; the message says why."""


@dataclass
class ImportRow:
    number: int
    fields: dict
    history: list[tuple[date, str]]
    fingerprint: str
    rejection_reason: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def stage(self) -> str:
        return self.history[-1][1]

    def stage_reached(self) -> str:
        return furthest_of(stage for _, stage in self.history)


def read_row(number: int, raw: dict[str, str], source_format: str, today: date) -> ImportRow:
    """Turn mapped raw strings into an ImportRow, or raise RowSkipped with the reason."""
    text = {k: _unguard((v or "").strip()) for k, v in raw.items()}
    warnings: list[str] = []
    fields = {name: text[name] or None for name in _LIMITS if name in text}
    for name in ("company", "role"):
        if not fields.get(name):
            raise RowSkipped(f"The {name} is missing.")
    for name, limit in _LIMITS.items():
        if fields.get(name) and len(fields[name]) > limit:
            raise RowSkipped(f"The {name.replace('_', ' ')} is longer than {limit} characters.")
    if fields.get("url") and not fields["url"].lower().startswith(("http://", "https://")):
        warnings.append(f"We left out the link '{fields.pop('url')[:60]}': it isn't a web address.")
    raw_applied = _date(text.get("applied_on", ""), "applied date") or _lenient_date(
        text, "created_on", "date it was added", warnings)
    if raw_applied and raw_applied > today + timedelta(days=1):
        raise RowSkipped("The applied date is in the future.")
    applied_on = raw_applied or today
    if raw_applied is None:
        warnings.append("There was no applied date, so we used today.")
    fields["applied_on"] = applied_on
    fields["source"] = fields.get("source") or FORMAT_SOURCES.get(source_format)
    _optional_fields(fields, text, warnings)
    stage_on = _lenient_date(text, "stage_on", "stage's date", warnings)
    # a stage can't have been reached before the application, nor after today
    stage_on = min(max(stage_on, applied_on), today) if stage_on else applied_on
    history = _history(text, applied_on, stage_on, warnings)
    reason = text.get("rejection_reason") or None
    return ImportRow(number, fields, history,
                     fingerprint(fields["company"], fields["role"], raw_applied, fields.get("url")),
                     reason if reason in REJECTION_REASONS else None, warnings)


def _unguard(value: str) -> str:
    """Undo the quote our export puts before cells a spreadsheet would run as formulas."""
    return value[1:] if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@") else value


def _date(value: str, label: str) -> date | None:
    try:
        return fmt.parse_date(value)
    except ValueError:
        raise RowSkipped(f"We couldn't read the {label} '{value[:40]}'.") from None


def _lenient_date(text: dict, name: str, label: str, warnings: list[str]) -> date | None:
    """A date the row can do without: unreadable, it is left out with a warning."""
    try:
        return fmt.parse_date(text.get(name, ""))
    except ValueError:
        warnings.append(f"We couldn't read the {label} '{text[name][:40]}'.")
        return None


def _optional_fields(fields: dict, text: dict, warnings: list[str]) -> None:
    """Fields a row may lack or get wrong without losing the row: dropped with a warning."""
    def keep(name: str, value, ok: bool, what: str):
        if value in (None, ""):
            return
        if ok:
            fields[name] = value
        else:
            warnings.append(f"We left out the {what} '{str(value)[:40]}'.")

    if text.get("salary"):
        try:
            fields.update(fmt.parse_salary(text["salary"]))
        except ValueError:
            warnings.append(f"We couldn't read the salary '{text['salary'][:40]}'.")
    for name in ("salary_min", "salary_max", "excitement"):
        if text.get(name):
            try:
                value = fmt.parse_money(text[name])
            except ValueError:
                value = None
            ok = value is not None and (1 <= value <= 5 if name == "excitement" else value >= 0)
            keep(name, value if ok else text[name], ok, name.replace("_", " "))
    if text.get("follow_up_on"):
        try:
            fields["follow_up_on"] = fmt.parse_date(text["follow_up_on"])
        except ValueError:
            warnings.append(f"We couldn't read the follow-up date '{text['follow_up_on'][:40]}'.")
    mode = (text.get("work_mode") or "").lower().replace("on-site", "onsite").replace("on site", "onsite")
    keep("work_mode", mode, mode in WORK_MODES, "work mode")
    keep("salary_currency", (text.get("salary_currency") or "").upper(),
         len(text.get("salary_currency") or "") == 3, "currency")
    keep("salary_period", (text.get("salary_period") or "").lower(),
         (text.get("salary_period") or "").lower() in SALARY_PERIODS, "salary period")
    keep("channel", text.get("channel"), text.get("channel") in CHANNELS, "channel")
    if text.get("tags"):
        fields["tags"] = [t.strip()[:50] for t in text["tags"].replace(";", ",").split(",") if t.strip()][:20]
    low, high = fields.get("salary_min"), fields.get("salary_max")
    if low is not None and high is not None and low > high:
        fields["salary_min"], fields["salary_max"] = high, low


def _history(text: dict, applied_on: date, stage_on: date, warnings: list[str]) -> list[tuple[date, str]]:
    if text.get("history"):
        try:
            entries = fmt.parse_history(text["history"])
            if entries:
                return entries
        except ValueError:
            warnings.append("We couldn't read the stage history, so we kept only the current stage.")
    stage = fmt.parse_stage(text.get("stage", ""))
    if stage is None:
        warnings.append(f"We don't know the stage '{text['stage'][:40]}', so it came in as applied.")
        stage = "applied"
    if stage == "saved":
        return [(applied_on, "saved")]
    return [(applied_on, "applied")] + ([(stage_on, stage)] if stage != "applied" else [])
