"""Excel workbooks of the catalogue: one per department (a sheet for the power list, one for the
disclosure catalogue), and blank templates, in the common provincial layout: a title row, then a
frozen, styled header, then one row per record. In the power list the 序号 and 事项名称 cells of a
main item are merged over its sub-item rows.

The columns are the ones `zwgk import` reads (zwgk/contrib/spreadsheet/headers.py recognises every
header written here; a test holds the two together), so a department's own workbook imports back
without changing a file. Every text cell is neutralised against formula injection and stored as a
string. The bytes are a pure function of the catalogue (fixed timestamps), so an unchanged catalogue
exports the same file.

Another sheet of every workbook is added by appending to `SHEETS`; sheets of one department's own
(its annual reports, zwgk/monitoring/annual_xlsx.py) come in as `extra` (name, writer) pairs."""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from copy import copy
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.writer.excel import ExcelWriter

from zwgk.catalog.model import Entry, PowerItem
from zwgk.catalog.scheme_model import Department, Scheme
from zwgk.site.exports import neutralise_formula
from zwgk.site.xlsx_rows import SheetRows, Styled, prepared, splice, style_index

FIXED_TIME = dt.datetime(2000, 1, 1)
POWERS_SHEET = "权责清单"
ENTRIES_SHEET = "政府信息公开目录"


@dataclass(frozen=True)
class Column:
    field: str  # the field name `zwgk import --map` uses
    header: str
    width: int
    value: Callable  # (record, context) -> cell value
    wrap: bool = False


@dataclass
class Context:
    scheme: Scheme
    departments: dict[str, Department]
    dept: Department | None = None
    main_names: dict[str, str] | None = None  # main code -> main item name


def code_label(codes: dict[str, str], code: str | None) -> str:
    """A code as people write it: its name when the name is unique in the list, else "05.01 土地"."""
    if not code:
        return ""
    label = codes.get(code)
    if label is None:
        return code
    return label if _label_counts(codes)[label] == 1 else f"{code} {label}"


_COUNTS: dict[int, tuple[dict, Counter]] = {}


def _label_counts(codes: dict[str, str]) -> Counter:
    """How many codes of a list share each name, counted once per list (the list is kept with its
    count, so that its id stays its own)."""
    known = _COUNTS.get(id(codes))
    if known is None or known[0] is not codes or sum(known[1].values()) != len(codes):
        known = _COUNTS[id(codes)] = (codes, Counter(codes.values()))
    return known[1]


def _text(value) -> str:
    return "" if value is None else str(value)


def _lines(values) -> str:
    return "\n".join(values or [])


def basis_text(basis) -> str:
    parts = []
    for entry in basis or []:
        head = entry.title + (entry.article or "")
        parts.append(f"{head}：{entry.text}" if entry.text else head)
    return "\n".join(parts)


def _date(value) -> str:
    return value.isoformat() if value else ""


def _main_name(item: PowerItem, context: Context) -> str:
    return (context.main_names or {}).get(item.main_code, item.name) if item.is_sub_item else item.name


def _sub(attribute: str, key: str) -> Callable:
    def value(item, _context):
        part = getattr(item, attribute)
        return "" if part is None else _text(getattr(part, key))

    return value


POWER_COLUMNS = [
    Column("serial", "序号", 6, lambda item, context: ""),  # filled per main item by the writer
    Column("basic_code", "基本编码", 16, lambda item, context: item.basic_code),
    Column("name", "事项名称", 28, _main_name, wrap=True),
    Column("sub_name", "子项名称", 28, lambda item, context: item.name if item.is_sub_item else "", wrap=True),
    Column("type", "权力类型", 12, lambda item, context: code_label(context.scheme.power_types, item.type)),
    Column("basis", "实施依据", 48, lambda item, context: basis_text(item.basis), wrap=True),
    Column("subject", "实施主体", 22, lambda item, context: _text(item.subject), wrap=True),
    Column("office", "承办机构", 16, lambda item, context: _text(item.office), wrap=True),
    Column("source", "权力来源", 12, lambda item, context: _text(item.source)),
    Column("levels", "行使层级", 12, lambda item, context: "、".join(item.levels)),
    Column("content", "服务内容", 28, lambda item, context: _text(item.content), wrap=True),
    Column("conditions", "申报条件", 36, lambda item, context: _lines(item.conditions), wrap=True),
    Column("time_limit.statutory", "法定期限（工作日）", 10, _sub("time_limit", "statutory")),
    Column("time_limit.promised", "承诺期限（工作日）", 10, _sub("time_limit", "promised")),
    Column("fees.charged", "是否收费", 8, lambda item, context: "" if item.fees is None else ("是" if item.fees.charged else "否")),
    Column("fees.standard", "收费标准", 16, _sub("fees", "standard"), wrap=True),
    Column("fees.basis", "收费依据", 20, _sub("fees", "basis"), wrap=True),
    Column("result", "办理结果", 20, lambda item, context: _text(item.result), wrap=True),
    Column(
        "responsibilities",
        "责任事项",
        44,
        lambda item, c: "\n".join(f"{r.phase}：{r.duty}" for r in item.responsibilities or []),
        wrap=True,
    ),
    Column("accountability", "追责情形", 40, lambda item, context: _lines(item.accountability), wrap=True),
    Column("contact.consult_phone", "咨询电话", 16, _sub("contact", "consult_phone")),
    Column("contact.complaint_phone", "投诉电话", 16, _sub("contact", "complaint_phone")),
    Column("status", "状态", 8, lambda item, context: item.status),
    Column("status_date", "状态变更日期", 12, lambda item, context: _date(item.status_date)),
    Column("status_reason", "状态变更原因", 20, lambda item, context: _text(item.status_reason), wrap=True),
    Column("replaced_by", "并入事项编码", 16, lambda item, context: _text(item.replaced_by)),
    Column("updated", "最近复核日期", 12, lambda item, context: _date(item.updated)),
    Column("remarks", "备注", 20, lambda item, context: _text(item.remarks), wrap=True),
]


def _publisher(entry: Entry, context: Context) -> str:
    dept = context.departments.get(entry.publisher_id)
    return dept.name if dept else entry.publisher_id


ENTRY_COLUMNS = [
    Column("serial", "序号", 6, lambda entry, context: ""),
    Column("index", "索引号", 32, lambda entry, context: entry.index),
    Column("title", "信息名称", 44, lambda entry, context: entry.title, wrap=True),
    Column("publisher", "发布机构", 24, _publisher),
    Column("date", "生成日期", 12, lambda entry, context: _date(entry.date)),
    Column("published", "发布日期", 12, lambda entry, context: _date(entry.published)),
    Column("doc_number", "文号", 20, lambda entry, context: _text(entry.doc_number)),
    Column("topic", "主题分类", 16, lambda entry, context: code_label(context.scheme.topics, entry.topic)),
    Column("genre", "体裁分类", 10, lambda entry, context: code_label(context.scheme.genres, entry.genre)),
    Column("summary", "内容概述", 48, lambda entry, context: _text(entry.summary), wrap=True),
    Column("mode", "公开方式", 12, lambda entry, context: _text(entry.mode)),
    Column("validity", "有效性", 8, lambda entry, context: entry.validity),
    Column("keywords", "关键词", 20, lambda entry, context: "；".join(entry.keywords)),
    Column("url", "全文链接", 40, lambda entry, context: _text(entry.url)),
]

_THIN = Side(style="thin", color="999999")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)
TOP = Alignment(vertical="top")
TITLE_FONT = Font(bold=True, size=14)


def _cell(ws, value, **style) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=neutralise_formula(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"  # never a formula, even if a value slipped past neutralise_formula
    if style:
        # Setting a style object looks it up in the workbook's style lists by hash, which at 100,000
        # rows is most of the export's time: each combination is set once per workbook, and its
        # indices (the cell's StyleArray) copied to every other cell that has it.
        styles = ws.parent.__dict__.setdefault("_zwgk_styles", {})
        key = tuple((name, id(setting)) for name, setting in style.items())
        known = styles.get(key)
        if known is None:
            for name, setting in style.items():
                setattr(cell, name, setting)
            styles[key] = (copy(cell._style), tuple(style.values()))  # the objects too, so their ids stay theirs
        else:
            cell._style = copy(known[0])
    return cell


styled_cell = _cell  # for the writers of other sheets (zwgk/monitoring/annual_xlsx.py)


def _start(ws, title: str, columns: list[Column]) -> SheetRows:
    """Title row (merged over all columns), then the frozen, styled header; the rows are written by
    zwgk.site.xlsx_rows, the rest of the sheet by openpyxl."""
    for number, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(number)].width = column.width
    ws.freeze_panes = "A3"
    rows = SheetRows(ws, len(columns))
    rows.append([Styled(neutralise_formula(title), style_index(ws, font=TITLE_FONT, alignment=CENTRE))])
    ws.merged_cells.add(CellRange(min_col=1, min_row=1, max_col=len(columns), max_row=1))
    header = style_index(ws, font=HEADER_FONT, fill=HEADER_FILL, border=HEADER_BORDER, alignment=CENTRE)
    rows.append([Styled(neutralise_formula(column.header), header) for column in columns])
    return rows


def _row(rows: SheetRows, columns: list[Column], record, context: Context, serial: int | str) -> list:
    """Wrapped text where a column wraps; plain values elsewhere. Every value is neutralised against
    formulas, and stored as a string or a number (zwgk.site.xlsx_rows)."""
    wrap = style_index(rows.ws, alignment=WRAP)
    row = []
    for column in columns:
        value = neutralise_formula(serial if column.field == "serial" else column.value(record, context))
        if value == "":
            row.append(None)  # nothing written: an empty cell needs no style
        else:
            row.append(Styled(value, wrap) if column.wrap else value)
    return row


def power_groups(items: Iterable[PowerItem]) -> list[list[PowerItem]]:
    """Items in list order: each main item followed by its sub-items (by code)."""
    groups: dict[str, list[PowerItem]] = {}
    for item in sorted(items, key=lambda i: (i.main_code, i.basic_code)):
        groups.setdefault(item.main_code, []).append(item)
    return list(groups.values())


MERGED_POWER_FIELDS = ("serial", "name")


def write_powers(ws, items: list[PowerItem], context: Context) -> int:
    title = f"{context.dept.name}权责清单" if context.dept else "权责清单"
    rows = _start(ws, title, POWER_COLUMNS)
    context.main_names = {item.basic_code: item.name for item in items if not item.is_sub_item}
    merged = [number for number, column in enumerate(POWER_COLUMNS, start=1) if column.field in MERGED_POWER_FIELDS]
    row_number, count = 3, 0
    for serial, group in enumerate(power_groups(items), start=1):
        for item in group:
            rows.append(_row(rows, POWER_COLUMNS, item, context, serial))
            count += 1
        if len(group) > 1:
            for column in merged:
                ws.merged_cells.add(CellRange(min_col=column, min_row=row_number, max_col=column, max_row=row_number + len(group) - 1))
        row_number += len(group)
    return count


def write_entries(ws, entries: list[Entry], context: Context) -> int:
    title = f"{context.dept.name}政府信息公开目录" if context.dept else "政府信息公开目录"
    rows = _start(ws, title, ENTRY_COLUMNS)
    for serial, entry in enumerate(sorted(entries, key=lambda e: (e.date, e.index)), start=1):
        rows.append(_row(rows, ENTRY_COLUMNS, entry, context, serial))
    return len(entries)


# (sheet name, writer, which records of the department it takes); append a sheet here.
SHEETS: list[tuple[str, Callable, str]] = [
    (POWERS_SHEET, write_powers, "items"),
    (ENTRIES_SHEET, write_entries, "entries"),
]


class _FixedTimeZip(zipfile.ZipFile):
    """The archive openpyxl writes into, every entry stamped with the same time: a workbook's bytes are
    a pure function of its content, and it is compressed once. `rows`: the sheets' rows written by
    zwgk.site.xlsx_rows, put into their sheets' files (xlsx_rows.splice)."""

    def __init__(self, file, mode, compression, allowZip64, rows: dict[str, bytes]):
        super().__init__(file, mode, compression, allowZip64=allowZip64)
        self.rows = rows

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=(1980, 1, 1, 0, 0, 0))
            zinfo_or_arcname.compress_type = self.compression
            zinfo_or_arcname.external_attr = 0o600 << 16
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        with open(filename, "rb") as source:  # a write-only sheet, from its temporary file
            arcname = arcname or os.path.basename(filename)
            self.writestr(arcname, splice(arcname, source.read(), self.rows), compress_type, compresslevel)


def _deterministic(book: Workbook) -> bytes:
    """The workbook's bytes with fixed times (document properties and zip entries): what
    Workbook.save does, without its stamping the time of saving as "modified"."""
    book.properties.created = book.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    ExcelWriter(book, _FixedTimeZip(buffer, "w", zipfile.ZIP_DEFLATED, True, prepared(book))).save()
    return buffer.getvalue()


ExtraSheets = Iterable[tuple[str, Callable]]  # (sheet name, writer(ws)) after the catalogue's sheets


def department_workbook(
    scheme: Scheme,
    departments: dict[str, Department],
    dept: Department,
    items: list[PowerItem],
    entries: list[Entry],
    extra: ExtraSheets = (),
) -> bytes:
    """A department's workbook; the rows written are counted against the records given."""
    book = Workbook(write_only=True)
    records = {"items": items, "entries": entries}
    for name, writer, kind in SHEETS:
        written = writer(book.create_sheet(name), records[kind], Context(scheme, departments, dept))
        if written != len(records[kind]):
            raise AssertionError(f"{dept.dept_id} 的工作表“{name}”写入了 {written} 行，应为 {len(records[kind])} 行")
    for name, writer in extra:
        writer(book.create_sheet(name))
    return _deterministic(book)


def department_workbooks(site) -> dict[str, bytes]:
    """Every department's workbook by its path in the site (`site` is a SiteData)."""
    return {
        f"exports/departments/{dept_id}/{dept_id}.xlsx": department_workbook(
            site.scheme,
            site.departments,
            site.departments[dept_id],
            site.items_by_dept.get(dept_id, []),
            site.entries_by_dept.get(dept_id, []),
        )
        for dept_id in sorted(site.departments)
    }


HINTS = {
    "serial": "可不填",
    "basic_code": "12 位基本编码；新事项可不填，导入时按 zwgk new item 的方式分配",
    "name": "主项名称；有子项时合并在各子项行之上，或每行重复",
    "sub_name": "子项名称；主项本身那一行不填",
    "type": "权力类型名称或代码，如 行政许可 或 01",
    "basis": "每条一行：《法规名称》第几条：条文内容；可在前面用【法律】等注明效力层级",
    "levels": "省级、市级、县级、乡级，可填多个，用“、”分隔",
    "conditions": "每条一行，或 1.…2.…，或用“；”分隔",
    "time_limit.statutory": "工作日数，如 20",
    "time_limit.promised": "工作日数，不超过法定期限",
    "fees.charged": "是 或 否",
    "responsibilities": "每条一行：环节：责任内容，如 受理：依法受理……",
    "accountability": "每条一行",
    "status": "有效、暂停、已取消、已合并；不填为有效",
    "index": "新条目可不填，导入时分配下一个索引号",
    "publisher": "部门全称、简称或部门文件夹名；不填为本部门",
    "date": "2025-03-05 或 2025年3月5日",
    "published": "2025-03-05 或 2025年3月5日",
    "topic": "主题分类名称或代码，如 05.01 土地",
    "genre": "体裁分类名称或代码，如 通知",
    "mode": "主动公开、依申请公开、不予公开",
    "validity": "有效、失效、废止；不填为有效",
    "keywords": "用“；”分隔",
}


def _instructions(book: Workbook, columns: list[Column]) -> None:
    """A sheet that says what each column takes (the import does not read it)."""
    ws = book.create_sheet("填写说明")
    for letter, width in (("A", 20), ("B", 24), ("C", 80)):
        ws.column_dimensions[letter].width = width
    ws.append([_cell(ws, header, font=HEADER_FONT, fill=HEADER_FILL) for header in ("列名", "字段（--map 用）", "怎样填写")])
    for column in columns:
        ws.append([column.header, column.field, HINTS.get(column.field, "")])
    ws.append([])
    ws.append(["空单元格和“无”“/”“—”都表示没有内容。从第 3 行起每行一条；第 1 行的标题可以改。"])


TEMPLATES = {"权责清单模板.xlsx": (POWERS_SHEET, write_powers), "政府信息公开目录模板.xlsx": (ENTRIES_SHEET, write_entries)}


def template_workbooks(scheme: Scheme) -> dict[str, bytes]:
    """Blank workbooks to fill in, one per catalogue type: the title row and the header only."""
    files = {}
    for filename, (sheet, writer) in TEMPLATES.items():
        book = Workbook(write_only=True)
        writer(book.create_sheet(sheet), [], Context(scheme, {}))
        _instructions(book, POWER_COLUMNS if writer is write_powers else ENTRY_COLUMNS)
        files[f"exports/templates/{filename}"] = _deterministic(book)
    return files
