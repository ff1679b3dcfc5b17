"""The annual reports (政府信息公开工作年度报告, 国办公开办函〔2021〕30号) as pages: each department's
report of each year whole and in the official layout, the reports summed for the province and for
each region, and the list of a department's reports (with its 备注说明) on its own page. Pure
builders: reports in, `(uri, markdown)` out."""

from __future__ import annotations

from collections import defaultdict

from markupsafe import Markup

from zwgk.catalog.annual_model import AnnualReport
from zwgk.monitoring.annual_layout import ORGANISATION_TITLES, report_layout, totals_layout
from zwgk.monitoring.annual_totals import by_region, totals
from zwgk.rules.annual import deadline
from zwgk.rules.inspection import column_label
from zwgk.site import tags, urls
from zwgk.site.data import SiteData
from zwgk.site.pages.common import href, page
from zwgk.site.templating import renderer

render = renderer("zwgk.monitoring", "zwgk.site")


def _status(site: SiteData, report: AnnualReport) -> tuple[str, bool]:
    dept = site.departments.get(report.dept_id)
    last_day = deadline(report.year, bool(dept and dept.is_government))
    if report.published is None:
        return "未写公布日期", True
    late = report.published > last_day
    return f"{report.published} 公布" + ("，逾期" if late else ""), late


def _by_dept(reports: list[AnnualReport]) -> dict[str, list[AnnualReport]]:
    grouped: dict[str, list[AnnualReport]] = defaultdict(list)
    for report in sorted(reports, key=lambda r: (r.dept_id, -r.year)):
        grouped[report.dept_id].append(report)
    return grouped


def report_page(site: SiteData, report: AnnualReport, others: list[AnnualReport]) -> tuple[str, str]:
    url = urls.annual_report(report.dept_id, report.year)
    dept = site.departments.get(report.dept_id)
    government = bool(dept and dept.is_government)
    _text, late = _status(site, report)
    body = render(
        "annual_report.md",
        name=site.department_name(report.dept_id) if dept is None else dept.name,
        layout=report_layout(report),
        organisation_titles=ORGANISATION_TITLES,
        published=report.published,
        deadline=deadline(report.year, government),
        government=government,
        late=late,
        department_href=href(url, urls.department(report.dept_id)),
        province_href=href(url, urls.annual_province()),
        other_years=[{"year": o.year, "href": href(url, urls.annual_report(o.dept_id, o.year))} for o in others if o is not report],
    )
    title = f"{dept.name if dept else report.dept_id}{report.year} 年政府信息公开工作年度报告"
    return urls.page_source(url), page(title, body, searchable=False, wide=True, gov_tags=tags.column(title, "年度报告"))


def _summary(site: SiteData, url: str, title: str, scope: str, reports: list[AnnualReport], regions: list[dict]) -> str:
    years = [{"layout": totals_layout(t), "count": len(t.departments)} for t in reversed(totals(reports))]
    departments = [
        {
            "name": site.department_name(dept_id),
            "href": href(url, urls.department(dept_id)),
            "reports": [
                {"year": r.year, "href": href(url, urls.annual_report(dept_id, r.year)), "status": _status(site, r)[0]} for r in group
            ],
        }
        for dept_id, group in sorted(_by_dept(reports).items())
    ]
    return render(
        "annual_summary.md",
        title=title,
        scope=scope,
        years=years,
        regions=regions,
        departments=departments,
        organisation_titles=ORGANISATION_TITLES,
    )


def province_page(site: SiteData, reports: list[AnnualReport]) -> tuple[str, str]:
    url = urls.annual_province()
    grouped = by_region(reports, site.departments)
    region_names = site.scheme.regions
    regions = [{"name": region_names.get(code, code), "href": href(url, urls.annual_region(code))} for code in sorted(grouped)]
    body = _summary(site, url, "政府信息公开工作年度报告（全省合计）", "全省", reports, regions)
    return urls.page_source(url), page("年度报告统计", body, searchable=False, wide=True, gov_tags=tags.column("年度报告统计", "年度报告"))


def region_pages(site: SiteData, reports: list[AnnualReport]) -> list[tuple[str, str]]:
    built = []
    for code, group in sorted(by_region(reports, site.departments).items()):
        url = urls.annual_region(code)
        name = site.scheme.regions.get(code, code)
        body = _summary(site, url, f"政府信息公开工作年度报告（{name}合计）", name, group, [])
        built.append(
            (
                urls.page_source(url),
                page(f"{name}年度报告统计", body, searchable=False, wide=True, gov_tags=tags.column(f"{name}年度报告统计", "年度报告")),
            )
        )
    return built


def report_pages(site: SiteData, reports: list[AnnualReport]) -> list[tuple[str, str]]:
    return [report_page(site, report, group) for group in _by_dept(reports).values() for report in group]


def department_section(site: SiteData, dept_id: str, reports: list[AnnualReport]) -> Markup:
    """The department's annual reports, and its 备注说明 for columns with nothing to show."""
    url = urls.department(dept_id)
    dept = site.departments[dept_id]
    listed = [
        {"year": r.year, "href": href(url, urls.annual_report(dept_id, r.year)), "status": _status(site, r)[0]}
        for r in sorted(reports, key=lambda r: -r.year)
    ]
    remarks = [{"column": _remark_label(site, key), "text": text} for key, text in sorted(dept.remarks.items()) if (text or "").strip()]
    return render("annual_department.md", reports=listed, remarks=remarks)


def _remark_label(site: SiteData, key: str) -> str:
    if len(key) == 7 and key[4] == "-" and key[:4].isdigit():
        return f"{key[:4]} 年 {int(key[5:])} 月"
    return column_label(key, site.scheme)
