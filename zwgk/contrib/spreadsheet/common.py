"""What the power and entry importers share: reading the data rows under the header into parsed
values, every problem as a Finding at the cell's row and column, and the records they make."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from zwgk.catalog.findings import Finding, Severity
from zwgk.catalog.loader import Catalog
from zwgk.catalog.scheme_model import Department
from zwgk.contrib.spreadsheet.headers import Mapping, column_letter
from zwgk.contrib.spreadsheet.values import CellError, clean


@dataclass
class Context:
    catalog: Catalog
    dept: Department
    dept_id: str
    workbook: str  # file name, for findings
    sheet: str
    warnings: list[str] = field(default_factory=list)  # a parser's warnings about the cell it is reading


@dataclass
class Row:
    number: int
    values: dict[str, object]  # field -> parsed value (None: empty)
    columns: dict[str, int]  # field -> column number
    failed: bool = False
    section: str = ""  # the section heading row above it (一、行政许可), if any
    bad: set[str] = field(default_factory=set)  # fields whose cell could not be read (already reported)


@dataclass
class Record:
    """One record made from the workbook: the fields it carries (None where the cell was empty)."""

    kind: str  # item | entry
    key: str  # basic_code or 索引号
    data: dict
    rows: list[int]
    label: str


@dataclass
class Parsed:
    records: list[Record] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    rows: int = 0  # data rows that carry something
    empty_rows: int = 0
    failed_rows: set[int] = field(default_factory=set)


class Reporter:
    def __init__(self, context: Context, parsed: Parsed):
        self.context, self.parsed = context, parsed

    def add(self, row: int, column: int, rule: str, message: str, record: str = "", error: bool = True) -> None:
        severity = Severity.ERROR if error else Severity.WARNING
        where = f"{column_letter(column)} 列：" if column else ""
        self.parsed.findings.append(
            Finding(self.context.workbook, row, column, f"import.{rule}", severity, record, where + message, self.context.sheet)
        )
        if error:
            self.parsed.failed_rows.add(row)


Parser = Callable[[object, Context], object]


def read_rows(mapping: Mapping, parsers: dict[str, Parser], context: Context, report: Reporter) -> list[Row]:
    """Every data row below the header, parsed; a row with nothing in it is counted, not imported. A
    row whose only contents are in columns not imported is reported."""
    rows = []
    section = ""
    for number in range(mapping.header_row + 1, len(mapping.sheet.rows) + 1):
        cells = mapping.sheet.rows[number - 1]
        if all(clean(value) is None for value in cells):
            report.parsed.empty_rows += 1
            continue
        heading = section_heading(mapping, number)
        if heading:
            section = heading
            report.add(number, 1, "section-row", f"分类标题行“{heading}”：不作为记录导入，其下各行缺少的权力类型按它补上。", error=False)
            report.parsed.empty_rows += 1
            continue
        row = Row(number, {}, {}, section=section)
        for column, name in mapping.fields.items():
            value = cells[column - 1] if column <= len(cells) else None
            row.columns[name] = column
            context.warnings = []
            try:
                row.values[name] = parsers[name](value, context) if name in parsers else clean(value)
            except CellError as error:
                row.values[name] = None
                row.failed = True
                row.bad.add(name)
                report.add(number, column, "bad-value", str(error))
            for warning in context.warnings:
                report.add(number, column, "value-changed", warning, error=False)
        if all(value in (None, [], {}) for key, value in row.values.items() if key != "serial") and not row.failed:
            report.add(
                number,
                0,
                "nothing-to-import",
                "这一行只有未导入的列有内容：没有导入任何字段（可用 --map 指定列名对应的字段）。",
                error=False,
            )
            report.parsed.empty_rows += 1
            continue
        report.parsed.rows += 1
        rows.append(row)
    return rows


def section_heading(mapping: Mapping, number: int) -> str:
    """A row that is one cell merged across the mapped columns (一、行政许可（共 12 项）): its text."""
    sheet = mapping.sheet
    spans = {sheet.merge_range(number, column) for column in mapping.fields}
    if len(spans) != 1 or None in spans or len(mapping.fields) < 2:
        return ""
    top, left, bottom, _ = spans.pop()
    value = sheet.value(number, left)
    return str(value).strip() if top == bottom and isinstance(value, str) and value.strip() else ""


def nest(values: dict[str, object], fields: list[str]) -> dict:
    """Dotted fields (time_limit.statutory) as nested mappings; only the fields given."""
    data: dict = {}
    for name in fields:
        if name not in values:
            continue
        head, _, tail = name.partition(".")
        if tail:
            data.setdefault(head, {})[tail] = values[name]
        else:
            data[name] = values[name]
    return data


def region_check(row: Row, context: Context, report: Reporter, record: str) -> None:
    """A 行政区划 column must name the department's own region."""
    region = row.values.get("region")
    if region is not None and region != context.dept.region:
        names = context.catalog.scheme.regions
        report.add(
            row.number,
            row.columns["region"],
            "other-region",
            f"这一行属于 {names.get(str(region), region)}，而导入的部门 {context.dept_id} 属于 {names.get(context.dept.region, context.dept.region)}：请导入到对应部门。",
            record,
        )
