"""The home page: counts, the newest entries and the directory of departments by region."""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from zwgk.catalog.model import Department
from zwgk.site import urls
from zwgk.site.data import SiteData
from zwgk.site.pages.common import entry_rows, latest, page
from zwgk.site.templating import render

LATEST_ON_HOME = 20


class DirectoryLink(NamedTuple):
    href: str
    name: str
    level: str


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
            [DirectoryLink(urls.department(d.dept_id), d.name, d.level) for d in sorted(by_region[region], key=lambda d: (d.level, d.dept_id))],
        )
        for region in sorted(by_region, key=lambda code: (order.index(code) if code in scheme.regions else 999, code))
    ]
    body = render(
        "home.md",
        notice=scheme.notice,
        departments=len(site.departments),
        active=active,
        inactive=len(site.items) - active,
        entries=len(site.entries),
        newest=entry_rows(site, latest(site.entries, LATEST_ON_HOME), url, with_department=True),
        regions=regions,
    )
    return "index.md", page("首页", body, searchable=False, wide=True)
