"""Which column becomes which field: our guess from the headers, as the person corrected it.

The correction travels as `mapping`, a JSON object {column header: field or null} sent with
the file (null leaves the column out). Columns it does not name keep our guess.
"""
from __future__ import annotations

import json

from services.tracker import csv_formats as fmt
from shared.web import ApiError

FIELDS = tuple(fmt.ALIASES)


def _invalid(problems: dict[str, list[str]]) -> ApiError:
    named = "; ".join(f"{where}: {' '.join(why)}" for where, why in problems.items())
    return ApiError(422, "invalid_mapping", f"We couldn't use that column mapping ({named}).", problems)


def parse(text: str | None) -> dict[str, str | None] | None:
    """The `mapping` form field as a dict, None when absent; 422 when it isn't one."""
    if text is None or not text.strip():
        return None
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict) or not all(isinstance(f, (str, type(None))) for f in value.values()):
        raise _invalid({"mapping": ["Send an object of column header to field name (or null)."]})
    return {column: field or None for column, field in value.items()}


def resolve(headers: list[str], corrected: dict[str, str | None] | None) -> dict[int, str]:
    """Column index -> field: the guess, with the person's corrections laid over it."""
    mapping = fmt.map_headers(headers)
    if not corrected:
        return mapping
    _check(headers, corrected)
    chosen = {field for field in corrected.values() if field}
    for index, header in enumerate(headers):
        if header in corrected:
            mapping.pop(index, None)
            if corrected[header] and headers.index(header) == index:
                mapping[index] = corrected[header]
        elif mapping.get(index) in chosen:
            mapping.pop(index)  # the person gave this field to another column
    return dict(sorted(mapping.items()))


def _check(headers: list[str], corrected: dict[str, str | None]) -> None:
    """422 naming every column the file lacks, every unknown field, every field chosen twice."""
    problems: dict[str, list[str]] = {}
    for column, field in corrected.items():
        if column not in headers:
            problems.setdefault(column, []).append("There is no column with this header in the file.")
        if field and field not in FIELDS:
            problems.setdefault(column, []).append(f"'{field}' is not a field we know.")
    seen: dict[str, str] = {}
    for column, field in corrected.items():
        if field in FIELDS and field in seen:
            problems.setdefault(column, []).append(
                f"'{field}' is already chosen for the column '{seen[field]}'; each field takes one column.")
        elif field:
            seen[field] = column
    if problems:
        raise _invalid(problems)


def described(headers: list[str], mapping: dict[int, str], table: list[list[str]]) -> dict:
    """For the dry run's editor: every column in order, its field, and a value to recognise it by."""
    first = {}  # a header that appears twice is named by its first column, as in `mapping`
    for index, header in enumerate(headers):
        first.setdefault(header, index)
    return {"headers": headers, "fields": list(FIELDS),
            "mapping": {h: mapping.get(i) for h, i in first.items()},
            "samples": {h: _sample(table, i) for h, i in first.items()}}


def _sample(table: list[list[str]], index: int) -> str:
    value = next((cells[index].strip() for cells in table if index < len(cells) and cells[index].strip()), "")
    return value[:60]
