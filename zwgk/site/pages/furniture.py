"""Pages of the site's furniture built from the catalogue: the HTML site map (网站地图: every column with
a working link: department, power type, topic, catalogue year and month) and 我要纠错 (where to report
an error: each department's disclosure office, or `report_url`)."""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple
from urllib.parse import quote

from zwgk.site import tags, urls
from zwgk.site.data import SiteData
from zwgk.site.pages.common import href, page
from zwgk.site.templating import render

# The columns of the navigation and the furniture pages, in the order of the site.
COLUMNS = (
    ("", "首页"),
    ("types/", "按权力类型浏览"),
    ("topics/", "按主题浏览"),
    ("search/", "搜索"),
    ("scheme/", "编码方案"),
    ("monitoring/", "监测"),
    ("annual/", "年度报告统计"),
    ("contributing/", "如何维护本部门的目录"),
    ("about/contact/", "联系我们"),
    ("about/copyright/", "版权声明"),
    ("about/privacy/", "隐私声明"),
    ("about/accessibility/", "无障碍声明"),
    (urls.correction(), "我要纠错"),
)


class Link(NamedTuple):
    href: str
    label: str


class Year(NamedTuple):
    year: int
    months: list[Link]


class DepartmentMap(NamedTuple):
    link: Link
    scorecard: str
    years: list[Year]


class RegionMap(NamedTuple):
    name: str
    departments: list[DepartmentMap]


def _ordered_regions(site: SiteData) -> list[tuple[str, list]]:
    by_region = defaultdict(list)
    for dept in sorted(site.departments.values(), key=lambda d: (d.level != "省级", d.dept_id)):
        by_region[dept.region].append(dept)
    order = list(site.scheme.regions)
    keys = sorted(by_region, key=lambda code: (order.index(code) if code in site.scheme.regions else 999, code))
    return [(site.scheme.regions.get(code, code), by_region[code]) for code in keys]


def sitemap(site: SiteData) -> tuple[str, str]:
    url = urls.sitemap()
    scheme = site.scheme
    periods: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for entry in site.entries:
        periods[entry.dept_id][entry.date.year].add(site.numbers[id(entry)].period)
    regions = [
        RegionMap(
            name,
            [
                DepartmentMap(
                    Link(href(url, urls.department(dept.dept_id)), dept.name),
                    href(url, urls.scorecard(dept.dept_id)),
                    [
                        Year(
                            year,
                            [
                                Link(
                                    href(url, urls.catalogue_page(dept.dept_id, period)),
                                    f"{int(period[4:])} 月" if len(period) == 6 else "全年",
                                )
                                for period in sorted(periods[dept.dept_id][year])
                            ],
                        )
                        for year in sorted(periods[dept.dept_id], reverse=True)
                    ],
                )
                for dept in depts
            ],
        )
        for name, depts in _ordered_regions(site)
    ]
    body = render(
        "sitemap.md",
        columns=[Link(href(url, target), label) for target, label in COLUMNS],
        types=[Link(href(url, urls.power_type(code)), f"{code} {label}") for code, label in scheme.power_types.items()],
        topics=[Link(href(url, urls.topic(code)), f"{code} {label}") for code, label in scheme.topics.items()],
        regions=regions,
    )
    meta = tags.column("网站地图", "网站地图", "本网站全部栏目、部门、权力类型、主题和目录年份的链接")
    return urls.page_source(url), page("网站地图", body, searchable=False, gov_tags=meta)


class Office(NamedTuple):
    department: Link
    report: Link | None
    phone: str


def correction(site: SiteData) -> tuple[str, str]:
    url = urls.correction()
    offices = []
    for _, depts in _ordered_regions(site):
        for dept in depts:
            office = dept.disclosure_office
            if site.report_url:
                report = Link(site.report_url.format(code="", dept=dept.dept_id, name=""), "在线报告")
            elif office.email:
                report = Link(f"mailto:{office.email}?subject={quote(f'我要纠错：{dept.name}公开的信息')}", office.email)
            else:
                report = None
            offices.append(Office(Link(href(url, urls.department(dept.dept_id)), dept.name), report, office.phone))
    body = render("correction.md", offices=offices, contact=href(url, "about/contact/"))
    return urls.page_source(url), page("我要纠错", body, searchable=False, gov_tags=tags.column("我要纠错", "互动交流"))


def furniture_pages(site: SiteData) -> list[tuple[str, str]]:
    return [sitemap(site), correction(site)]
