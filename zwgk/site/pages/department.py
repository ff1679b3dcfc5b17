"""A department's page: who it is, its disclosure office, its power list and its catalogue by year."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import NamedTuple

from markupsafe import Markup

from zwgk.catalog.scheme_model import Department
from zwgk.site import static_search, tags, urls
from zwgk.site.data import SiteData
from zwgk.site.pages.common import href, page, period_label
from zwgk.site.templating import render


class ItemLink(NamedTuple):
    code: str
    href: str
    name: str
    status: str
    type: str


class Export(NamedTuple):
    href: str
    label: str


class TypeGroup(NamedTuple):
    label: str
    items: list[ItemLink]


class PeriodLink(NamedTuple):
    href: str
    label: str
    count: int


class Year(NamedTuple):
    year: int
    count: int
    periods: list[PeriodLink]
    empty_months: list[str]  # months of the year (to date) with nothing published


def department(site: SiteData, dept: Department, extra_sections: Markup = Markup()) -> tuple[str, str]:
    """The page of `dept`; `extra_sections` is markup rendered by other page builders."""
    url = urls.department(dept.dept_id)
    scheme = site.scheme
    items = site.items_by_dept.get(dept.dept_id, [])
    rows = [
        ItemLink(
            item.basic_code,
            href(url, urls.item(dept.dept_id, item.basic_code)),
            item.name,
            item.status,
            site.code_label(scheme.power_types, item.type),
        )
        for item in sorted(items, key=lambda i: (i.type, i.basic_code))
    ]
    active = sum(1 for item in items if item.is_active)
    by_active_type = Counter(item.type for item in items if item.is_active)
    by_year: dict[int, Counter] = defaultdict(Counter)
    for entry in site.entries_by_dept.get(dept.dept_id, []):
        number = site.numbers[id(entry)]
        by_year[entry.date.year][(number.period, urls.chunk_of(number.serial))] += 1
    years = []
    for year in sorted(by_year, reverse=True):
        periods = [
            PeriodLink(href(url, urls.catalogue_page(dept.dept_id, period, chunk)), period_label(period, chunk), count)
            for (period, chunk), count in sorted(by_year[year].items())
        ]
        monthly = {period for period, _ in by_year[year] if len(period) == 6}
        latest = site.latest_date
        last = 12 if latest is None or year < latest.year else latest.month
        empty = [f"{month} 月" for month in range(1, last + 1) if f"{year}{month:02d}" not in monthly] if monthly else []
        years.append(Year(year, sum(by_year[year].values()), periods, empty))
    export_base = href(url, f"exports/departments/{dept.dept_id}/")
    exports = [
        Export(export_base + "entries.csv", "政府信息公开目录（CSV，Excel 可直接打开）"),
        Export(export_base + "items.csv", "权责清单（CSV）"),
        Export(export_base + "catalogue.json", "全部数据（JSON）"),
    ]
    feed = {"href": f"feeds/departments/{dept.dept_id}.xml", "title": f"{dept.name}新公开的政府信息"}
    remarks = getattr(dept, "remarks", None)
    body = render(
        "department.md",
        dept=dept,
        region=site.code_label(scheme.regions, dept.region),
        sector=site.code_label(scheme.sectors, dept.sector),
        tags=static_search.department_tags(site, dept),
        item_count=len(items),
        active=active,
        inactive=len(items) - active,
        type_counts=[f"{scheme.power_types.get(code, code)} {count} 项" for code, count in sorted(by_active_type.items())],
        items=rows,
        years=years,
        exports=exports,
        feed_href=href(url, feed["href"]),
        remarks=remarks,
        extra_sections=extra_sections,
    )
    meta = tags.column(dept.name, "部门信息公开", f"{dept.name}的权责清单和政府信息公开目录", [dept.short_name, "权责清单", "政府信息公开目录"])
    return urls.page_source(url), page(
        dept.name, body, description=f"{dept.name}的权责清单和政府信息公开目录", gov_tags=meta, feeds=[feed]
    )
