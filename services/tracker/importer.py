"""CSV import: check the file, preview every row, then commit the valid ones at once."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.tracker import csv_formats as fmt, import_mapping
from services.tracker.bulk_events import emit_imported
from services.tracker.commands import PRODUCER
from services.tracker.import_rows import ImportRow, RowSkipped, read_row
from services.tracker.matching import channel_of, company_key, fingerprint, tags_text
from services.tracker.models import Application, Rejection, StageChange
from shared.tables import utcnow
from shared.web import ApiError


@dataclass
class Plan:
    format: str
    columns: dict[str, str]
    ignored_columns: list[str]
    results: list[dict] = field(default_factory=list)
    rows: list[ImportRow] = field(default_factory=list)
    unknown_stages: set[str] = field(default_factory=set)
    editor: dict = field(default_factory=dict)  # every column, its field and a sample value

    def summary(self) -> dict:
        counts = {"rows": len(self.results), "create": 0, "duplicate": 0, "skip": 0}
        for result in self.results:
            counts[result["status"]] += 1
        return counts


def _refuse(code: str, message: str, status: int = 422) -> ApiError:
    return ApiError(status, code, message, {"file": [message]})


def read_csv(data: bytes, max_bytes: int) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of an uploaded file, or a 4xx saying what is wrong with it."""
    if len(data) > max_bytes:
        raise _refuse("too_large", f"That file is too big for us: we take files up to "
                      f"{max_bytes // (1024 * 1024) or 1} MB. Try splitting it, or exporting a shorter "
                      "date range.", 413)
    if not data.strip():
        raise _refuse("empty_file", "The file is empty.")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _refuse("not_csv", "This doesn't look like a CSV file; please export as CSV and try again.")
    try:
        text = data.decode("utf-16") if data.startswith((b"\xff\xfe", b"\xfe\xff")) else data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse("undecodable", "We couldn't read the file's characters; please save it as UTF-8 CSV.") from None
    try:  # only the delimiter: the sniffer's guesses about quoting are less reliable than Excel's rules
        delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    _refuse_nul(text)
    try:
        table, last_start = _rows_of(text, delimiter)
    except csv.Error as exc:
        raise _refuse("not_csv", f"We couldn't read this as CSV ({exc}).") from None
    _refuse_unclosed_quote(text, delimiter, last_start)
    if len(table) < 2:
        raise _refuse("empty_file", "The file has no rows under its header.")
    return table[0], table[1:]


def _refuse_nul(text: str) -> None:
    # Past the first 4 KB a NUL would reach the database (PostgreSQL refuses it): the
    # dry run and the import must refuse the same file the same way.
    at = text.find("\x00")
    if at >= 0:
        line = text.count("\n", 0, at) + 1
        raise _refuse("not_csv", f"We found a NUL character on line {line}, which CSV files don't "
                      "contain. Please export the file as CSV again, or remove it, and try once more.")


def _rows_of(text: str, delimiter: str) -> tuple[list[list[str]], int]:
    """The non-blank rows, and the line the last row started on."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    table, start, last_start = [], 1, 1
    for row in reader:
        last_start, start = start, reader.line_num + 1
        if any(c.strip() for c in row):
            table.append(row)
    return table, last_start


def _refuse_unclosed_quote(text: str, delimiter: str, last_start: int) -> None:
    """A quote never closed swallows the rest of the file into one cell: say where it opened."""
    offset = 0
    for _ in range(last_start - 1):
        offset = text.index("\n", offset) + 1
    try:
        list(csv.reader(io.StringIO(text[offset:]), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        if "unexpected end of data" not in str(exc):
            return  # strict mode's other complaints are quirks Excel tolerates; so do we
        raise _refuse("unclosed_quote", f"The quote (\") opened on line {last_start} is never closed, "
                      "so everything after it would be read as one cell. Please check that line "
                      "and try again.") from None


def plan(session: Session, user_id: str, headers: list[str], table: list[list[str]],
         today: date | None = None, corrected: dict[str, str | None] | None = None) -> Plan:
    """What importing would do, row by row, without writing anything; `corrected` is the
    person's say on which column is which field (see import_mapping)."""
    today = today or date.today()
    mapping = import_mapping.resolve(headers, corrected)
    if not {"company", "role"} <= set(mapping.values()):
        if corrected:
            raise _refuse("no_known_columns", "Please choose which column holds the company and which "
                          "holds the role: we need both to add an application.")
        raise _refuse("no_known_columns", "We couldn't find a company and a role column. We look for "
                      "headers such as Company, Employer, Role, Title or Position.")
    source_format = fmt.detect_format(headers)
    result = Plan(source_format, {headers[i]: name for i, name in mapping.items()},
                  [h for i, h in enumerate(headers) if i not in mapping],
                  editor=import_mapping.described(headers, mapping, table))
    seen = _existing_fingerprints(session, user_id)
    for offset, cells in enumerate(table):
        number = offset + 2  # the header is row 1, as a spreadsheet shows it
        raw = {name: cells[i] if i < len(cells) else "" for i, name in mapping.items()}
        if raw.get("stage", "").strip() and fmt.parse_stage(raw["stage"]) is None:
            result.unknown_stages.add(raw["stage"].strip())
        try:
            row = read_row(number, raw, source_format, today)
        except RowSkipped as exc:
            result.results.append({"row": number, "status": "skip", "reason": str(exc)})
            continue
        entry = {"row": number, "company": row.fields["company"], "role": row.fields["role"],
                 "stage": row.stage, "applied_on": row.fields["applied_on"].isoformat(),
                 "warnings": row.warnings}
        if row.fingerprint in seen:
            where = seen[row.fingerprint]
            reason = "Already in your tracker." if where is None else f"The same as row {where}."
            result.results.append({**entry, "status": "duplicate", "reason": reason})
            continue
        seen[row.fingerprint] = number
        result.rows.append(row)
        result.results.append({**entry, "status": "create"})
    return result


def _existing_fingerprints(session: Session, user_id: str) -> dict[str, None]:
    """Stored fingerprints of imports, and those of the user's other applications."""
    rows = session.execute(select(Application.fingerprint, Application.company, Application.role,
                                  Application.applied_on, Application.url)
                           .where(Application.user_id == user_id)).all()
    seen: dict[str, None] = {}
    for row in rows:
        if row.fingerprint:
            seen[row.fingerprint] = None
        seen[fingerprint(row.company, row.role, row.applied_on, row.url)] = None
    return seen


def commit(session: Session, user_id: str, result: Plan) -> list[int]:
    """Insert every planned row with its history and events, in bulk; return the new ids."""
    if not result.rows:
        return []
    now = utcnow()
    values = [_application_values(user_id, row, now) for row in result.rows]
    keys = set().union(*values)  # one shape for every row keeps the insert a single batch
    values = [{key: value.get(key) for key in keys} for value in values]
    # plain executemany, then ids by fingerprint: RETURNING would make SQLite insert row by row
    session.execute(Application.__table__.insert(), values)
    by_print = dict(session.execute(select(Application.fingerprint, Application.id).where(
        Application.user_id == user_id, Application.fingerprint.is_not(None))).all())
    ids = [by_print[row.fingerprint] for row in result.rows]
    changes, rejections, histories = [], {}, []
    for app_id, row, app in zip(ids, result.rows, values):
        history = [("application.created", {
            "application_id": app_id, "company": app["company"], "role": app["role"],
            "source": app.get("source"), "role_category": app.get("role_category"),
            "applied_on": app["applied_on"].isoformat()})]
        previous = None
        for changed_on, stage in row.history:
            changes.append({"application_id": app_id, "user_id": user_id, "from_stage": previous,
                            "to_stage": stage, "changed_on": changed_on, "created_at": now})
            if previous is not None:
                history.extend((t, d) for t, _, d in _stage_events(user_id, app_id, app, row, previous,
                                                                   stage, changed_on))
            previous = stage
        histories.append(history)
    # History travels in bulk (applications.imported), so it never holds up anyone's live events.
    events = emit_imported(session, user_id, histories, PRODUCER)
    for event in events:
        if event["type"] == "application.rejected":
            data = event["data"]
            rejections[data["application_id"]] = ({"application_id": data["application_id"], "user_id": user_id,
                               "stage_reached": data["stage_reached"], "reason": data["reason"],
                               "feedback": None, "received_on": date.fromisoformat(data["received_on"]),
                               "event_id": event["id"], "created_at": now})
    session.execute(StageChange.__table__.insert(), changes)
    if rejections:
        session.execute(Rejection.__table__.insert(), list(rejections.values()))
    return ids


def _application_values(user_id: str, row: ImportRow, now) -> dict:
    fields = dict(row.fields)
    tags = fields.pop("tags", None)
    return {**fields, "user_id": user_id, "company_key": company_key(fields["company"]),
            "channel": fields.get("channel") or channel_of(fields.get("source")),
            "tags_text": tags_text(tags), "archived": False, "stage": row.stage,
            "stage_since": row.history[-1][0], "fingerprint": row.fingerprint,
            "created_at": now, "updated_at": now}


def _stage_events(user_id, app_id, app, row, previous, stage, changed_on):
    on = changed_on.isoformat()
    if stage == "rejected":
        reached = row.stage_reached()
        yield ("application.rejected", user_id, {
            "application_id": app_id, "company": app["company"], "role": app["role"],
            "source": app.get("source"), "stage_reached": reached, "reason": row.rejection_reason,
            "feedback": None, "received_on": on})
        return
    yield ("application.stage_changed", user_id, {"application_id": app_id, "from_stage": previous,
                                                 "to_stage": stage, "changed_on": on})
    if stage == "offer":
        yield ("application.offer_received", user_id, {"application_id": app_id,
                                                       "company": app["company"], "role": app["role"]})
    if stage == "ghosted":
        yield ("application.ghosted", user_id, {
            "application_id": app_id, "company": app["company"], "role": app["role"],
            "source": app.get("source"), "stage_reached": row.stage_reached(), "ghosted_on": on})
