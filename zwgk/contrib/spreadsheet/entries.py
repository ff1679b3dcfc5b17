"""Disclosure-catalogue rows into entries: 发布机构 names become department ids, topic and genre
names or "05.01 土地" become codes, and an entry without a 索引号 gets the one it already has (same
title and date) or the next free one, as `zwgk new entry` gives it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from types import SimpleNamespace

from zwgk.catalog.model import MODES, VALIDITIES
from zwgk.contrib.new import NewError, next_index
from zwgk.contrib.spreadsheet import values as v
from zwgk.contrib.spreadsheet.common import Context, Parsed, Record, Reporter, Row, nest, read_rows, region_check
from zwgk.contrib.spreadsheet.headers import Mapping

NOT_RECORD_FIELDS = ("serial", "region")


def _publisher(value, context: Context):
    name = v.text(value)
    if name is None:
        return None
    departments = context.catalog.departments
    if name in departments:
        return name
    matches = sorted({dept_id for dept_id, dept in departments.items() if name in (dept.name, dept.short_name)})
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise v.CellError(f"发布机构“{name}”对应多个部门（{'、'.join(matches)}）：请写部门文件夹名")
    raise v.CellError(f"发布机构“{name}”不是目录中的部门：请写部门全称、简称或部门文件夹名（如 {context.dept_id}）")


PARSERS = {
    "serial": lambda value, c: v.clean(value),
    "index": lambda value, c: v.text(value),
    "title": lambda value, c: v.text(value),
    "publisher": _publisher,
    "date": lambda value, c: v.date(value),
    "published": lambda value, c: v.date(value),
    "doc_number": lambda value, c: v.text(value),
    "topic": lambda value, c: v.code(value, c.catalog.scheme.topics, "主题分类"),
    "genre": lambda value, c: v.code(value, c.catalog.scheme.genres, "体裁分类"),
    "summary": lambda value, c: v.text(value),
    "mode": lambda value, c: v.choice(value, MODES, "公开方式"),
    "validity": lambda value, c: v.choice(value, VALIDITIES, "有效性"),
    "keywords": lambda value, c: v.split(value),
    "url": lambda value, c: v.text(value),
    "region": lambda value, c: v.code(value, c.catalog.scheme.regions, "行政区划"),
}


class Indexes:
    """索引号 for entries without one: the department's own by title and date, else the next free
    serial of the publisher's prefix and period (as `zwgk new entry`), counting this import's."""

    def __init__(self, context: Context):
        self.context = context
        self.by_title: dict[tuple[str, str], str] = {}
        self.known: set[str] = set()  # the department's 索引号
        self.by_publisher: dict[tuple[str, str], list] = defaultdict(list)  # (publisher, YYYY-MM) -> entries
        for entry in context.catalog.entries:
            month = entry.date.isoformat()[:7]
            self.by_publisher[(entry.publisher_id, month)].append(entry)
            if entry.dept_id == context.dept_id:
                self.known.add(entry.index)
                self.by_title.setdefault((entry.title, entry.date.isoformat()), entry.index)

    def index(self, title: str, date: str, publisher: str) -> str:
        known = self.by_title.get((title, date))
        if known:
            return known
        catalog = self.context.catalog
        same_period = self.by_publisher[(publisher, date[:7])]
        view = SimpleNamespace(scheme=catalog.scheme, departments=catalog.departments, entries=same_period)
        index = next_index(view, publisher, dt.date.fromisoformat(date))
        same_period.append(SimpleNamespace(index=index))
        return index


def parse_entries(mapping: Mapping, context: Context) -> Parsed:
    parsed = Parsed()
    report = Reporter(context, parsed)
    indexes = Indexes(context)
    fields = [name for name in mapping.fields.values() if name not in NOT_RECORD_FIELDS]
    seen: dict[str, int] = {}
    for row in read_rows(mapping, PARSERS, context, report):
        _entry(row, fields, context, report, indexes, seen)
    return parsed


def _entry(row: Row, fields: list[str], context: Context, report: Reporter, indexes: Indexes, seen: dict[str, int]) -> None:
    values = row.values
    title, date = values.get("title"), values.get("date")
    label = f"{values.get('index') or ''} {title or ''}".strip()
    # An entry the department has (by 索引号) may be updated from a few columns; a new one needs these.
    required = () if values.get("index") in indexes.known else (("title", "信息名称"), ("date", "生成日期"))
    for name, what in required:
        if values.get(name) is None and name not in row.bad:
            report.add(row.number, row.columns.get(name, 0), "missing-value", f"缺少{what}。", label)
    region_check(row, context, report, label)
    if row.failed or row.number in report.parsed.failed_rows:
        return
    publisher = values.get("publisher") or context.dept_id
    index = values.get("index")
    if not index:
        try:
            index = indexes.index(title, date, publisher)
        except NewError as error:
            report.add(row.number, row.columns.get("publisher", 0), "bad-value", str(error), label)
            return
    if index in seen:
        report.add(row.number, row.columns.get("index", 0), "duplicate-index", f"索引号 {index} 在第 {seen[index]} 行已出现。", label)
        return
    seen[index] = row.number
    data = nest({**values, "index": index}, ["index", *fields])
    report.parsed.records.append(Record("entry", index, data, [row.number], f"{index} {title}"))
