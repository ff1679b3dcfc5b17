"""The documents of the Whoosh index: one per item, entry and department, their keys, their
digests, and the source keys that say which records need a new document at all."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from zwgk.catalog.cache import code_version
from zwgk.catalog.codes import implementation_code
from zwgk.search.ranking import prefix_order
from zwgk.search.schema import INDEX_VERSION
from zwgk.site import search_data, urls
from zwgk.site.data import SiteData
from zwgk.site.lookup import normalise_code, quality


def boosts(info: dict) -> dict:
    """The field boosts of a document (Whoosh's `_<field>_boost` keys)."""
    return {"_title_grams_boost": quality(info, True), "_text_boost": quality(info, False)}


def item_document(site: SiteData, item) -> dict:
    dept = site.departments[item.dept_id]
    code = implementation_code(item.basic_code, dept.region, dept.uscc)
    basis = " ".join(f"{b.title}{b.article or ''}" for b in item.basis or [])
    type_name = site.scheme.power_types.get(item.type, item.type)
    # Department names are kept short (the full name adds postings to every record, not
    # information); a search by department uses the department filter or the short name.
    parts = [item.content, item.result, " ".join(item.conditions or []), dept.short_name, item.office, type_name, basis, *item.aliases]
    date = item.updated.isoformat() if item.updated else ""
    info = search_data.item_record(site, item)
    return {
        "key": item_key(item),
        "kind": "item",
        "code": item.basic_code,
        "codes": ",".join(normalise_code(c) for c in (item.basic_code, code)),
        "title": item.name,
        "title_grams": "\n".join([item.name, *item.aliases]),
        "text": "\n".join(filter(None, parts)),
        "department": item.dept_id,
        "department_name": dept.short_name,
        "region": dept.region,
        "type": item.type,
        "validity": item.status,
        "url": urls.item(item.dept_id, item.basic_code),
        "year": str(item.updated.year) if item.updated else "",
        "date": date.replace("-", ""),
        "info": info,
        "prefix_order": prefix_order(info),
        **boosts(info),
    }


def entry_document(site: SiteData, entry) -> dict:
    dept = site.departments.get(entry.dept_id)
    # Topic and genre are filters, not words people type into the box.
    parts = [entry.summary, *entry.keywords, entry.doc_number, dept.short_name if dept else ""]
    codes = [entry.index] + ([entry.doc_number] if entry.doc_number else [])
    info = search_data.entry_record(site, entry)
    return {
        "key": entry_key(entry),
        "kind": "entry",
        "code": entry.index,
        "codes": ",".join(normalise_code(c) for c in codes),
        "title": entry.title,
        "title_grams": "\n".join([entry.title, *entry.keywords]),
        "text": "\n".join(filter(None, parts)),
        "department": entry.dept_id,
        "department_name": dept.short_name if dept else entry.dept_id,
        "region": dept.region if dept else "",
        "topic": entry.topic or "",
        "genre": entry.genre or "",
        "mode": entry.mode or "",
        "validity": entry.validity,
        "year": str(entry.date.year),
        "date": entry.date.isoformat().replace("-", ""),
        "url": site.entry_url(entry),
        "info": info,
        "prefix_order": prefix_order(info),
        **boosts(info),
    }


def department_document(site: SiteData, dept) -> dict:
    region = site.scheme.regions.get(dept.region, dept.region)
    info = search_data.department_record(site, dept)
    info["excerpt"] = f"{region}{dept.level}部门：{dept.name}（{dept.short_name}），统一社会信用代码 {dept.uscc}。"
    return {
        "key": department_key(dept),
        "kind": "department",
        "code": dept.dept_id,
        "codes": normalise_code(dept.uscc),
        "title": dept.name,
        "title_grams": "\n".join([dept.name, dept.short_name]),
        "text": "\n".join([dept.name, dept.short_name, region, dept.level]),
        "department": dept.dept_id,
        "department_name": dept.short_name,
        "region": dept.region,
        "url": urls.department(dept.dept_id),
        "info": info,
        "prefix_order": prefix_order(info),
        **boosts(info),
    }


def item_key(item) -> str:
    return f"item:{item.dept_id}/{item.basic_code}"


def entry_key(entry) -> str:
    return f"entry:{entry.index}"


def department_key(dept) -> str:
    return f"department:{dept.dept_id}"


def document_digest(document: dict) -> str:
    return hashlib.sha256(repr(sorted(document.items())).encode()).hexdigest()[:20]


def source_keys(site: SiteData) -> dict[str, tuple[str, object, Callable]]:
    """For every record: its key -> (a digest of the files its document is made from, the record,
    the function that makes its document). A record whose files are unchanged needs no document."""
    salt = INDEX_VERSION + code_version(("search/*.py", "site/urls.py", "site/lookup.py", "catalog/codes.py", "site/static_search.py"))
    salt += site.file_keys.get(site.scheme.file, "")
    departments = {dept_id: site.file_keys.get(dept.file, "") for dept_id, dept in site.departments.items()}
    sources = {}
    kinds = (
        (site.items, item_key, item_document),
        (site.entries, entry_key, entry_document),
        (list(site.departments.values()), department_key, department_document),
    )
    for records, key_of, make in kinds:
        for record in records:
            # Without file keys (a catalogue not read by the loader) every document is made and compared.
            source = f"{salt}/{departments.get(record.dept_id, '')}/{site.file_keys[record.file]}" if site.file_keys else ""
            sources[key_of(record)] = (source, record, make)
    return sources
