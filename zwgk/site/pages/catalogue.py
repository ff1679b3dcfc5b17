"""The catalogue pages (one per department, period and chunk of 500 serials) and the redirect pages
at URLs computed from a 索引号 alone."""

from __future__ import annotations

from collections import defaultdict

from zwgk.catalog.codes import index_prefix
from zwgk.catalog.model import Entry
from zwgk.site import static_search, tags, urls
from zwgk.site.data import SiteData
from zwgk.site.pages.common import entry_rows, href, page, period_label, root
from zwgk.site.pages.department import PeriodLink, catalogue_years
from zwgk.site.templating import render


def catalogue_pages(site: SiteData) -> list[tuple[str, str]]:
    """One page per department, period and chunk of 500 serials."""
    grouped: dict[tuple[str, str, int], list[Entry]] = defaultdict(list)
    for entry in site.entries:
        number = site.numbers[id(entry)]
        grouped[(entry.dept_id, number.period, urls.chunk_of(number.serial))].append(entry)
    pages = []
    years: dict[str, dict[int, list[PeriodLink]]] = {}  # per department, its year's months (site-relative links)
    for (dept_id, period, chunk), entries in sorted(grouped.items()):
        entries.sort(key=lambda e: site.numbers[id(e)].serial)
        url = urls.catalogue_page(dept_id, period, chunk)
        name = site.departments[dept_id].name if dept_id in site.departments else dept_id
        heading = f"{name} {period_label(period, chunk)}政府信息公开目录"
        if dept_id not in years and dept_id in site.departments:
            years[dept_id] = {year.year: year.periods for year in catalogue_years(site, site.departments[dept_id], "")}
        up, here = root(url), urls.catalogue_page(dept_id, period, chunk)
        months = [
            link._replace(href=up + link.href if link.href != here else "#") if link.href else link
            for link in years.get(dept_id, {}).get(int(period[:4]), [])
        ]
        body = render(
            "catalogue.md",
            heading=heading,
            department=name,
            back_href=href(url, urls.department(dept_id)),
            tags=static_search.catalogue_tags(site, dept_id, entries),
            rows=entry_rows(site, entries, url, grams=True),
            year=period[:4],
            months=months,
        )
        newest = max(entries, key=lambda e: e.published or e.date)
        meta = tags.column(heading, "政府信息公开目录", f"{name}{period_label(period, chunk)}公开的 {len(entries)} 条政府信息")
        meta |= tags.article(
            heading,
            newest.published or newest.date,
            name,
            sorted({word for entry in entries for word in entry.keywords})[:20],
            name,
            f"{name}{period_label(period, chunk)}政府信息公开目录，共 {len(entries)} 条",
            tags.absolute(site.site_url, url),
        )
        pages.append((urls.page_source(url), page(heading, body, wide=True, gov_tags=meta)))
    return pages


def index_resolvers(site: SiteData) -> dict[str, str]:
    """Plain HTML redirect pages at URLs computed from a 索引号 alone: {path: html}."""
    targets: dict[str, tuple[str, str]] = {}
    for entry in site.entries:
        number = site.numbers[id(entry)]
        dept = site.departments.get(entry.dept_id)
        # A prefix's resolver belongs to the department whose code it is, never to a department that
        # merely writes that code (the rules refuse such entries; this keeps it so whatever the input).
        if dept is None or index_prefix(number.form, dept.uscc) != number.prefix:
            continue
        targets[urls.index_resolver(number).split("#")[0]] = (entry.dept_id, number.period)
    pages = {}
    for path, (dept_id, period) in targets.items():
        up = "../" * path.count("/")
        pages[path + "index.html"] = str(
            render(
                "resolver.html",
                base=up + urls.catalogue_page(dept_id, period),
                chunked=up + f"catalogue/{dept_id}/{period}/",
                rows_per_page=urls.ROWS_PER_PAGE,
            )
        )
    return pages
