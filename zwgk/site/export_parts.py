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
from collections import defaultdict
from itertools import pairwise
from typing import NamedTuple

from zwgk.site.data import SiteData
from zwgk.site.exports import (
    DEPARTMENT_COLUMNS,
    ENTRY_COLUMNS,
    FEED_SIZE,
    ITEM_COLUMNS,
    JSON_EXPORT,
    _recency,
    _record,
    atom,
    build_feeds,
    datapackage,
    department_feed,
    department_row,
    entry_row,
    item_row,
    neutralise_formula,
    packed,
    resource,
    topic_feed,
)

BOM = "\ufeff"


class DepartmentPart(NamedTuple):
    dept_id: str
    files: dict[str, bytes]  # the department's own files: its feed (its download is its workbook, zwgk.site.xlsx)
    entry_lines: list[tuple[str, str]]  # (索引号, CSV line) of each entry, sorted by 索引号
    item_lines: str  # the CSV lines of its items, by basic code
    department_line: str  # its line of departments.csv
    department_json: str
    item_json: list[str]
    entry_json: list[tuple[str, str]]  # (索引号, JSON text), sorted by 索引号
    resources: list[dict]  # its CSVs in datapackage.json
    packed_items: bytes  # "," and its items' JSON, a gzip member of its own (`_packed_json`)
    packed_entries: bytes  # "," and its entries' JSON
    newest: list[str]  # the 索引号 of its FEED_SIZE newest entries (exports.atom's order)
    newest_by_topic: dict[str, list[str]]  # and of each topic's


def _lines(columns: list[tuple[str, str, str]], rows: list[dict]) -> tuple[str, list[str]]:
    """The CSV header and one CSV line per row, as exports.to_csv writes them."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[name for name, _, _ in columns], lineterminator="\r\n")
    writer.writeheader()
    header, lines = buffer.getvalue(), []
    for row in rows:
        buffer.seek(0)
        buffer.truncate()  # one line in the buffer at a time (reading back all of it per row was quadratic)
        writer.writerow({key: neutralise_formula(value) for key, value in row.items()})
        lines.append(buffer.getvalue())
    return header, lines


def _dumps(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


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
    files: dict[str, bytes] = {}
    if site.entries_by_dept.get(dept_id):  # its feed, as exports.build_feeds writes it
        files.update(department_feed(site, dept_id, site.entries_by_dept[dept_id]))
    by_topic = defaultdict(list)
    for entry in entries:
        if entry.topic:
            by_topic[entry.topic].append(entry)
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
        packed(("," + ",".join(item_json)).encode()) if item_json else b"",
        packed(("," + ",".join(entry_json)).encode()) if entry_json else b"",
        _newest(entries),
        {topic: _newest(found) for topic, found in by_topic.items()},
    )


def _newest(entries) -> list[str]:
    return [entry.index for entry in heapq.nlargest(FEED_SIZE, entries, key=_recency)]


def _feeds(site: SiteData, parts: list[DepartmentPart]) -> dict[str, bytes]:
    """exports.build_feeds from the parts: their departments' feeds, and the whole catalogue's and
    the topics' from the parts' newest entries (the newest of all are among the newest of each)."""
    by_id = {part.dept_id: part for part in parts}
    if any(dept_id not in by_id for dept_id in site.entries_by_dept):
        return build_feeds(site)
    named: dict[str, object] = {}
    for part in parts:
        if part.newest:
            wanted = set(part.newest).union(*part.newest_by_topic.values())
            named |= {entry.index: entry for entry in site.entries_by_dept[part.dept_id] if entry.index in wanted}
    newest = [named[index] for part in parts for index in part.newest]
    feeds = {"feeds/all.xml": atom(site, "urn:zwgk:feed:all", "政府信息公开目录：最新条目", "feeds/all.xml", newest)}
    for dept_id in site.entries_by_dept:
        feeds |= {path: feed for path, feed in by_id[dept_id].files.items() if path.startswith("feeds/")}
    by_topic = defaultdict(list)
    for part in parts:
        for topic, indexes in part.newest_by_topic.items():
            by_topic[topic] += [named[index] for index in indexes]
    for code, entries in by_topic.items():
        feeds[f"feeds/topics/{code}.xml"] = topic_feed(site, code, entries)
    return feeds


def _in_turn(lists: list[list[tuple[str, str]]]) -> list[int] | None:
    """The order in which several lists sorted by 索引号 follow one another in the order of the whole
    catalogue, when their ranges do not overlap (a department's 索引号 begin with its own code, so
    they seldom do); else None."""
    ranges = sorted((pairs[0][0], pairs[-1][0], number) for number, pairs in enumerate(lists) if pairs)
    return [number for _, _, number in ranges] if all(before[1] < after[0] for before, after in pairwise(ranges)) else None


def _by_index(lists: list[list[tuple[str, str]]]) -> list[str]:
    """The texts of several lists sorted by 索引号, merged in the order of the whole catalogue: the
    lists one after the other when their ranges do not overlap."""
    turn = _in_turn(lists)
    if turn is not None:
        return [text for number in turn for _, text in lists[number]]
    return [text for _, text in heapq.merge(*lists, key=lambda pair: pair[0])]


def _members(texts: list[list[str]], packed_parts: list[bytes]) -> list[bytes]:
    """Gzip members of the parts' JSON texts joined by commas: the parts' own packed members (each
    begins with a comma), but the first part's, packed here without its comma."""
    members, first = [], True
    for own, member in zip(texts, packed_parts, strict=True):
        if own:
            members.append(packed(",".join(own).encode()) if first else member)
            first = False
    return members


def _packed_json(parts: list[DepartmentPart]) -> bytes:
    """exports/catalogue.json.gz as gzip members, one per department's items and one per
    department's entries (gzip readers read the members as one stream: the same JSON as
    exports.build_exports packs in one member), so that a changed department compresses its own
    members only. Entries whose 索引号 ranges overlap across departments are packed in one member."""
    head = '{"departments":[' + ",".join(part.department_json for part in parts) + '],"items":['
    members = [packed(head.encode())]
    members += _members([part.item_json for part in parts], [part.packed_items for part in parts])
    members.append(packed(b'],"entries":['))
    turn = _in_turn([part.entry_json for part in parts])
    if turn is None:
        members.append(packed(",".join(_by_index([part.entry_json for part in parts])).encode()))
    else:
        members += _members([[text for _, text in parts[n].entry_json] for n in turn], [parts[n].packed_entries for n in turn])
    members.append(packed(b"]}"))
    return b"".join(members)


def assemble(site: SiteData, parts: list[DepartmentPart], extra_resources: tuple[dict, ...] = ()) -> dict[str, bytes]:
    """Every export file from the departments' parts (in department order): the same files as
    exports.build_exports(site, extra_resources) (catalogue.json.gz: the same JSON, in members)."""
    parts = sorted(parts, key=lambda part: part.dept_id)
    files: dict[str, bytes] = {}
    entry_header, _ = _lines(ENTRY_COLUMNS, [])
    item_header, _ = _lines(ITEM_COLUMNS, [])
    department_header, _ = _lines(DEPARTMENT_COLUMNS, [])
    files["exports/entries.csv"] = (BOM + entry_header + "".join(_by_index([part.entry_lines for part in parts]))).encode()
    files["exports/items.csv"] = (BOM + item_header + "".join(part.item_lines for part in parts)).encode()
    files["exports/departments.csv"] = (BOM + department_header + "".join(part.department_line for part in parts)).encode()
    files[JSON_EXPORT] = _packed_json(parts)
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
    files.update(_feeds(site, parts))
    return files
