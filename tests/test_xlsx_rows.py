"""The catalogue sheets' rows, written as SpreadsheetML by zwgk/site/xlsx_rows.py and spliced into the
workbook openpyxl writes: read back by openpyxl, every value a contributor wrote comes back as the
text it was (neutralised against formulas), styled as the layout says, and nothing XML cannot carry
is written. (tests/test_spreadsheets.py reads the whole sample's workbooks back through `zwgk import`.)"""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from openpyxl.utils.exceptions import IllegalCharacterError

from zwgk.site import xlsx, xlsx_rows
from zwgk.site.exports import neutralise_formula

HOSTILE = [
    '<script>alert("x")</script> & </t></is></c>',
    "  leading and trailing blanks  ",
    "line one\r\nline two\nline three",
    "#N/A",
    "=1+1",
    "@SUM(A1)",
    "长" * 40_000,
]


def _workbook(sample_data, titles: list[str]) -> bytes:
    dept_id = next(d for d in sorted(sample_data.departments) if len(sample_data.entries_by_dept.get(d, [])) >= len(titles))
    entries = sorted(sample_data.entries_by_dept[dept_id], key=lambda e: (e.date, e.index))
    entries = [entry.model_copy(update={"title": title}) for entry, title in zip(entries, titles, strict=False)] + entries[len(titles) :]
    dept = sample_data.departments[dept_id]
    return xlsx.department_workbook(sample_data.scheme, sample_data.departments, dept, sample_data.items_by_dept.get(dept_id, []), entries)


def test_what_a_contributor_writes_comes_back_as_text(sample_data):
    content = _workbook(sample_data, HOSTILE)
    sheet = openpyxl.load_workbook(io.BytesIO(content))[xlsx.ENTRIES_SHEET]
    for row, title in enumerate(HOSTILE, start=3):
        cell = sheet.cell(row, 3)
        assert cell.value == neutralise_formula(title)[: xlsx_rows.MAX_TEXT] and cell.data_type == "s", row
        assert cell.alignment.wrap_text  # 信息名称 wraps
        assert sheet.cell(row, 1).value == row - 2 and sheet.cell(row, 1).data_type == "n"  # 序号 a number
    assert sheet["A1"].font.bold and sheet["A1"].font.size == 14 and "A1:N1" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["B2"].value == "索引号" and sheet["B2"].fill.fgColor.rgb.endswith("DDEBF7") and sheet.freeze_panes == "A3"
    # The sheets' XML is UTF-8 text, not character references, and the bytes do not change between runs.
    names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    data = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet2.xml")
    assert "索引号".encode() in data and b"&#" not in data.replace(b"&#13;", b"")
    assert "xl/worksheets/sheet2.xml" in names and _workbook(sample_data, HOSTILE) == content


@pytest.mark.parametrize("bad", ["a\x00b", "bell\x07", "\ufffe", "\ud800"])
def test_what_xml_cannot_carry_is_refused(sample_data, bad):
    with pytest.raises(IllegalCharacterError):
        _workbook(sample_data, ["ok", bad])


def test_a_sheet_openpyxl_wrote_rows_into_is_not_spliced():
    assert xlsx_rows.splice("xl/worksheets/sheet3.xml", b"<sheetData></sheetData>", {"xl/worksheets/sheet1.xml": b"<x/>"}) == (
        b"<sheetData></sheetData>"
    )
    with pytest.raises(AssertionError):
        xlsx_rows.splice("xl/worksheets/sheet1.xml", b'<sheetData><row r="1"/></sheetData>', {"xl/worksheets/sheet1.xml": b"<x/>"})


class _Text(str):
    """Not exactly str: takes the cell writer's general path."""


@pytest.mark.parametrize("text", [*HOSTILE[:3], " ", "\u3000前后全角空格\u3000", "\t=制表", "x", "长" * 32_767, "尾 "])
def test_a_plain_text_cell_is_written_as_the_general_path_writes_it(text):
    assert xlsx_rows._cell("C3", text, 4) == xlsx_rows._cell("C3", _Text(text), 4)
    assert xlsx_rows._cell("C3", text, None) == xlsx_rows._cell("C3", _Text(text), None)
