"""The annual reports in a department's Excel workbook: one sheet per year (“2025年度报告”) in the
official layout of 国办公开办函〔2021〕30号, as the site renders it (annual_layout): the title and the
publication date frozen at the top, then sections 一 to 六 in order, tables 二, 三 (every reason row,
the group rows, （七）总计) and 四 with styled header cells spanning rows and columns as in the
national template, and the text sections in cells merged across the table's width.

Every text cell is neutralised against formula injection and stored as a string; numbers are numbers.
`zwgk import` does not read these sheets (zwgk/contrib/spreadsheet/run.py skips them by name)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from zwgk.catalog.annual_model import AnnualReport, Appeals, Outcomes, Overview, Proactive
from zwgk.catalog.scheme_model import Department
from zwgk.monitoring.annual_layout import ORGANISATION_TITLES, table_three
from zwgk.site import xlsx

SHEET_SUFFIX = "年度报告"  # the import skips sheets whose name ends so (contrib/spreadsheet/run.py)
LABEL_WIDTH, NUMBER_WIDTH = 46, 11
WIDTH = 8  # columns of tables 二 and 三 (label + 7), over which texts and titles are merged
FOUR_WIDTH = 16  # table 四: a label column and its 15 cells

_THIN = Side(style="thin", color="999999")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
SECTION_FONT = Font(bold=True, size=12)
BOLD = Font(bold=True)
GROUP_FILL = PatternFill("solid", fgColor="F2F2F2")
LABEL = Alignment(vertical="center", wrap_text=True)
REASON = Alignment(vertical="center", wrap_text=True, indent=1)
NUMBER = Alignment(horizontal="right", vertical="center")
TEXT = Alignment(vertical="top", wrap_text=True)

_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
CHARS_PER_LINE = (LABEL_WIDTH + (WIDTH - 1) * NUMBER_WIDTH) // 2  # a CJK character is two width units


def sheet_name(year: int) -> str:
    return f"{year}{SHEET_SUFFIX}"


def plain(text: str | None) -> str:
    """A section's basic Markdown as a reader of a spreadsheet wants it: no emphasis marks, links as
    “text（address）”, the line breaks kept."""
    text = _EMPHASIS.sub(r"\2", text or "")
    return _LINK.sub(r"\1（\2）", text).strip()


class _Sheet:
    """Rows appended in order to a write-only sheet, merges and heights recorded as they go."""

    def __init__(self, ws):
        self.ws = ws
        self.row = 0

    def cell(self, value, **style):
        return xlsx.styled_cell(self.ws, value, **style)

    def append(self, cells: list, height: float | None = None) -> int:
        self.ws.append(cells)
        self.row += 1
        if height:
            self.ws.row_dimensions[self.row].height = height
        return self.row

    def merge(self, top: int, left: int, bottom: int, right: int) -> None:
        if (top, left) != (bottom, right):
            self.ws.merged_cells.add(CellRange(min_row=top, min_col=left, max_row=bottom, max_col=right))

    def header(self, value) -> object:
        return self.cell(value, font=xlsx.HEADER_FONT, fill=xlsx.HEADER_FILL, border=xlsx.HEADER_BORDER, alignment=xlsx.CENTRE)

    def header_rows(self, spans: list[list[tuple[str, int, int]]], width: int) -> None:
        """Header rows of (text, columns, rows) spans, laid out as HTML lays out colspan and rowspan;
        every covered cell is styled, so that borders and fill show over the merged ranges."""
        top = self.row + 1
        grid, merges = header_grid(spans)
        for offset in range(len(spans)):
            self.append([self.header(grid.get((offset, column), "")) for column in range(1, width + 1)], height=30)
        for offset, column, rows, columns in merges:
            self.merge(top + offset, column, top + offset + rows - 1, column + columns - 1)

    def title(self, text: str, width: int = WIDTH) -> None:
        row = self.append([self.cell(text, font=SECTION_FONT, alignment=Alignment(vertical="center"))], height=24)
        self.merge(row, 1, row, width)

    def text(self, text: str) -> None:
        body = plain(text) or "（未填写）"
        lines = sum(max(1, math.ceil(len(line) / CHARS_PER_LINE)) for line in body.split("\n"))
        row = self.append([self.cell(body, alignment=TEXT)], height=min(409, 16 * lines + 6))
        self.merge(row, 1, row, WIDTH)

    def numbers(self, label: str, values: list, font=None, fill=None, alignment=LABEL) -> int:
        style = {"border": BORDER} | ({"font": font} if font else {}) | ({"fill": fill} if fill else {})
        cells = [self.cell(label, alignment=alignment, **style)]
        cells += [self.cell(value, alignment=NUMBER, **style) for value in values]
        return self.append(cells)


def header_grid(spans: list[list[tuple[str, int, int]]]) -> tuple[dict[tuple[int, int], str], list[tuple[int, int, int, int]]]:
    """The text of each header cell by (row offset, column) and the merged ranges (row offset, column,
    rows, columns): a span's text in its top-left cell, nothing in the cells it covers."""
    grid: dict[tuple[int, int], str] = {}
    merges = []
    for offset, spans_of_row in enumerate(spans):
        column = 1
        for text, columns, rows in spans_of_row:
            while (offset, column) in grid:
                column += 1
            for r in range(offset, offset + rows):
                for c in range(column, column + columns):
                    grid[(r, c)] = text if (r, c) == (offset, column) else ""
            merges.append((offset, column, rows, columns))
            column += columns
    return grid, merges


def _table_two(sheet: _Sheet, proactive: Proactive) -> None:
    documents = ("regulations", "normative_documents")
    counts = ("made", "repealed", "in_force")
    parts = [
        ("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"], [(key, None) for key in documents]),
        ("第二十条第（五）项", ["本年处理决定数量"], [("licensing", "行政许可")]),
        ("第二十条第（六）项", ["本年处理决定数量"], [("penalty", "行政处罚"), ("coercion", "行政强制")]),
        ("第二十条第（八）项", ["本年收费金额（单位：万元）"], [("fees", "行政事业性收费")]),
    ]
    for part, columns, rows in parts:
        row = sheet.append([sheet.header(part)] + [sheet.header("") for _ in range(3)])
        sheet.merge(row, 1, row, 4)
        span = 3 // len(columns)
        headers = [sheet.header("信息内容")]
        for title in columns:
            headers += [sheet.header(title)] + [sheet.header("") for _ in range(span - 1)]
        row = sheet.append(headers)
        if span > 1:
            sheet.merge(row, 2, row, 4)
        for key, label in rows:
            value = getattr(proactive, key)
            if label is None:
                sheet.numbers(Proactive.model_fields[key].title, [getattr(value, count) for count in counts])
            else:
                row = sheet.numbers(label, [value, "", ""])
                sheet.merge(row, 2, row, 4)


def _table_three(sheet: _Sheet, report: AnnualReport) -> None:
    sheet.header_rows(
        [
            [("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 1, 3), ("申请人情况", 7, 1)],
            [("自然人", 1, 2), ("法人或其他组织", 5, 1), ("总计", 1, 2)],
            [(title, 1, 1) for title in ORGANISATION_TITLES],
        ],
        WIDTH,
    )
    for row in table_three(report.applications):
        if row.kind == "heading":
            number = sheet.append(
                [sheet.cell(row.label, font=BOLD, border=BORDER, alignment=LABEL)]
                + [sheet.cell("", border=BORDER) for _ in range(WIDTH - 1)]
            )
            sheet.merge(number, 1, number, WIDTH)
            continue
        values = [int(cell) for cell in row.cells]
        if row.kind in ("group", "total"):
            sheet.numbers(row.label, values, font=BOLD, fill=GROUP_FILL)
        else:
            sheet.numbers(row.label, values, alignment=REASON if row.kind == "reason" else LABEL)
    applications = report.applications
    received = applications.new.grand_total + applications.carried_over.grand_total
    settled = applications.results.summed().grand_total + applications.carried_forward.grand_total
    agree = "相等" if received == settled else "不相等"
    sheet.text(f"核对：本年新收与上年结转之和为 {received} 件，办理结果总计与结转下年度之和为 {settled} 件，两者{agree}。")


def _table_four(sheet: _Sheet, appeals: Appeals) -> None:
    results = [*(Outcomes.model_fields[name].title for name in Outcomes.RESULTS), "总计"]
    sheet.header_rows(
        [
            [("（单位：件）", 1, 3), ("行政复议", 5, 2), ("行政诉讼", 10, 1)],
            [("未经复议直接起诉", 5, 1), ("复议后起诉", 5, 1)],
            [(title, 1, 1) for _ in Appeals.BLOCKS for title in results],
        ],
        FOUR_WIDTH,
    )
    cells = []
    for block in Appeals.BLOCKS:
        outcomes: Outcomes = getattr(appeals, block)
        cells += [getattr(outcomes, name) for name in Outcomes.RESULTS] + [outcomes.grand_total]
    sheet.numbers("件数", cells)


def write_report(ws, report: AnnualReport, dept: Department) -> None:
    """One year's report on its own sheet."""
    for number in range(1, FOUR_WIDTH + 1):
        ws.column_dimensions[get_column_letter(number)].width = LABEL_WIDTH if number == 1 else NUMBER_WIDTH
    ws.freeze_panes = "A3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    sheet = _Sheet(ws)
    row = sheet.append([sheet.cell(f"{dept.name}{report.year}年政府信息公开工作年度报告", font=xlsx.TITLE_FONT, alignment=xlsx.CENTRE)], 28)
    sheet.merge(row, 1, row, WIDTH)
    published = report.published.isoformat() if report.published else "未填写"
    row = sheet.append([sheet.cell(f"公布日期：{published}", font=BOLD, alignment=xlsx.CENTRE)], 20)
    sheet.merge(row, 1, row, WIDTH)
    sheet.title(AnnualReport.model_fields["overview"].title)
    parts = [part for part in Overview.PARTS if getattr(report.overview, part)]
    for part in parts:
        if part != "summary" or len(parts) > 1:
            sheet.append([sheet.cell(Overview.model_fields[part].title, font=BOLD)])
        sheet.text(getattr(report.overview, part))
    if not parts:
        sheet.text("")
    sheet.title(AnnualReport.model_fields["proactive"].title)
    _table_two(sheet, report.proactive)
    sheet.title(AnnualReport.model_fields["applications"].title)
    _table_three(sheet, report)
    sheet.title(AnnualReport.model_fields["appeals"].title, FOUR_WIDTH)
    _table_four(sheet, report.appeals)
    sheet.title(AnnualReport.model_fields["problems"].title)
    sheet.text(report.problems)
    sheet.title(AnnualReport.model_fields["other"].title)
    sheet.text(report.other.text)
    for name in ("fee_notices", "fee_amount"):
        value = getattr(report.other, name)
        sheet.numbers(type(report.other).model_fields[name].title, [int(value) if float(value).is_integer() else value])


def annual_sheets(reports: list[AnnualReport], dept: Department) -> list[tuple[str, Callable]]:
    """(sheet name, writer of a write-only sheet) for each of a department's reports, oldest first:
    what `xlsx.department_workbook(..., extra=...)` appends after the catalogue's sheets."""
    return [
        (sheet_name(report.year), lambda ws, report=report: write_report(ws, report, dept))
        for report in sorted(reports, key=lambda report: report.year)
    ]


def sheets_by_department(reports: list[AnnualReport]) -> Callable[[Department], list[tuple[str, Callable]]]:
    """For `xlsx_export.write_workbooks(..., extra=...)`: a department's annual sheets."""
    by_dept: dict[str, list[AnnualReport]] = {}
    for report in reports:
        by_dept.setdefault(report.dept_id, []).append(report)
    return lambda dept: annual_sheets(by_dept.get(dept.dept_id, []), dept)
