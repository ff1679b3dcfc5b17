"""The rows of the catalogue's sheets (zwgk/site/xlsx.py) as SpreadsheetML written directly: at province
scale (106,000 rows) openpyxl's write-only cells were most of the time of writing the workbooks (a cell
object, a value check, an lxml element and its serialisation for each of 1.4 million cells). openpyxl
still writes everything else of the workbook (the sheet's properties, frozen panes, column widths and
merged cells, the styles, the other sheets): the sheet is left empty there, and its file's empty
`<sheetData></sheetData>` is replaced by these rows as the workbook is zipped (`splice`).

The cells are those openpyxl would write for the same values: a string as an inline string (never
a formula, whatever it starts with: the writers neutralise formulas too), with `xml:space="preserve"`
when it has leading or trailing blanks, at most 32,767 characters, and refused when it holds a
character XML cannot carry (openpyxl's IllegalCharacterError); an integer as a number; a styled cell
with the index of its style in the workbook's cell styles, registered by openpyxl as it would be for
a cell of that style. Text is UTF-8, not character references, so the sheets are also smaller."""

from __future__ import annotations

import re
from typing import NamedTuple

from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError

EMPTY_SHEET_DATA = b"<sheetData></sheetData>"
MAX_TEXT = 32767  # Excel's limit for a cell's text (openpyxl cuts there too)

# openpyxl's ILLEGAL_CHARACTERS_RE, and what else XML 1.0 cannot carry (lxml refused it in openpyxl's writer)
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _escaped(text: str) -> str:
    """Text for an element's content (a carriage return as a reference, which XML would otherwise
    read as a line break); str.replace is several times faster than str.translate on Chinese text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


class Styled(NamedTuple):
    """A value and the index of its cell style in the workbook (`style_index`)."""

    value: object
    xf: int


def style_index(ws, **style) -> int:
    """The index in the workbook's cell styles of a cell with these style objects (font, fill, border,
    alignment), registered once per workbook and combination as openpyxl registers a cell's."""
    book = ws.parent
    known = book.__dict__.setdefault("_zwgk_xf", {})
    key = tuple((name, id(setting)) for name, setting in style.items())
    found = known.get(key)
    if found is None:
        cell = WriteOnlyCell(ws)
        for name, setting in style.items():
            setattr(cell, name, setting)
        found = known[key] = (book._cell_styles.add(cell._style), tuple(style.values()))  # the objects too: their ids stay theirs
    return found[0]


def _cell(reference: str, value, xf: int | None) -> str:
    style = f' s="{xf}"' if xf is not None else ""
    if type(value) is str and value and len(value) <= MAX_TEXT:  # most cells: the checks below, fewer calls
        if ILLEGAL_CHARACTERS.search(value):
            raise IllegalCharacterError(f"{reference}: {value!r} cannot be used in worksheets.")
        space = ' xml:space="preserve"' if (value[0].isspace() or value[-1].isspace()) and not value.isspace() else ""
        return f'<c r="{reference}"{style} t="inlineStr"><is><t{space}>{_escaped(value)}</t></is></c>'
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TypeError(f"{reference}: a catalogue sheet takes text and whole numbers, not {type(value).__name__}")
    if isinstance(value, int):
        return f'<c r="{reference}"{style} t="n"><v>{value}</v></c>'
    text = value[:MAX_TEXT]
    if ILLEGAL_CHARACTERS.search(text):
        raise IllegalCharacterError(f"{reference}: {text!r} cannot be used in worksheets.")
    stripped = text.strip()
    space = ' xml:space="preserve"' if stripped and stripped != text else ""
    return f'<c r="{reference}"{style} t="inlineStr"><is><t{space}>{_escaped(text)}</t></is></c>'


class SheetRows:
    """The rows of one write-only sheet, appended in order (None: no cell; Styled: a styled cell)."""

    def __init__(self, ws, columns: int):
        self.ws = ws
        self.letters = [get_column_letter(number) for number in range(1, columns + 1)]
        self.parts: list[str] = []
        self.rows = 0
        ws._zwgk_rows = self  # read by `prepared`

    def append(self, values: list) -> None:
        if len(values) > len(self.letters):
            raise ValueError(f"{self.ws.title}: {len(values)} cells in a row of {len(self.letters)} columns")
        self.rows += 1
        number = str(self.rows)
        cells = []
        for letter, value in zip(self.letters, values, strict=False):
            if value is None:
                continue
            if isinstance(value, Styled):
                cells.append(_cell(letter + number, value.value, value.xf))
            else:
                cells.append(_cell(letter + number, value, None))
        self.parts.append(f'<row r="{number}">{"".join(cells)}</row>' if cells else f'<row r="{number}"/>')

    def xml(self) -> bytes:
        return ("<sheetData>" + "".join(self.parts) + "</sheetData>").encode()


def prepared(book) -> dict[str, bytes]:
    """The rows of the workbook's sheets written here, by the name of the sheet's file in the archive
    (openpyxl numbers the files in the order of the sheets)."""
    return {
        f"xl/worksheets/sheet{number}.xml": ws._zwgk_rows.xml()
        for number, ws in enumerate(book.worksheets, start=1)
        if getattr(ws, "_zwgk_rows", None) is not None
    }


def splice(arcname: str, data: bytes, rows: dict[str, bytes]) -> bytes:
    """A sheet's file as openpyxl wrote it, with its rows put in when they were written here."""
    if arcname not in rows:
        return data
    if data.count(EMPTY_SHEET_DATA) != 1:
        raise AssertionError(f"{arcname}: openpyxl wrote rows into a sheet whose rows are written by zwgk.site.xlsx_rows")
    return data.replace(EMPTY_SHEET_DATA, rows[arcname])
