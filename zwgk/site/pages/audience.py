"""Ways in by who is served (服务对象 of a 办事指南): 个人办事 and 法人办事, each a list of the service items
that serve them, with where and how to apply."""

from __future__ import annotations

from typing import NamedTuple

from zwgk.site import tags, urls
from zwgk.site.data import SiteData
from zwgk.site.pages.common import href, page
from zwgk.site.templating import render

TITLES = {"person": "个人办事", "legal": "法人办事"}
DESCRIPTIONS = {"person": "为个人（自然人）办理的事项", "legal": "为法人和其他组织办理的事项"}


class ServiceRow(NamedTuple):
    href: str
    name: str
    department: str
    department_href: str
    power_type: str
    location: str | None
    online_url: str | None


def audience_pages(site: SiteData) -> list[tuple[str, str]]:
    pages = []
    for slug, value in urls.AUDIENCES.items():
        url = urls.audience(slug)
        items = sorted(
            (item for item in site.items if item.is_active and value in item.audience),
            key=lambda item: (item.name, item.dept_id),
        )
        rows = [
            ServiceRow(
                href(url, urls.item(item.dept_id, item.basic_code)),
                item.name,
                site.department_name(item.dept_id),
                href(url, urls.department(item.dept_id)),
                site.scheme.power_types.get(item.type, item.type),
                item.location,
                item.online_url if item.online_url and item.online_url.startswith(("https://", "http://")) else None,
            )
            for item in items
        ]
        title = TITLES[slug]
        body = render(
            "audience.md",
            title=title,
            description=DESCRIPTIONS[slug],
            rows=rows,
            other=TITLES["legal" if slug == "person" else "person"],
            other_href=href(url, urls.audience("legal" if slug == "person" else "person")),
        )
        meta = tags.column(title, "办事服务", DESCRIPTIONS[slug], [title, "办事指南"])
        pages.append((urls.page_source(url), page(title, body, searchable=False, wide=True, gov_tags=meta)))
    return pages
