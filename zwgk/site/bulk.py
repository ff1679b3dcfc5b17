"""What a national search engine ingests from a province: an NDJSON file in the Elasticsearch /
OpenSearch `_bulk` layout, and the index mapping it is meant for.

One action per record, in catalogue order: a power item under its implementation code (unique in the
country: it carries the region and the department's USCC), a catalogue entry under its 索引号 (unique
too: it carries the publisher's code). A record in force is an upsert, `{"index": {"_id": ...}}`
followed by its source line; a record that left (an item cancelled or merged, an entry repealed or no
longer in force) is a tombstone, `{"delete": {"_id": ...}}` with no source line, so that the national
index drops what the province's site no longer lists as valid. Ids depend on codes only, never on
file names or order: the same catalogue gives the same file, build after build.

Send it with `curl -H 'Content-Type: application/x-ndjson' --data-binary @bulk.ndjson
https://engine/zwgk/_bulk` after creating the index with bulk-mapping.json; it names no `_index`, so
one file serves whatever index (or alias) a national deployment uses. A delete of an id the index
does not hold is answered with `not_found` for that line, which is harmless.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from zwgk.catalog.codes import implementation_code
from zwgk.site import urls

ITEM_GONE = ("已取消", "已合并")
ENTRY_GONE = ("失效", "废止")

_TEXT = {"type": "text", "analyzer": "ik_max_word", "search_analyzer": "ik_smart"}
_KEYWORD = {"type": "keyword"}
_DATE = {"type": "date", "format": "strict_date"}
_URL = {"type": "keyword", "index": False}

# Every field a source line can carry; `dynamic: strict` makes the engine refuse any other.
FIELDS = {
    "kind": _KEYWORD,  # item | entry
    "code": _KEYWORD,  # the _id: implementation code or 索引号
    "province": _KEYWORD,
    "region": _KEYWORD,
    "region_name": _KEYWORD,
    "dept_id": _KEYWORD,
    "department": {**_TEXT, "fields": {"raw": _KEYWORD}},
    "title": {**_TEXT, "fields": {"raw": _KEYWORD}},
    "basic_code": _KEYWORD,
    "power_type": _KEYWORD,
    "power_type_name": _KEYWORD,
    "status": _KEYWORD,
    "content": _TEXT,
    "updated": _DATE,
    "summary": _TEXT,
    "doc_number": _KEYWORD,
    "topic": _KEYWORD,
    "topic_name": _KEYWORD,
    "genre": _KEYWORD,
    "genre_name": _KEYWORD,
    "mode": _KEYWORD,
    "validity": _KEYWORD,
    "date": _DATE,
    "published": _DATE,
    "keywords": _KEYWORD,
    "url": _URL,  # the record's page on the province's site
    "source_url": _URL,  # the entry's full text on the department's own site
}


def mapping() -> dict:
    """The index settings and mapping: Chinese text analysed by the IK plugin (ik_max_word when
    indexing, ik_smart when searching); codes and filter values as keywords; dates as dates."""
    note = (
        "zwgk bulk index (zwgk/site/bulk.py): items by implementation code, entries by 索引号. Needs the IK "
        "analysis plugin (analysis-ik); without it, install analysis-smartcn and replace ik_max_word and "
        "ik_smart with smartcn."
    )
    return {
        "settings": {"index": {"number_of_shards": 1}},
        "mappings": {"dynamic": "strict", "_meta": {"description": note}, "properties": FIELDS},
    }


def _drop_empty(source: dict) -> dict:
    return {key: value for key, value in source.items() if value not in (None, "", [])}


def _item(site, item) -> tuple[str, dict]:
    dept = site.departments[item.dept_id]
    scheme = site.scheme
    code = implementation_code(item.basic_code, dept.region, dept.uscc)
    return code, _drop_empty(
        {
            "kind": "item",
            "code": code,
            "province": scheme.province,
            "region": dept.region,
            "region_name": scheme.regions.get(dept.region),
            "dept_id": item.dept_id,
            "department": dept.name,
            "title": item.name,
            "basic_code": item.basic_code,
            "power_type": item.type,
            "power_type_name": scheme.power_types.get(item.type),
            "status": item.status,
            "content": item.content,
            "updated": item.updated.isoformat() if item.updated else None,
            "url": site.site_url + urls.item(item.dept_id, item.basic_code),
        }
    )


def _entry(site, entry) -> tuple[str, dict]:
    dept = site.departments.get(entry.dept_id)
    scheme = site.scheme
    region = dept.region if dept else None
    return entry.index, _drop_empty(
        {
            "kind": "entry",
            "code": entry.index,
            "province": scheme.province,
            "region": region,
            "region_name": scheme.regions.get(region) if region else None,
            "dept_id": entry.dept_id,
            "department": dept.name if dept else entry.dept_id,
            "title": entry.title,
            "summary": entry.summary,
            "doc_number": entry.doc_number,
            "topic": entry.topic,
            "topic_name": scheme.topics.get(entry.topic) if entry.topic else None,
            "genre": entry.genre,
            "genre_name": scheme.genres.get(entry.genre) if entry.genre else None,
            "mode": entry.mode,
            "validity": entry.validity,
            "date": entry.date.isoformat(),
            "published": entry.published.isoformat() if entry.published else None,
            "keywords": list(entry.keywords),
            "url": site.site_url + site.entry_url(entry),
            "source_url": entry.url,
        }
    )


def _line(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"


def bulk_lines(site) -> Iterator[str]:
    """The bulk file, line by line: items (by department, basic code), then entries (catalogue order)."""
    for dept_id in sorted(site.items_by_dept):
        for item in site.items_by_dept[dept_id]:
            code, source = _item(site, item)
            if item.status in ITEM_GONE:
                yield _line({"delete": {"_id": code}})
            else:
                yield _line({"index": {"_id": code}})
                yield _line(source)
    for entry in site.entries:
        index, source = _entry(site, entry)
        if entry.validity in ENTRY_GONE:
            yield _line({"delete": {"_id": index}})
        else:
            yield _line({"index": {"_id": index}})
            yield _line(source)
