"""A department's page: who it is, its disclosure office, its power list and its catalogue by year."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import NamedTuple

from markupsafe import Markup

from zwgk.catalog.model import Department, PowerItem
from zwgk.site import static_search, urls
from zwgk.site.data import SiteData
from zwgk.site.pages.common import href, page, period_label
from zwgk.site.templating import render


class ItemLink(NamedTuple):
    code: str
    href: str
    name: str
    status: str


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


def department(site: SiteData, dept: Department, extra_sections: Markup = Markup()) -> tuple[str, str]:
    """The page of `dept`; `extra_sections` is markup rendered by other page builders."""
    url = urls.department(dept.dept_id)
    scheme = site.scheme
    items = site.items_by_dept.get(dept.dept_id, [])
    by_type: dict[str, list[PowerItem]] = defaultdict(list)
    for item in items:
        by_type[item.type].append(item)
    groups = [
        TypeGroup(
            site.code_label(scheme.power_types, code),
            [ItemLink(item.basic_code, href(url, urls.item(dept.dept_id, item.basic_code)), item.name, item.status) for item in group],
        )
        for code, group in sorted(by_type.items())
    ]
    by_year: dict[int, Counter] = defaultdict(Counter)
    for entry in site.entries_by_dept.get(dept.dept_id, []):
        number = site.numbers[id(entry)]
        by_year[entry.date.year][(number.period, urls.chunk_of(number.serial))] += 1
    years = [
        Year(
            year,
            sum(by_year[year].values()),
            [
                PeriodLink(href(url, urls.catalogue_page(dept.dept_id, period, chunk)), period_label(period, chunk), count)
                for (period, chunk), count in sorted(by_year[year].items())
            ],
        )
        for year in sorted(by_year, reverse=True)
    ]
    body = render(
        "department.md",
        dept=dept,
        region=site.code_label(scheme.regions, dept.region),
        sector=site.code_label(scheme.sectors, dept.sector),
        tags=static_search.department_tags(site, dept),
        item_count=len(items),
        type_counts=[f"{scheme.power_types.get(code, code)} {len(group)} 项" for code, group in sorted(by_type.items())],
        power_types=groups,
        years=years,
        extra_sections=extra_sections,
    )
    return urls.page_source(url), page(dept.name, body, description=f"{dept.name}的权责清单和政府信息公开目录")
