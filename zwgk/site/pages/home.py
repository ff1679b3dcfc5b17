"""The home page: counts, the newest entries and the directory of departments by region."""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from zwgk.catalog.scheme_model import Department
from zwgk.site import tags, urls
from zwgk.site.data import SiteData
from zwgk.site.pages.common import entry_rows, latest, page
from zwgk.site.templating import render

LATEST_ON_HOME = 20
SITE_NAME = "政务公开目录"  # the heading when the site settings give no name (the header shows mkdocs.yml's)


class DirectoryLink(NamedTuple):
    href: str
    name: str
    level: str


class Way(NamedTuple):
    href: str
    label: str
    count: int


class Region(NamedTuple):
    name: str
    departments: list[DirectoryLink]


def home(site: SiteData) -> tuple[str, str]:
    url = ""
    scheme = site.scheme
    active = sum(1 for item in site.items if item.is_active)
    by_region: dict[str, list[Department]] = defaultdict(list)
    for dept in sorted(site.departments.values(), key=lambda d: d.dept_id):
        by_region[dept.region].append(dept)
    order = list(scheme.regions)
    regions = [
        Region(
            scheme.regions.get(region, region),
            [
                DirectoryLink(urls.department(d.dept_id), d.name, d.level)
                for d in sorted(by_region[region], key=lambda d: (d.level, d.dept_id))
            ],
        )
        for region in sorted(by_region, key=lambda code: (order.index(code) if code in scheme.regions else 999, code))
    ]
    counts = {slug: sum(1 for item in site.items if item.is_active and value in item.audience) for slug, value in urls.AUDIENCES.items()}
    audiences = [
        Way(urls.audience("person"), "个人办事", counts["person"]),
        Way(urls.audience("legal"), "法人办事", counts["legal"]),
    ]
    by_topic: dict[str, int] = defaultdict(int)
    for entry in site.entries:
        if entry.topic:
            by_topic[entry.topic.split(".")[0]] += 1
    themes = [
        Way(urls.topic(code), label, by_topic[code]) for code, label in scheme.topics.items() if "." not in code and by_topic.get(code)
    ]
    by_type: dict[str, int] = defaultdict(int)
    for item in site.items:
        if item.is_active:
            by_type[item.type] += 1
    types = [Way(urls.power_type(code), label, by_type[code]) for code, label in scheme.power_types.items() if by_type.get(code)]
    body = render(
        "home.md",
        site_name=site.site_name or SITE_NAME,
        audiences=audiences,
        themes=themes,
        types=types,
        notice=scheme.notice,
        departments=len(site.departments),
        active=active,
        inactive=len(site.items) - active,
        entries=len(site.entries),
        newest=entry_rows(site, latest(site.entries, LATEST_ON_HOME), url, with_department=True),
        regions=regions,
    )
    meta = tags.column("首页", "首页", "权责清单和政府信息公开目录：按办事对象、主题、权力类型和部门查找")
    return "index.md", page("首页", body, searchable=False, wide=True, gov_tags=meta)
