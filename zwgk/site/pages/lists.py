"""Browsing by power type and by topic: an index page each, and the records of each code in pages
of at most 500 rows."""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from zwgk.catalog.model import Entry, PowerItem
from zwgk.site import tags, urls
from zwgk.site.data import SiteData
from zwgk.site.pages.common import chunks, entry_rows, href, page, pager
from zwgk.site.templating import render


class CodeCount(NamedTuple):
    href: str
    label: str
    count: int


class ItemRow(NamedTuple):
    code: str
    href: str
    name: str
    department_href: str
    department: str
    status: str


def type_pages(site: SiteData) -> list[tuple[str, str]]:
    scheme = site.scheme
    by_type: dict[str, list[PowerItem]] = defaultdict(list)
    for item in sorted(site.items, key=lambda i: (i.basic_code, i.dept_id)):
        by_type[item.type].append(item)
    pages, index_rows = [], []
    for code, label in scheme.power_types.items():
        items = by_type.get(code, [])
        active = sum(1 for item in items if item.is_active)
        # Counted as everywhere on the site: the items in force; the cancelled and merged stay listed.
        index_rows.append(CodeCount(urls.power_type(code).removeprefix("types/"), f"{code} {label}", active))
        parts = chunks(items)
        for number, part in enumerate(parts, start=1):
            url = urls.power_type(code, number)
            rows = [
                ItemRow(
                    item.basic_code,
                    href(url, urls.item(item.dept_id, item.basic_code)),
                    item.name,
                    href(url, urls.department(item.dept_id)),
                    site.department_name(item.dept_id),
                    item.status,
                )
                for item in part
            ]
            inactive = f"，另有已取消、已合并 {len(items) - active} 项" if len(items) > active else ""
            heading = f"{label}（现行有效 {active} 项{inactive}）"
            links = pager(lambda n, c=code: urls.power_type(c, n), len(parts), number, url)
            body = render("type.md", heading=heading, items=rows, pages=links)
            pages.append((urls.page_source(url), page(heading, body, searchable=False, gov_tags=tags.column(label, "权力类型", heading))))
    index = render("list_index.md", heading="按权力类型浏览", caption="权力类型", headers=["权力类型", "现行有效事项数"], rows=index_rows)
    return [("types/index.md", page("按权力类型浏览", index, searchable=False, gov_tags=tags.column("按权力类型浏览", "权力类型"))), *pages]


def entries_by_topic(site: SiteData) -> dict[str, list[Entry]]:
    """Each topic's entries, newest first (the order of its pages)."""
    by_topic: dict[str, list[Entry]] = defaultdict(list)
    for entry in sorted(site.entries, key=lambda e: (e.date, e.index), reverse=True):
        if entry.topic:
            by_topic[entry.topic].append(entry)
    return by_topic


def topic_index(site: SiteData, by_topic: dict[str, list[Entry]]) -> tuple[str, str]:
    rows = [
        CodeCount(urls.topic(code).removeprefix("topics/"), f"{code} {label}", len(by_topic.get(code, [])))
        for code, label in site.scheme.topics.items()
    ]
    index = render("list_index.md", heading="按主题浏览", caption="主题分类", headers=["主题", "条目数"], rows=rows)
    return "topics/index.md", page("按主题浏览", index, searchable=False, gov_tags=tags.column("按主题浏览", "主题分类"))


def one_topic_pages(site: SiteData, code: str, entries: list[Entry]) -> list[tuple[str, str]]:
    """The pages of one topic (`entries` newest first): they read nothing but these entries, the
    entries they link to, the scheme and the departments' names."""
    label = site.scheme.topics[code]
    parts = chunks(entries)
    pages = []
    for number, part in enumerate(parts, start=1):
        url = urls.topic(code, number)
        heading = f"主题：{label}（共 {len(entries)} 条）"
        links = pager(lambda n, c=code: urls.topic(c, n), len(parts), number, url)
        body = render("topic.md", heading=heading, rows=entry_rows(site, part, url, with_department=True), pages=links)
        pages.append(
            (urls.page_source(url), page(heading, body, searchable=False, wide=True, gov_tags=tags.column(label, "主题分类", heading)))
        )
    return pages


def topic_pages(site: SiteData) -> list[tuple[str, str]]:
    by_topic = entries_by_topic(site)
    pages = [topic_index(site, by_topic)]
    for code in site.scheme.topics:
        pages += one_topic_pages(site, code, by_topic.get(code, []))
    return pages
