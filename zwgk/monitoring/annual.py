"""Annual disclosure statistics (annual/<YYYY>.yml) as the national annual-report tables (国办公开办函
〔2021〕30号): table 二 (proactive disclosure) and table 三 (applications received and how they were
handled), for each department and summed for the province. Pure builders."""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from markupsafe import Markup
from pydantic import BaseModel

from zwgk.catalog.model import AnnualReport, Applicants, Applications, Proactive
from zwgk.site import tags, urls
from zwgk.site.data import SiteData
from zwgk.site.pages.common import href, page
from zwgk.site.templating import renderer

APPLICANT_COLUMNS = Applicants.COLUMNS

render = renderer("zwgk.monitoring", "zwgk.site")


def _sum_applicants(rows: list[Applicants]) -> Applicants:
    return Applicants(**{column: sum(getattr(row, column) for row in rows) for column in APPLICANT_COLUMNS})


def _sum_model(models: list):
    """Field by field sum of models of one type (nested models summed recursively)."""
    first = models[0]
    values = {}
    for name in type(first).model_fields:
        parts = [getattr(model, name) for model in models]
        values[name] = _sum_model(parts) if isinstance(parts[0], BaseModel) else sum(parts)
    return type(first)(**values)


def province_totals(reports: list[AnnualReport]) -> dict[int, tuple[Proactive, Applications, int]]:
    """Per year: the summed tables and how many departments reported."""
    by_year: dict[int, list[AnnualReport]] = defaultdict(list)
    for report in reports:
        by_year[report.year].append(report)
    return {
        year: (_sum_model([r.proactive for r in group]), _sum_model([r.applications for r in group]), len(group))
        for year, group in sorted(by_year.items())
    }


def _number(value: float) -> str:
    return f"{value:g}"


class YearTables(NamedTuple):
    """Tables 二 and 三 of one year (templates/annual_tables.html): rows of text cells."""

    year: int
    departments: int  # how many departments' reports are summed (1 on a department's page)
    two: list[list[str]]
    three: list[list[str]]
    applicant_titles: list[str]
    received: int
    settled: int


class DepartmentLink(NamedTuple):
    href: str
    name: str
    years: list[int]


def table_two(proactive: Proactive) -> list[list[str]]:
    return [
        ["第二十条第（一）项", "", "", ""],
        ["规章", _number(proactive.regulations.made), _number(proactive.regulations.repealed), _number(proactive.regulations.in_force)],
        [
            "行政规范性文件",
            _number(proactive.normative_documents.made),
            _number(proactive.normative_documents.repealed),
            _number(proactive.normative_documents.in_force),
        ],
        ["第二十条第（五）项", "", "", ""],
        ["行政许可（本年处理决定数量）", _number(proactive.licensing), "", ""],
        ["第二十条第（六）项", "", "", ""],
        ["行政处罚（本年处理决定数量）", _number(proactive.penalty), "", ""],
        ["行政强制（本年处理决定数量）", _number(proactive.coercion), "", ""],
        ["第二十条第（八）项", "", "", ""],
        ["行政事业性收费（本年收费金额，万元）", _number(proactive.fees), "", ""],
    ]


def _applicant_cells(row: Applicants) -> list[str]:
    return [str(getattr(row, column)) for column in APPLICANT_COLUMNS] + [str(row.total)]


def year_tables(proactive: Proactive, applications: Applications, year: int, departments: int = 1) -> YearTables:
    results = applications.results
    fields = type(results).model_fields
    rows = [
        ["一、本年新收政府信息公开申请数量", *_applicant_cells(applications.new)],
        ["二、上年结转政府信息公开申请数量", *_applicant_cells(applications.carried_over)],
        ["三、本年度办理结果", *[""] * 7],
        [fields["disclosed"].title, *_applicant_cells(results.disclosed)],
        [fields["partly_disclosed"].title, *_applicant_cells(results.partly_disclosed)],
    ]
    for name in ("withheld", "unavailable", "not_processed", "other"):
        group = getattr(results, name)
        rows.append([fields[name].title, *[""] * 7])
        for field, info in type(group).model_fields.items():
            rows.append([info.title, *_applicant_cells(getattr(group, field))])
    handled = _sum_applicants(results.rows())
    rows.append(["（七）总计", *_applicant_cells(handled)])
    rows.append(["四、结转下年度继续办理", *_applicant_cells(applications.carried_forward)])
    return YearTables(
        year=year,
        departments=departments,
        two=table_two(proactive),
        three=rows,
        applicant_titles=[Applicants.model_fields[column].title for column in APPLICANT_COLUMNS],
        received=applications.new.total + applications.carried_over.total,
        settled=handled.total + applications.carried_forward.total,
    )


def department_section(site: SiteData, reports: list[AnnualReport]) -> Markup:
    """The annual statistics on a department's page, newest year first."""
    if not reports:
        return Markup()
    years = [year_tables(r.proactive, r.applications, r.year) for r in sorted(reports, key=lambda r: -r.year)]
    return render("annual_department.md", years=years)


def province_page(site: SiteData, reports: list[AnnualReport]) -> tuple[str, str]:
    url = "annual/"
    years = [
        year_tables(proactive, applications, year, count)
        for year, (proactive, applications, count) in reversed(list(province_totals(reports).items()))
    ]
    by_dept = defaultdict(list)
    for report in reports:
        by_dept[report.dept_id].append(report.year)
    departments = [
        DepartmentLink(href(url, urls.department(dept_id)), site.department_name(dept_id), sorted(years))
        for dept_id, years in sorted(by_dept.items())
    ]
    body = render("annual_province.md", years=years, departments=departments)
    return urls.page_source(url), page("年度报告统计", body, searchable=False, wide=True, gov_tags=tags.column("年度报告统计", "年度报告"))
