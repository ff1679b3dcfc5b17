"""The exports in department parts, so that a build recomputes only the parts of departments whose
files changed (the build caches each part, see zwgk.build.outputs).

A part holds a department's own export files and its rows of the whole-catalogue files, already
written as CSV lines and JSON text; `assemble` joins the parts into the very files
`exports.build_exports` writes (tests/test_export_parts.py compares them byte for byte)."""

from __future__ import annotations

import csv
import heapq
import io
import json
from itertools import pairwise
from typing import NamedTuple

from zwgk.site.data import SiteData
from zwgk.site.exports import (
    DEPARTMENT_COLUMNS,
    ENTRY_COLUMNS,
    ITEM_COLUMNS,
    JSON_EXPORT,
    _record,
    build_feeds,
    datapackage,
    department_row,
    entry_row,
    item_row,
    neutralise_formula,
    packed,
    resource,
)

BOM = "\ufeff"


class DepartmentPart(NamedTuple):
    dept_id: str
    files: dict[str, bytes]  # the department's own export files (none since the province files hold them)
    entry_lines: list[tuple[str, str]]  # (索引号, CSV line) of each entry, sorted by 索引号
    item_lines: str  # the CSV lines of its items, by basic code
    department_line: str  # its line of departments.csv
    department_json: str
    item_json: list[str]
    entry_json: list[tuple[str, str]]  # (索引号, JSON text), sorted by 索引号
    resources: list[dict]  # its CSVs in datapackage.json


def _lines(columns: list[tuple[str, str, str]], rows: list[dict]) -> tuple[str, list[str]]:
    """The CSV header and one CSV line per row, as exports.to_csv writes them."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[name for name, _, _ in columns], lineterminator="\r\n")
    writer.writeheader()
    header, lines = buffer.getvalue(), []
    for row in rows:
        start = buffer.tell()
        writer.writerow({key: neutralise_formula(value) for key, value in row.items()})
        lines.append(buffer.getvalue()[start:])
    return header, lines


def _dumps(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def _json_file(departments: list[str], items: list[str], entries: list[str]) -> bytes:
    return (
        '{"departments":[' + ",".join(departments) + '],"items":[' + ",".join(items) + '],"entries":[' + ",".join(entries) + "]}"
    ).encode()


def department_part(site: SiteData, dept_id: str) -> DepartmentPart:
    """A department's part of the exports: a function of its own files, the scheme and the site URL."""
    dept = site.departments[dept_id]
    entries = sorted(site.entries_by_dept.get(dept_id, []), key=lambda e: e.index)
    items = sorted(site.items_by_dept.get(dept_id, []), key=lambda i: i.basic_code)
    _, entry_lines = _lines(ENTRY_COLUMNS, [entry_row(site, e) for e in entries])
    _, item_lines = _lines(ITEM_COLUMNS, [item_row(site, i) for i in items])
    _, (department_line,) = _lines(DEPARTMENT_COLUMNS, [department_row(site, dept)])
    department_json = _dumps(_record(site, dept))
    item_json = [_dumps(_record(site, i)) for i in items]
    entry_json = [_dumps(_record(site, e)) for e in entries]
    files: dict[str, bytes] = {}  # none: a department's own download is its workbook (zwgk.site.xlsx)
    resources: list[dict] = []
    indexes = [e.index for e in entries]
    return DepartmentPart(
        dept_id,
        files,
        list(zip(indexes, entry_lines, strict=True)),
        "".join(item_lines),
        department_line,
        department_json,
        item_json,
        list(zip(indexes, entry_json, strict=True)),
        resources,
    )


def _by_index(lists: list[list[tuple[str, str]]]) -> list[str]:
    """The texts of several lists sorted by 索引号, merged in the order of the whole catalogue. A
    department's 索引号 begin with its own code, so the lists' ranges seldom overlap: then the merge
    is the lists one after the other, by their first 索引号."""
    ranges = sorted((pairs[0][0], pairs[-1][0], number) for number, pairs in enumerate(lists) if pairs)
    if all(before[1] < after[0] for before, after in pairwise(ranges)):
        return [text for _, _, number in ranges for _, text in lists[number]]
    return [text for _, text in heapq.merge(*lists, key=lambda pair: pair[0])]


def assemble(site: SiteData, parts: list[DepartmentPart], extra_resources: tuple[dict, ...] = ()) -> dict[str, bytes]:
    """Every export file from the departments' parts (in department order): the same files as
    exports.build_exports(site, extra_resources)."""
    parts = sorted(parts, key=lambda part: part.dept_id)
    files: dict[str, bytes] = {}
    entry_header, _ = _lines(ENTRY_COLUMNS, [])
    item_header, _ = _lines(ITEM_COLUMNS, [])
    department_header, _ = _lines(DEPARTMENT_COLUMNS, [])
    files["exports/entries.csv"] = (BOM + entry_header + "".join(_by_index([part.entry_lines for part in parts]))).encode()
    files["exports/items.csv"] = (BOM + item_header + "".join(part.item_lines for part in parts)).encode()
    files["exports/departments.csv"] = (BOM + department_header + "".join(part.department_line for part in parts)).encode()
    files[JSON_EXPORT] = packed(
        _json_file(
            [part.department_json for part in parts],
            [text for part in parts for text in part.item_json],
            _by_index([part.entry_json for part in parts]),
        )
    )
    resources = [
        resource("entries", "entries.csv", "政府信息公开目录（全部）", ENTRY_COLUMNS, ["index"]),
        resource("items", "items.csv", "权责清单（全部）", ITEM_COLUMNS, ["implementation_code"]),
        resource("departments", "departments.csv", "部门", DEPARTMENT_COLUMNS, ["department"]),
        *extra_resources,
    ]
    for part in parts:
        files.update(part.files)
        resources += part.resources
    files["exports/datapackage.json"] = datapackage(resources)
    files.update(build_feeds(site))
    return files
