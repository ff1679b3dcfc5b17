"""The first pass's record chunks, `codes/records/<docnum // RECORDS_PER_CHUNK>.json`: what a chunk
holds of each record, and how a reader puts the record back together (`full_record` here, for
`zwgk search` and the tests; `fullRecord` in zwgk-search.js, for the browser).

A chunk holds a record as zwgk.site.search_data makes it, less what its reader can restore:
- the department's short name, full name and level, when they are those of a department in
  `codes/search.json`'s `departments` ([code, name, short name, level, USCC, URL]): the record holds
  the department's code as `dept` in their place;
- `kind` when it is `entry` (100,000 of 106,000 records at province scale);
- `status` when it is 有效, and `withdrawn` when it is false;
- `codes` when they are the record's code followed by its 文号 (if any), as an entry's are;
- an item's `group` when it is its basic code;
- the URL, when it is the one the department's code and the record's code give (urls.item, and for
  an entry its 索引号's period and serial as urls.entry has them; `rows_per_page` in the settings).
At province scale (106,000 records) this took the chunks from 60.7 to 39.5 MiB (and the default
`kind` to 38.2)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from zwgk.site import urls

RECORD_DIR = "codes/records"
RECORDS_PER_CHUNK = 8
SETTINGS_FILE = "codes/search.json"

ACTIVE = "有效"
DEFAULT_KIND = "entry"

# An 索引号's period (YYYY or YYYYMM) and serial, at its end.
_PERIOD_SERIAL = re.compile(r"/(\d{4}(?:\d{2})?)-(\d+)$")

# Kept out of a chunk: the record's own bookkeeping (zwgk.site.title_index `numbered`).
_INTERNAL = ("lead", "dept")


def departments_table(site) -> list[list[str]]:
    """`codes/search.json`'s departments: [code, name, short name, level, USCC, URL] each (the browser
    also makes department records of these)."""
    return [[d.dept_id, d.name, d.short_name, d.level, d.uscc, urls.department(d.dept_id)] for d in site.departments.values()]


def named_departments(departments: list[list[str]]) -> dict[str, tuple[str, str, str]]:
    """Department code -> (short name, full name, level), as records name them, from the table."""
    return {row[0]: (row[2], row[1], row[3]) for row in departments}


def _implied_codes(record: dict) -> list[str]:
    return [record["code"]] + ([record["doc_number"]] if record.get("doc_number") else [])


def _implied_url(record: dict, dept_id: str) -> str | None:
    if record.get("kind") == "item":
        return urls.item(dept_id, record["code"])
    found = _PERIOD_SERIAL.search(record.get("code", "")) if record.get("kind") == "entry" else None
    if not found:
        return None
    serial = int(found.group(2))
    return f"{urls.catalogue_page(dept_id, found.group(1), urls.chunk_of(serial))}#{serial:05d}"


def chunk_record(record: dict, named: dict[str, tuple[str, str, str]]) -> dict:
    """The record as a chunk holds it; `named` is `named_departments(departments_table(site))`."""
    known = named.get(record.get("dept", ""))
    shared = known is not None and known == (record.get("department"), record.get("department_name"), record.get("level"))
    chunk = {}
    for key, value in record.items():
        if key in _INTERNAL:
            continue
        if shared and key in ("department", "department_name", "level"):
            if key == "department":
                chunk["dept"] = record["dept"]
            continue
        if (key == "withdrawn" and value is False) or (key == "status" and value == ACTIVE) or (key == "group" and value == record["code"]):
            continue
        if key == "kind" and value == DEFAULT_KIND:
            continue
        if key == "codes" and value == _implied_codes(record):
            continue
        if key == "url" and shared and value == _implied_url(record, record["dept"]):
            continue
        chunk[key] = value
    return chunk


def full_record(chunk: dict, named: dict[str, tuple[str, str, str]]) -> dict:
    """The record a chunk holds, with what `chunk_record` left out put back."""
    record = dict(chunk)
    record.setdefault("kind", DEFAULT_KIND)
    dept = record.pop("dept", None)
    if dept is not None:
        record["department"], record["department_name"], record["level"] = named[dept]
        if "url" not in record:
            record["url"] = _implied_url(record, dept)
    record.setdefault("status", ACTIVE)
    record.setdefault("withdrawn", False)
    record.setdefault("codes", _implied_codes(record))
    if record.get("kind") == "item":
        record.setdefault("group", record["code"])
    return record


def record_of(site_dir: Path, docnum: int) -> dict:
    """The record of a document number, read from the built site's chunk."""
    return resolved(site_dir, [docnum])[0]


def resolved(site_dir: Path, values: list) -> list[dict]:
    """A code lookup's list (codes/<n>.json, codes/prefix/): document numbers read from the record
    chunks, other records (departments, catalogue pages) as they are; zwgk-search.js `resolved` does
    the same."""
    if not any(isinstance(value, int) for value in values):
        return list(values)
    named = named_departments(json.loads((site_dir / SETTINGS_FILE).read_text(encoding="utf-8"))["departments"])
    chunks: dict[int, list] = {}
    out = []
    for value in values:
        if not isinstance(value, int):
            out.append(value)
            continue
        number = value // RECORDS_PER_CHUNK
        if number not in chunks:
            chunks[number] = json.loads((site_dir / RECORD_DIR / f"{number}.json").read_text(encoding="utf-8"))
        out.append(full_record(chunks[number][value % RECORDS_PER_CHUNK], named))
    return out
