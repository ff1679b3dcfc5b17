"""Annual disclosure statistics (annual/<YYYY>.yml) as the national annual-report tables (国办公开办函
〔2021〕30号): table 二 (proactive disclosure) and table 三 (applications received and how they were
handled), for each department and summed for the province. Pure builders."""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel

from zwgk.catalog.model import AnnualReport, Applicants, Applications, Proactive
from zwgk.site import html, urls
from zwgk.site.data import SiteData
from zwgk.site.pages import _href, page

APPLICANT_COLUMNS = Applicants.COLUMNS


def _sum_applicants(rows: list[Applicants]) -> Applicants:
    return Applicants(**{column: sum(getattr(row, column) for row in rows) for column in APPLICANT_COLUMNS})


def _sum_model(models: list):
    """Field by field sum of models of one type (nested models summed recursively)."""
    first = models[0]
    values = {}
    for name in type(first).model_fields:
        parts = [getattr(model, name) for model in models]
        if name == "total":  # stated totals are checked against their parts; sums are computed again
            values[name] = None
        else:
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


def table_two(proactive: Proactive, year: int) -> str:
    rows = [
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
    return html.table(f"{year} 年 二、主动公开政府信息情况", ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], rows)


def _applicant_cells(row: Applicants) -> list[str]:
    return [str(getattr(row, column)) for column in APPLICANT_COLUMNS] + [str(row.grand_total)]


def table_three(applications: Applications, year: int) -> str:
    results = applications.results
    rows = [
        ["一、本年新收政府信息公开申请数量", *_applicant_cells(applications.new)],
        ["二、上年结转政府信息公开申请数量", *_applicant_cells(applications.carried_over)],
        ["三、本年度办理结果", *[""] * 7],
        [html.text(type(results).model_fields["disclosed"].title), *_applicant_cells(results.disclosed)],
        [html.text(type(results).model_fields["partly_disclosed"].title), *_applicant_cells(results.partly_disclosed)],
    ]
    for name in ("withheld", "unavailable", "not_processed", "other"):
        group = getattr(results, name)
        rows.append([html.text(type(results).model_fields[name].title), *[""] * 7])
        for field in group.REASONS:
            rows.append([html.text(type(group).model_fields[field].title), *_applicant_cells(getattr(group, field))])
    handled = _sum_applicants(results.rows())
    rows.append(["（七）总计", *_applicant_cells(handled)])
    rows.append(["四、结转下年度继续办理", *_applicant_cells(applications.carried_forward)])
    titles = [Applicants.model_fields[column].title for column in APPLICANT_COLUMNS]
    table = html.table(
        f"{year} 年 三、收到和处理政府信息公开申请情况",
        ["本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和", *titles, "总计"],
        rows,
    )
    received = applications.new.grand_total + applications.carried_over.grand_total
    settled = handled.grand_total + applications.carried_forward.grand_total
    verdict = "相等" if received == settled else "不相等"
    note = f"<p>核对：本年新收与上年结转之和为 {received} 件，办理结果总计与结转下年度之和为 {settled} 件，两者{verdict}。</p>"
    return table + note


def department_section(site: SiteData, reports: list[AnnualReport]) -> str:
    """The annual statistics on a department's page, newest year first."""
    if not reports:
        return ""
    parts = []
    for report in sorted(reports, key=lambda r: -r.year):
        parts += [f"<h3>{report.year} 年度</h3>", table_two(report.proactive, report.year), table_three(report.applications, report.year)]
    return "\n## 政府信息公开工作年度报告统计\n\n" + html.block(*parts)


def province_page(site: SiteData, reports: list[AnnualReport]) -> tuple[str, str]:
    url = "annual/"
    parts = ["<p>各部门 annual/&lt;年份&gt;.yml 的合计，表格格式依照国办公开办函〔2021〕30号。各部门的数字见其部门页面。</p>"]
    for year, (proactive, applications, count) in reversed(list(province_totals(reports).items())):
        parts += [f"<h2>{year} 年度（{count} 个部门）</h2>", table_two(proactive, year), table_three(applications, year)]
    by_dept = defaultdict(list)
    for report in reports:
        by_dept[report.dept_id].append(report.year)
    links = "".join(
        f"<li>{html.link(_href(url, urls.department(dept_id)), site.department_name(dept_id))}（{'、'.join(map(str, sorted(years)))}）</li>"
        for dept_id, years in sorted(by_dept.items())
    )
    parts.append(f'<h2>报送了年度统计的部门</h2><ul class="zwgk-directory">{links}</ul>')
    body = "# 政府信息公开工作年度报告统计（全省合计）\n\n" + html.block(*parts)
    return urls.page_source(url), page("年度报告统计", body, searchable=False, wide=True)
