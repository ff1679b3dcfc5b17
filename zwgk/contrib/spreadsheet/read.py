"""A workbook (.xlsx, .xls, .csv) in, its sheets out as rows of values with their positions.

Row and column numbers are 1-based, as the spreadsheet shows them. Every cell of a merged range holds
the value of the range's top-left cell, and `merged` says which range a cell belongs to, so that a
main item's name merged over its sub-item rows reads as the same main item on every row."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")


class WorkbookError(Exception):
    """The workbook cannot be read at all (a user mistake: exit 2)."""


@dataclass
class Sheet:
    name: str
    rows: list[list[object]]  # rows[r - 1][c - 1] is the value at row r, column c
    merged: dict[tuple[int, int], tuple[int, int, int, int]] = field(default_factory=dict)  # (r, c) -> (top, left, bottom, right)

    def value(self, row: int, column: int) -> object:
        values = self.rows[row - 1] if 0 < row <= len(self.rows) else []
        return values[column - 1] if 0 < column <= len(values) else None

    @property
    def width(self) -> int:
        return max((len(row) for row in self.rows), default=0)

    def merge_range(self, row: int, column: int) -> tuple[int, int, int, int] | None:
        return self.merged.get((row, column))


def _fill_merges(sheet: Sheet, ranges: list[tuple[int, int, int, int]]) -> None:
    for top, left, bottom, right in ranges:
        value = sheet.value(top, left)
        for row in range(top, bottom + 1):
            while len(sheet.rows) < row:
                sheet.rows.append([])
            cells = sheet.rows[row - 1]
            if len(cells) < right:
                cells.extend([None] * (right - len(cells)))
            for column in range(left, right + 1):
                cells[column - 1] = value
                sheet.merged[(row, column)] = (top, left, bottom, right)


def _trim(rows: list[list[object]]) -> list[list[object]]:
    """Drop trailing empty cells and rows (Excel often reports formatted but empty ones)."""
    trimmed = []
    for row in rows:
        cells = list(row)
        while cells and (cells[-1] is None or cells[-1] == ""):
            cells.pop()
        trimmed.append(cells)
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    return trimmed


def _read_xlsx(path: Path) -> list[Sheet]:
    """Values (cached values of formulas) and merged ranges by calamine (Rust): ten times faster than
    openpyxl's full reader, which merged ranges would otherwise need."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        sheets = []
        for name in book.sheet_names:
            ws = book.get_sheet_by_name(name)
            # skip_empty_area=False: row and column numbers as the spreadsheet shows them, from A1.
            rows = [[None if value == "" else value for value in row] for row in ws.to_python(skip_empty_area=False)]
            sheet = Sheet(name, _trim(rows))
            # calamine ranges are 0-based and inclusive: ((top, left), (bottom, right))
            _fill_merges(
                sheet, [(top + 1, left + 1, bottom + 1, right + 1) for (top, left), (bottom, right) in ws.merged_cell_ranges or []]
            )
            sheets.append(sheet)
    except Exception as error:  # noqa: BLE001 - calamine raises several kinds for a damaged file
        raise WorkbookError(f"无法读取 {path.name}：{error}（请确认它是 Excel 2007 及以后的 .xlsx 文件）。") from None
    return sheets


def _read_xls(path: Path) -> list[Sheet]:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True)
    except Exception as error:  # noqa: BLE001 - xlrd raises many kinds for a damaged file
        raise WorkbookError(f"无法读取 {path.name}：{error}（请确认它是 Excel 97-2003 的 .xls 文件）。") from None
    sheets = []
    for ws in book.sheets():
        rows = []
        for number in range(ws.nrows):
            cells = []
            for cell in ws.row(number):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    cells.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    cells.append(None)
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    cells.append(bool(cell.value))
                elif cell.ctype == xlrd.XL_CELL_ERROR:
                    cells.append(None)
                else:
                    cells.append(cell.value)
            rows.append(cells)
        sheet = Sheet(ws.name, _trim(rows))
        # xlrd ranges are 0-based, end-exclusive: (rlo, rhi, clo, chi)
        _fill_merges(sheet, [(rlo + 1, clo + 1, rhi, chi) for rlo, rhi, clo, chi in ws.merged_cells])
        sheets.append(sheet)
    return sheets


def decode_csv(raw: bytes) -> tuple[str, str]:
    """The text of a CSV and the encoding it was in: UTF-8 (with or without BOM), else GBK (GB18030)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "UTF-8（带 BOM）"
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030"), "GBK"
    except UnicodeDecodeError:
        raise WorkbookError("无法识别 CSV 文件的编码：请另存为“CSV UTF-8（逗号分隔）”。") from None


def _read_csv(path: Path) -> tuple[list[Sheet], str]:
    text, encoding = decode_csv(path.read_bytes())
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows = [[cell if cell != "" else None for cell in row] for row in csv.reader(io.StringIO(text, newline=""), dialect)]
    return [Sheet(path.stem, _trim(rows))], encoding


@dataclass
class Workbook:
    path: Path
    sheets: list[Sheet]
    encoding: str = ""  # for a CSV: the encoding detected

    @property
    def name(self) -> str:
        return self.path.name


def read_workbook(path: Path) -> Workbook:
    path = Path(path)
    if not path.is_file():
        raise WorkbookError(f"找不到文件：{path}")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise WorkbookError(f"不支持的文件类型“{path.suffix}”：请使用 .xlsx、.xls 或 .csv。")
    if suffix == ".csv":
        sheets, encoding = _read_csv(path)
        return Workbook(path, sheets, encoding)
    return Workbook(path, _read_xls(path) if suffix == ".xls" else _read_xlsx(path))


def excel_date(serial: float) -> dt.date:
    """An Excel date serial (1900 date system) as a date."""
    return (dt.datetime(1899, 12, 30) + dt.timedelta(days=float(serial))).date()
