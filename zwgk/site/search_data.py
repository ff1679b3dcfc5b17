"""The records that both searches show and rank (zwgk.search.ranking reads `codes`, `aliases`,
`keywords`, `withdrawn`, `date`): written into the pages for Pagefind, into the code shards, and
stored in the Whoosh index, so that every search shows the same things about a record."""

from __future__ import annotations

from collections import Counter

from zwgk.catalog.codes import implementation_code
from zwgk.site import urls


def item_record(site, item) -> dict:
    """What a result shows of an item, and what the ranking reads (zwgk.search.ranking.Record)."""
    dept = site.departments[item.dept_id]
    record = {
        "kind": "item",
        "code": item.basic_code,
        "title": item.name,
        "department": dept.short_name,
        "department_name": dept.name,
        "url": urls.item(item.dept_id, item.basic_code),
        "status": item.status,
        "withdrawn": not item.is_active,
        "date": item.updated.isoformat() if item.updated else "",
        "type": site.scheme.power_types.get(item.type, item.type),
        "level": dept.level,
        "group": item.basic_code,
        "codes": [item.basic_code, implementation_code(item.basic_code, dept.region, dept.uscc)],
    }
    if item.aliases:
        record["aliases"] = list(item.aliases)
    if item.content:
        record["excerpt"] = item.content
    return record


def entry_record(site, entry) -> dict:
    dept = site.departments.get(entry.dept_id)
    record = {
        "kind": "entry",
        "code": entry.index,
        "title": entry.title,
        "department": site.department_name(entry.dept_id),
        "department_name": dept.name if dept else entry.dept_id,
        "url": site.entry_url(entry),
        "status": entry.validity,
        "withdrawn": entry.validity != "有效",
        "date": entry.date.isoformat(),
        "level": dept.level if dept else "",
        "codes": [entry.index] + ([entry.doc_number] if entry.doc_number else []),
    }
    if entry.doc_number:
        record["doc_number"] = entry.doc_number
    if entry.keywords:
        record["keywords"] = list(entry.keywords)
    if entry.summary:
        record["excerpt"] = entry.summary
    return record


def department_record(site, dept) -> dict:
    return {
        "kind": "department",
        "code": dept.dept_id,
        "title": dept.name,
        "department": dept.short_name,
        "department_name": dept.name,
        "url": urls.department(dept.dept_id),
        "status": "",
        "withdrawn": False,
        "date": "",
        "level": dept.level,
        "aliases": [dept.short_name],
        "codes": [dept.uscc],
    }


def shared_index_prefix(indexes: dict[str, str]) -> str:
    """The 索引号 before the serial that most of a catalogue page's entries share ({serial: 索引号},
    the serial as the page's anchors write it): stated once in the page's search data, each entry's
    索引号 being that prefix + its serial (about 30 bytes an entry, 3 MiB at province scale). "" when
    no 索引号 ends with its serial."""
    prefixes = Counter(index[: -len(serial)] for serial, index in indexes.items() if index.endswith(serial) and len(index) > len(serial))
    return prefixes.most_common(1)[0][0] if prefixes else ""
