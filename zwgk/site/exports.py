"""Open data exports: JSON and CSV (UTF-8 with BOM, which Excel needs to read Chinese), a Frictionless
`datapackage.json` describing the CSVs, and Atom feeds of new catalogue entries. Pure functions that
return {path: bytes}; the build writes them into the site."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import heapq
import io
import json
from collections import defaultdict
from xml.sax.saxutils import escape as _escape
from xml.sax.saxutils import quoteattr as _quoteattr

from zwgk.catalog.codes import implementation_code
from zwgk.catalog.text import xml_safe
from zwgk.site import urls
from zwgk.site.data import SiteData

FEED_SIZE = 50

# (column, title, Frictionless type)
ENTRY_COLUMNS = [
    ("index", "索引号", "string"),
    ("title", "信息名称", "string"),
    ("summary", "内容概述", "string"),
    ("date", "生成日期", "date"),
    ("published", "发布日期", "date"),
    ("doc_number", "文号", "string"),
    ("topic", "主题分类代码", "string"),
    ("topic_name", "主题分类", "string"),
    ("genre", "体裁分类代码", "string"),
    ("genre_name", "体裁分类", "string"),
    ("mode", "公开方式", "string"),
    ("validity", "有效性", "string"),
    ("department", "部门", "string"),
    ("publisher", "发布机构", "string"),
    ("url", "全文链接", "string"),
    ("keywords", "关键词（以；分隔）", "string"),
    ("permalink", "目录页面", "string"),
]
ITEM_COLUMNS = [
    ("basic_code", "基本编码", "string"),
    ("implementation_code", "实施编码", "string"),
    ("name", "事项名称", "string"),
    ("type", "权力类型代码", "string"),
    ("type_name", "权力类型", "string"),
    ("department", "部门", "string"),
    ("department_name", "部门名称", "string"),
    ("status", "状态", "string"),
    ("statutory_days", "法定期限（工作日）", "integer"),
    ("promised_days", "承诺期限（工作日）", "integer"),
    ("charged", "是否收费", "boolean"),
    ("updated", "最近复核日期", "date"),
    ("permalink", "事项页面", "string"),
]
DEPARTMENT_COLUMNS = [
    ("department", "部门文件夹", "string"),
    ("name", "部门全称", "string"),
    ("short_name", "部门简称", "string"),
    ("uscc", "统一社会信用代码", "string"),
    ("region", "行政区划代码", "string"),
    ("level", "层级", "string"),
    ("sector", "行业代码", "string"),
    ("office_phone", "政府信息公开工作机构电话", "string"),
    ("items", "权力事项数", "integer"),
    ("entries", "目录条目数", "integer"),
    ("page", "部门页面", "string"),
]


def absolute_url(site: SiteData, url: str) -> str:
    return (site.site_url.rstrip("/") + "/" + url) if site.site_url else url


def entry_row(site: SiteData, entry) -> dict:
    scheme = site.scheme
    return {
        "index": entry.index,
        "title": entry.title,
        "summary": entry.summary or "",
        "date": entry.date.isoformat(),
        "published": entry.published.isoformat() if entry.published else "",
        "doc_number": entry.doc_number or "",
        "topic": entry.topic or "",
        "topic_name": scheme.topics.get(entry.topic or "", ""),
        "genre": entry.genre or "",
        "genre_name": scheme.genres.get(entry.genre or "", ""),
        "mode": entry.mode or "",
        "validity": entry.validity,
        "department": entry.dept_id,
        "publisher": entry.publisher_id,
        "url": entry.url or "",
        "keywords": "；".join(entry.keywords),
        "permalink": absolute_url(site, site.entry_url(entry)),
    }


def item_row(site: SiteData, item) -> dict:
    dept = site.departments[item.dept_id]
    limit = item.time_limit
    return {
        "basic_code": item.basic_code,
        "implementation_code": implementation_code(item.basic_code, dept.region, dept.uscc),
        "name": item.name,
        "type": item.type,
        "type_name": site.scheme.power_types.get(item.type, ""),
        "department": item.dept_id,
        "department_name": dept.name,
        "status": item.status,
        "statutory_days": limit.statutory if limit else "",
        "promised_days": limit.promised if limit else "",
        "charged": ("true" if item.fees.charged else "false") if item.fees else "",
        "updated": item.updated.isoformat() if item.updated else "",
        "permalink": absolute_url(site, urls.item(item.dept_id, item.basic_code)),
    }


def department_row(site: SiteData, dept) -> dict:
    return {
        "department": dept.dept_id,
        "name": dept.name,
        "short_name": dept.short_name,
        "uscc": dept.uscc,
        "region": dept.region,
        "level": dept.level,
        "sector": dept.sector,
        "office_phone": dept.disclosure_office.phone,
        "items": len(site.items_by_dept.get(dept.dept_id, [])),
        "entries": len(site.entries_by_dept.get(dept.dept_id, [])),
        "page": absolute_url(site, urls.department(dept.dept_id)),
    }


# A spreadsheet reads a cell starting with one of these as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: object) -> object:
    """A text cell as a spreadsheet will show it, never run it: a leading apostrophe before a
    formula start. Numbers stay numbers (a negative number is not a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(columns: list[tuple[str, str, str]], rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[name for name, _, _ in columns], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({key: neutralise_formula(value) for key, value in row.items()} for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def resource(name: str, path: str, title: str, columns: list[tuple[str, str, str]], key: list[str] | None) -> dict:
    schema: dict = {"fields": [{"name": n, "title": t, "type": kind} for n, t, kind in columns], "missingValues": [""]}
    if key:
        schema["primaryKey"] = key
    return {
        "name": name,
        "path": path,
        "title": title,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8-sig",
        "schema": schema,
    }


def datapackage(resources: list[dict]) -> bytes:
    """exports/datapackage.json: the Frictionless description of every CSV."""
    package = {
        "profile": "tabular-data-package",
        "name": "zwgk-catalogue",
        "title": "权责清单与政府信息公开目录",
        "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0"}],
        "resources": resources,
    }
    return json.dumps(package, ensure_ascii=False, indent=2).encode()


def build_exports(site: SiteData, extra_resources: tuple[dict, ...] = ()) -> dict[str, bytes]:
    """Every export file, by its path in the site: a pure function of the catalogue (no build time
    in it), so that it can be cached. The CSV and JSON files hold the whole province once (a column
    names each record's department); a department's own download is its workbook (zwgk.site.xlsx). `extra_resources` describe CSV files that other
    parts of the build write (the scores), for datapackage.json."""
    files: dict[str, bytes] = {}
    entries = sorted(site.entries, key=lambda e: e.index)
    items = sorted(site.items, key=lambda i: (i.dept_id, i.basic_code))
    departments = [site.departments[d] for d in sorted(site.departments)]
    entry_rows = {id(e): entry_row(site, e) for e in entries}
    item_rows = {id(i): item_row(site, i) for i in items}
    records = {id(r): _record(site, r) for r in [*departments, *items, *entries]}
    files["exports/entries.csv"] = to_csv(ENTRY_COLUMNS, list(entry_rows.values()))
    files["exports/items.csv"] = to_csv(ITEM_COLUMNS, list(item_rows.values()))
    files["exports/departments.csv"] = to_csv(DEPARTMENT_COLUMNS, [department_row(site, d) for d in departments])
    files[JSON_EXPORT] = packed(_json(records, departments, items, entries))
    resources = [
        resource("entries", "entries.csv", "政府信息公开目录（全部）", ENTRY_COLUMNS, ["index"]),
        resource("items", "items.csv", "权责清单（全部）", ITEM_COLUMNS, ["implementation_code"]),
        resource("departments", "departments.csv", "部门", DEPARTMENT_COLUMNS, ["department"]),
        *extra_resources,
    ]
    files["exports/datapackage.json"] = datapackage(resources)
    files.update(build_feeds(site))
    return files


def _record(site: SiteData, model) -> dict:
    """A record as exported JSON: all its fields, its department and (items, entries) its page."""
    # Only the model's fields: an unknown key is reported by the check and never published.
    data = {**model.model_dump(mode="json", exclude_none=True, include=set(type(model).model_fields)), "department": model.dept_id}
    if model.kind == "item":
        data["permalink"] = absolute_url(site, urls.item(model.dept_id, model.basic_code))
    elif model.kind == "entry":
        data["permalink"] = absolute_url(site, site.entry_url(model))
    return data


# The whole catalogue as JSON (every field of every record: what the CSVs cannot hold, the items' flows,
# bases and responsibilities), gzip-compressed: 80 MB of JSON at province scale is 6 MB packed, and the
# people who read JSON read gzip too (`gunzip`, `pandas.read_json(path)`, `json.load(gzip.open(path))`).
JSON_EXPORT = "exports/catalogue.json.gz"


def packed(data: bytes) -> bytes:
    """gzip without a timestamp (the same catalogue gives the same bytes); the fastest level, since
    every build writes it (a third of the time of the default level, for a file a third larger)."""
    return gzip.compress(data, compresslevel=1, mtime=0)


def _json(records: dict[int, dict], departments, items, entries) -> bytes:
    payload = {
        "departments": [records[id(d)] for d in departments],
        "items": [records[id(i)] for i in items],
        "entries": [records[id(e)] for e in entries],
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


# ---- Atom ----------------------------------------------------------------------------------------


def escape(value: str) -> str:
    """XML text. Characters XML cannot carry at all (NUL, most C0 controls, U+FFFE, U+FFFF) are
    dropped, whatever the input: the check refuses them, and a feed must never be invalid XML."""
    return _escape(xml_safe(value))


def quoteattr(value: str) -> str:
    return _quoteattr(xml_safe(value))


def _timestamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00+08:00"


def _recency(entry) -> tuple:
    return (entry.published or entry.date, entry.index)


def atom(site: SiteData, feed_id: str, title: str, self_path: str, entries: list) -> bytes:
    # pages.common.latest without sorting every entry: nlargest is sorted(..., reverse=True)[:n], ties included.
    newest = heapq.nlargest(FEED_SIZE, entries, key=_recency)
    updated = _timestamp(max((e.published or e.date) for e in newest)) if newest else "1970-01-01T00:00:00+08:00"
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">',
        f"<id>{escape(feed_id)}</id>",
        f"<title>{escape(title)}</title>",
        f"<updated>{updated}</updated>",
        f'<link rel="self" href={quoteattr(absolute_url(site, self_path))}/>',
        "<author><name>政务公开目录</name></author>",
    ]
    for entry in newest:
        link = absolute_url(site, site.entry_url(entry))
        summary = entry.summary or entry.title
        parts += [
            "<entry>",
            f"<id>urn:zwgk:index:{escape(entry.index)}</id>",
            f"<title>{escape(entry.title)}</title>",
            f"<updated>{_timestamp(entry.published or entry.date)}</updated>",
            f"<link href={quoteattr(link)}/>",
            *([f'<link rel="related" href={quoteattr(entry.url)}/>'] if entry.url else []),
            f"<author><name>{escape(site.department_name(entry.dept_id))}</name></author>",
            f"<summary>{escape(summary)}</summary>",
            "</entry>",
        ]
    parts.append("</feed>")
    return ("\n".join(parts) + "\n").encode()


def build_feeds(site: SiteData) -> dict[str, bytes]:
    feeds = {"feeds/all.xml": atom(site, "urn:zwgk:feed:all", "政府信息公开目录：最新条目", "feeds/all.xml", site.entries)}
    for dept_id, entries in site.entries_by_dept.items():
        feeds.update(department_feed(site, dept_id, entries))
    by_topic = defaultdict(list)
    for entry in site.entries:
        if entry.topic:
            by_topic[entry.topic].append(entry)
    for code, entries in by_topic.items():
        feeds[f"feeds/topics/{code}.xml"] = topic_feed(site, code, entries)
    return feeds


def department_feed(site: SiteData, dept_id: str, entries: list) -> dict[str, bytes]:
    path = f"feeds/departments/{dept_id}.xml"
    return {path: atom(site, f"urn:zwgk:feed:department:{dept_id}", f"{site.department_name(dept_id)}：最新公开的信息", path, entries)}


def topic_feed(site: SiteData, code: str, entries: list) -> bytes:
    path = f"feeds/topics/{code}.xml"
    label = site.scheme.topics.get(code, code)
    return atom(site, f"urn:zwgk:feed:topic:{code}", f"主题“{label}”：最新公开的信息", path, entries)
