"""The build's verification counts the rows of entries.csv without parsing its cells
(zwgk.build.verify.csv_records): it must count exactly what csv.reader counts."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zwgk.build.verify import csv_records

# Cells as contributors write them: commas, quotes and every kind of line break included.
CELLS = st.text(alphabet=st.sampled_from(list('ab,"\r\n 名称，“”')), max_size=12)


def reader_count(data: bytes) -> int:
    return sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def written(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.lists(CELLS, min_size=1, max_size=4), max_size=8))
def test_the_count_is_csv_readers_for_any_cells(rows):
    data = written(rows)  # as the exports write them (zwgk.site.exports): CRLF, minimal quoting
    assert csv_records(data) == reader_count(data) == len(rows)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"a,b",
        b"a,b\r\nc,d",
        b"a\r\n\r\nb\r\n",
        b'"x\r\ny",z\r\n',
        b'"say ""hi""\n",1\n2',
        b"\xef\xbb\xbfa\r\n",
        b"\xef\xbb\xbf",
        b"\ra\n",
        b"a\rb",
    ],
)
def test_the_count_handles_files_without_a_last_break_and_empty_lines(data):
    assert csv_records(data) == reader_count(data)


def test_a_lost_row_changes_the_count():
    data = written([["索引号", "名称"], ["1", "甲"], ["2", '乙,"丙"\n']])
    assert csv_records(data) == 3
    assert csv_records(data[: data.index(b"2,")]) == 2
