"""A department's page: who it is, its disclosure office, its power list and its catalogue by year."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import NamedTuple

from markupsafe import Markup

from zwgk.catalog.scheme_model import Department
from zwgk.rules.inspection import column_label
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
    href: str  # "" for a month with nothing published: the month is shown with its 备注说明
    label: str
    count: int
    remark: str = ""


class Year(NamedTuple):
    year: int
    count: int
    periods: list[PeriodLink]  # the months with entries and, in their place, the months without
    remark: str = ""  # the department's 备注说明 for the year ("2025")


class Remark(NamedTuple):
    column: str
    text: str


MIME = {
    "csv": "text/csv",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def remark_text(dept: Department, key: str) -> str:
    return (dept.remarks.get(key) or "").strip()


def catalogue_years(site: SiteData, dept: Department, url: str) -> list[Year]:
    """The department's catalogue by year, newest first: each month with entries (a link per page of
    500) and, in its place, each month (to date) with none, with the 备注说明 the department wrote."""
    by_year: dict[int, Counter] = defaultdict(Counter)
    for entry in site.entries_by_dept.get(dept.dept_id, []):
        number = site.numbers[id(entry)]
        by_year[entry.date.year][(number.period, urls.chunk_of(number.serial))] += 1
    remarked = {int(key) for key in dept.remarks if len(key) == 4 and key.isdigit() and remark_text(dept, key)}
    years = []
    for year in sorted(set(by_year) | remarked, reverse=True):
        periods = [
            (
                period,
                PeriodLink(
                    href(url, urls.catalogue_page(dept.dept_id, period, chunk)),
                    period_label(period, chunk),
                    count,
                    remark_text(dept, f"{period[:4]}-{period[4:]}") if len(period) == 6 and chunk == 1 else "",
                ),
            )
            for (period, chunk), count in sorted(by_year[year].items())
        ]
        monthly = {period for period, _ in by_year[year] if len(period) == 6}
        latest = site.latest_date
        last = 12 if latest is None or year < latest.year else latest.month
        if monthly:
            periods += [
                (f"{year}{month:02d}", PeriodLink("", f"{year} 年 {month} 月", 0, remark_text(dept, f"{year}-{month:02d}")))
                for month in range(1, last + 1)
                if f"{year}{month:02d}" not in monthly
            ]
        periods.sort(key=lambda pair: pair[0])
        years.append(Year(year, sum(by_year[year].values()), [link for _, link in periods], remark_text(dept, str(year))))
    return years


def department(site: SiteData, dept: Department, extra_sections: Markup | None = None) -> tuple[str, str]:
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
    years = catalogue_years(site, dept, url)
    # The department's own data is its workbook; the CSV and JSON files hold the whole province (a
    # column names each record's department), written once rather than again per department.
    workbook = f"exports/departments/{dept.dept_id}/{dept.dept_id}.xlsx"
    files = [
        (workbook, "本部门权责清单和政府信息公开目录（Excel 工作簿）"),
        ("exports/entries.csv", "全省政府信息公开目录（CSV，文件较大；Excel 可直接打开，按“部门”列筛选本部门）"),
        ("exports/items.csv", "全省权责清单（CSV）"),
        ("exports/catalogue.json.gz", "全省全部数据（JSON，gzip 压缩）"),
    ]
    exports = [Export(href(url, path), label) for path, label in files]
    alternates = [{"href": path, "title": f"{dept.name}：{label}", "type": MIME[path.rsplit(".", 1)[1]]} for path, label in files[:1]]
    feed = {"href": f"feeds/departments/{dept.dept_id}.xml", "title": f"{dept.name}新公开的政府信息"}
    keyed = sorted((key, text) for key, text in dept.remarks.items() if ":" in key and (text or "").strip())
    type_remarks = [Remark(column_label(key, scheme), text.strip()) for key, text in keyed if key.startswith("type:")]
    column_remarks = [Remark(column_label(key, scheme), text.strip()) for key, text in keyed if not key.startswith("type:")]
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
        type_remarks=type_remarks,
        column_remarks=column_remarks,
        extra_sections=extra_sections or Markup(),
    )
    meta = tags.column(
        dept.name, "部门信息公开", f"{dept.name}的权责清单和政府信息公开目录", [dept.short_name, "权责清单", "政府信息公开目录"]
    )
    return urls.page_source(url), page(
        dept.name, body, description=f"{dept.name}的权责清单和政府信息公开目录", gov_tags=meta, feeds=[feed], alternates=alternates
    )
