"""The annual reports in a department's workbook (issue 14 point 1, issue 13): one sheet per year in the
official layout of 国办公开办函〔2021〕30号, neutralised, and ignored by `zwgk import`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import SAMPLE

from zwgk.catalog.loader import load_catalog
from zwgk.cli import cli
from zwgk.contrib.spreadsheet.run import import_workbook
from zwgk.monitoring.annual_xlsx import header_grid, plain

DEPT = "340000-fgw"


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ZWGK_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def root(tmp_path) -> Path:
    target = tmp_path / "catalog"
    shutil.copytree(SAMPLE, target)
    return target


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def export(root: Path, out: Path) -> openpyxl.Workbook:
    result = run("export", "xlsx", str(root), "--output", str(out), "--dept", DEPT)
    assert result.exit_code == 0, result.output
    return openpyxl.load_workbook(out / f"{DEPT}.xlsx")


def row_of(sheet, label: str, column: int = 1) -> int:
    return next(row for row in range(1, sheet.max_row + 1) if sheet.cell(row, column).value == label)


def values(sheet, row: int, first: int, last: int) -> list:
    return [sheet.cell(row, column).value for column in range(first, last + 1)]


def test_one_sheet_per_year_in_the_official_layout(root, tmp_path):
    reports = sorted((r for r in load_catalog(root).annual if r.dept_id == DEPT), key=lambda r: r.year)
    assert [r.year for r in reports] == [2024, 2025]
    book = export(root, tmp_path)
    assert book.sheetnames == ["权责清单", "政府信息公开目录", "2024年度报告", "2025年度报告"]
    for report in reports:
        sheet = book[f"{report.year}年度报告"]
        assert sheet["A1"].value == f"安徽省发展和改革委员会{report.year}年政府信息公开工作年度报告"
        assert sheet["A2"].value == f"公布日期：{report.published.isoformat()}" and sheet.freeze_panes == "A3"
        assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage
        merged = {str(r) for r in sheet.merged_cells.ranges}
        assert {"A1:H1", "A2:H2"} <= merged
        # The six sections in order.
        sections = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况"]
        sections += ["四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
        rows = [row_of(sheet, title) for title in sections]
        assert rows == sorted(rows)
        assert sheet.cell(rows[0], 1).font.bold
        # Section 一: every part as written (Markdown emphasis dropped), in a cell merged over the table.
        management = row_of(sheet, "（三）政府信息管理") + 1
        assert sheet.cell(management, 1).value == plain(report.overview.management) and f"A{management}:H{management}" in merged
        assert "**" not in sheet.cell(management, 1).value and sheet.cell(management, 1).alignment.wrap_text
        # Table 二.
        proactive = report.proactive
        normative = row_of(sheet, "行政规范性文件")
        assert values(sheet, normative, 2, 4) == [
            proactive.normative_documents.made,
            proactive.normative_documents.repealed,
            proactive.normative_documents.in_force,
        ]
        licensing = row_of(sheet, "行政许可")
        assert sheet.cell(licensing, 2).value == proactive.licensing and f"B{licensing}:D{licensing}" in merged
        assert sheet.cell(row_of(sheet, "行政事业性收费"), 2).value == proactive.fees
        # Table 三: header cells spanning as in the national template, then every row with its numbers.
        top = row_of(sheet, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")
        assert {
            f"A{top}:A{top + 2}",
            f"B{top}:H{top}",
            f"B{top + 1}:B{top + 2}",
            f"C{top + 1}:G{top + 1}",
            f"H{top + 1}:H{top + 2}",
        } <= merged
        assert values(sheet, top + 2, 3, 7) == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
        assert sheet.cell(top, 2).fill.fgColor.rgb.endswith("DDEBF7") and sheet.cell(top + 1, 5).border.top.style == "thin"
        applications = report.applications
        results = applications.results

        def numbers(row):
            return [row.natural_person, row.commercial, row.research, row.public_interest, row.legal_service, row.other, row.grand_total]

        assert values(sheet, row_of(sheet, "一、本年新收政府信息公开申请数量"), 2, 8) == numbers(applications.new)
        withheld = row_of(sheet, "（三）不予公开")
        assert values(sheet, withheld, 2, 8) == numbers(results.withheld.summed()) and sheet.cell(withheld, 1).font.bold
        assert sheet.cell(withheld + 1, 1).value == "1.属于国家秘密" and sheet.cell(withheld + 1, 1).alignment.indent == 1
        assert values(sheet, withheld + 1, 2, 8) == numbers(results.withheld.state_secret)
        total = row_of(sheet, "（七）总计")
        assert values(sheet, total, 2, 8) == numbers(results.summed()) and sheet.cell(total, 1).font.bold
        assert values(sheet, total + 1, 1, 8) == ["四、结转下年度继续办理", *numbers(applications.carried_forward)]
        assert all(isinstance(value, int) for value in values(sheet, total, 2, 8))
        # Table 四: 15 cells under 行政复议 / 行政诉讼（未经复议直接起诉、复议后起诉）.
        four = row_of(sheet, "（单位：件）")
        assert {f"B{four}:F{four + 1}", f"G{four}:P{four}", f"G{four + 1}:K{four + 1}", f"L{four + 1}:P{four + 1}"} <= merged
        expected = []
        for block in (report.appeals.review, report.appeals.direct_suit, report.appeals.suit_after_review):
            expected += [block.upheld, block.corrected, block.other, block.pending, block.grand_total]
        assert values(sheet, four + 3, 1, 16) == ["件数", *expected]
        # Sections 五 and 六, with the 信息处理费 figures.
        assert sheet.cell(rows[4] + 1, 1).value == plain(report.problems)
        assert sheet.cell(row_of(sheet, "发出收费通知的件数"), 2).value == report.other.fee_notices


def test_contributor_text_is_neutralised_in_the_annual_sheet(root, tmp_path):
    path = root / f"departments/{DEPT}/annual/2025.yml"
    text = path.read_text(encoding="utf-8")
    start = next(line for line in text.splitlines() if line.startswith("problems: "))
    text = text.replace(start, 'problems: \'=HYPERLINK("http://x.example","点击")\'', 1)
    path.write_text(text, encoding="utf-8")
    sheet = export(root, tmp_path)["2025年度报告"]
    cell = sheet.cell(row_of(sheet, "五、存在的主要问题及改进情况") + 1, 1)
    assert cell.value == '\'=HYPERLINK("http://x.example","点击")' and cell.data_type == "s"
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_import_reads_no_annual_sheet_and_changes_no_file(root, tmp_path):
    export(root, tmp_path)
    workbook = tmp_path / f"{DEPT}.xlsx"
    before = {p: p.read_bytes() for p in sorted(root.rglob("*.yml"))}
    for kind in ("powers", "entries"):
        imported = import_workbook(workbook, kind, root, DEPT, run_check=False)
        assert imported.exit_code == 0 and not imported.plan.files and not imported.findings
    result = run("import", "entries", str(workbook), "--dept", DEPT, "--catalog", str(root), "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["sheet"] == "政府信息公开目录"
    assert {"sheet": "2025年度报告", "reason": "年度报告，不导入"} in payload["other_sheets"]
    text = run("import", "powers", str(workbook), "--dept", DEPT, "--catalog", str(root))
    assert "“2024年度报告”（年度报告，不导入）" in text.output
    # Named on purpose, an annual sheet is refused in plain words (exit 2), not read as records.
    refused = run("import", "entries", str(workbook), "--dept", DEPT, "--catalog", str(root), "--sheet", "2025年度报告")
    assert refused.exit_code == 2 and "年度报告和填写说明不导入" in refused.output
    assert {p: p.read_bytes() for p in sorted(root.rglob("*.yml"))} == before


def test_header_spans_are_laid_out_as_rowspan_and_colspan():
    grid, merges = header_grid([[("a", 1, 2), ("b", 2, 1)], [("c", 1, 1), ("d", 1, 1)]])
    assert grid == {(0, 1): "a", (1, 1): "", (0, 2): "b", (0, 3): "", (1, 2): "c", (1, 3): "d"}
    assert merges == [(0, 1, 2, 1), (0, 2, 1, 2), (1, 2, 1, 1), (1, 3, 1, 1)]
