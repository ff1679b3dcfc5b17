"""The annual reports as open data: exports/annual.json (every report whole: texts, tables, the totals
as computed) and exports/annual.csv (one row per table cell: department, year, table, row, column,
value), described in datapackage.json."""

from __future__ import annotations

import json

from zwgk.catalog.annual_model import AnnualReport, Applicants, Outcomes, Proactive
from zwgk.site.exports import resource, to_csv

APPLICANT_COLUMNS = (*Applicants.COLUMNS, "organisations", "total")
APPLICANT_TITLES = {
    **{c: Applicants.model_fields[c].title for c in Applicants.COLUMNS},
    "organisations": "法人或其他组织小计",
    "total": "总计",
}

ANNUAL_COLUMNS = [
    ("department", "部门文件夹", "string"),
    ("year", "年度", "integer"),
    ("published", "公布日期", "date"),
    ("table", "表格（二、三、四）", "string"),
    ("row", "行（键）", "string"),
    ("row_title", "行", "string"),
    ("column", "列（键）", "string"),
    ("column_title", "列", "string"),
    ("value", "数值", "number"),
]
ANNUAL_RESOURCE = resource("annual", "annual.csv", "政府信息公开工作年度报告（表二、表三、表四）", ANNUAL_COLUMNS, None)


def _applicant_value(row: Applicants, column: str) -> int:
    return row.organisations if column == "organisations" else row.value(column)


def table_three_rows(report: AnnualReport) -> list[tuple[str, str, Applicants]]:
    """(key, title, row) for every row of table 三, group rows and （七）总计 as computed."""
    applications = report.applications
    results = applications.results
    rows = [
        ("new", "一、本年新收政府信息公开申请数量", applications.new),
        ("carried_over", "二、上年结转政府信息公开申请数量", applications.carried_over),
    ]
    for name in results.SINGLE:
        rows.append((f"results.{name}", type(results).model_fields[name].title, getattr(results, name)))
    for name in results.GROUPS:
        group = getattr(results, name)
        rows.append((f"results.{name}", type(results).model_fields[name].title, group.summed()))
        for reason in group.REASONS:
            rows.append((f"results.{name}.{reason}", type(group).model_fields[reason].title, getattr(group, reason)))
    rows.append(("results.total", "（七）总计", results.summed()))
    rows.append(("carried_forward", "四、结转下年度继续办理", applications.carried_forward))
    return rows


def table_two_cells(proactive: Proactive) -> list[tuple[str, str, str, str, float]]:
    cells = []
    for key in ("regulations", "normative_documents"):
        counts = getattr(proactive, key)
        for column, info in type(counts).model_fields.items():
            cells.append((key, Proactive.model_fields[key].title, column, info.title, getattr(counts, column)))
    for key, column_title in (
        ("licensing", "本年处理决定数量"),
        ("penalty", "本年处理决定数量"),
        ("coercion", "本年处理决定数量"),
        ("fees", "本年收费金额（万元）"),
    ):
        cells.append((key, Proactive.model_fields[key].title.split("：")[0], key, column_title, getattr(proactive, key)))
    return cells


def _rows(report: AnnualReport) -> list[dict]:
    base = {"department": report.dept_id, "year": report.year, "published": report.published.isoformat() if report.published else ""}
    rows = [
        base | {"table": "二", "row": row, "row_title": row_title, "column": column, "column_title": title, "value": value}
        for row, row_title, column, title, value in table_two_cells(report.proactive)
    ]
    for key, title, row in table_three_rows(report):
        rows += [
            base
            | {
                "table": "三",
                "row": key,
                "row_title": title,
                "column": c,
                "column_title": APPLICANT_TITLES[c],
                "value": _applicant_value(row, c),
            }
            for c in APPLICANT_COLUMNS
        ]
    for block in report.appeals.BLOCKS:
        outcomes: Outcomes = getattr(report.appeals, block)
        block_title = type(report.appeals).model_fields[block].title
        for column in (*Outcomes.RESULTS, "total"):
            value = outcomes.grand_total if column == "total" else getattr(outcomes, column)
            title = "总计" if column == "total" else Outcomes.model_fields[column].title
            rows.append(
                base | {"table": "四", "row": block, "row_title": block_title, "column": column, "column_title": title, "value": value}
            )
    return rows


def _record(report: AnnualReport) -> dict:
    data = {"department": report.dept_id, **report.model_dump(mode="json", exclude_none=True)}
    data["computed"] = {
        "table_three": {key: {c: _applicant_value(row, c) for c in APPLICANT_COLUMNS} for key, _title, row in table_three_rows(report)},
        "table_four": {block: getattr(report.appeals, block).grand_total for block in report.appeals.BLOCKS},
    }
    return data


def annual_files(reports: list[AnnualReport]) -> dict[str, bytes]:
    ordered = sorted(reports, key=lambda r: (r.dept_id, r.year))
    rows = [row for report in ordered for row in _rows(report)]
    payload = {"reports": [_record(report) for report in ordered]}
    return {
        "exports/annual.csv": to_csv(ANNUAL_COLUMNS, rows),
        # No indent: the C encoder, several times faster than the indenting one at province scale.
        "exports/annual.json": json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode(),
    }
