"""Loading one file: parse it (yamlio), validate every record against the model on its own, report
unknown keys and text that cannot be published. A pure function of the file's path, kind and bytes,
so its result can be cached by content hash and computed in worker processes.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from zwgk.catalog import text, yamlio
from zwgk.catalog.annual_model import AnnualReport
from zwgk.catalog.discovery import Source
from zwgk.catalog.findings import Report
from zwgk.catalog.model import Entry, Model, Origin, PowerItem, Record
from zwgk.catalog.safe_read import UnreadableFile
from zwgk.catalog.schema_errors import describe
from zwgk.catalog.scheme_model import Department, Scheme


@dataclass
class FileResult:
    """Everything loading one file yields; a pure function of the file's path, kind and bytes."""

    records: list[Record] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    rejected: bool = False


# ---- validation ----------------------------------------------------------------------------------


def _holds_model(annotation: Any) -> bool:
    """Whether a field's type names one of the catalogue's models (`list[Material] | None`, ...)."""
    args = get_args(annotation)
    if args:
        return any(_holds_model(arg) for arg in args)
    return isinstance(annotation, type) and issubclass(annotation, Model)


@cache
def _nested_model_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """Fields of `model` that can hold further models (checked for unknown keys)."""
    return tuple(name for name, info in model.model_fields.items() if _holds_model(info.annotation))


def _unknown(key: object, known: list[str], path: tuple) -> tuple[tuple, str, list[str]]:
    return (*path, key), str(key), difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)


def _unknown_keys(value: Any, path: tuple) -> Iterator[tuple[tuple, str, list[str]]]:
    if isinstance(value, list):
        for number, element in enumerate(value):
            yield from _unknown_keys(element, (*path, number))
        return
    if not isinstance(value, BaseModel):
        return
    known = list(type(value).model_fields)
    for key in value.__pydantic_extra__ or ():
        yield _unknown(key, known, path)
    for name in _nested_model_fields(type(value)):
        yield from _unknown_keys(getattr(value, name), (*path, name))


def _raw_label(raw: Any) -> str:
    if not isinstance(raw, dict):
        return ""
    code = next((raw[k] for k in ("basic_code", "index") if isinstance(raw.get(k), str)), "")
    title = next((raw[k] for k in ("name", "title") if isinstance(raw.get(k), str)), "")
    return f"{code} {title}".strip()


def _unknown_key_report(source: Source, path: tuple, key: str, suggestion: list[str], label: str) -> Report:
    hint = f"是不是“{suggestion[0]}”？" if suggestion else "请对照格式说明检查字段名。"
    return Report("schema.unknown-key", source.rel, path, f"未知字段“{key}”，不会被使用。{hint}", label, True)


def _validate(model: type[Record], raw: Any, source: Source, at: tuple, result: FileResult) -> None:
    if not isinstance(raw, dict):
        what = "条目" if model is Entry else "文件内容"
        result.reports.append(Report("file.shape", source.rel, at, f"{what}应为“键: 值”映射。"))
        result.rejected = True
        return
    try:
        record = model.model_validate(raw)
    except ValidationError as error:
        label = _raw_label(raw)
        for problem in error.errors(include_url=False):
            rule_id, message, loc, at_key = describe(problem, model)
            result.reports.append(Report(rule_id, source.rel, at + loc, message, label, at_key))
        result.rejected = True
        # The record is rejected, but a misspelt key is often why: say so too.
        known = list(model.model_fields)
        for key in raw:
            if key not in model.model_fields:
                result.reports.append(_unknown_key_report(source, *_unknown(key, known, at), label))
        return
    record.place(Origin(source.rel, at, source.dept))
    for path, key, suggestion in _unknown_keys(record, ()):
        result.reports.append(_unknown_key_report(source, at + path, key, suggestion, record.label))
    _drop_extras(record)
    result.records.append(record)


def _drop_extras(value: Any) -> None:
    """Forget unknown keys once reported: only the model's fields reach the site, the exports and the
    search index (an unknown key may hold an internal note, or megabytes)."""
    if isinstance(value, list):
        for element in value:
            _drop_extras(element)
        return
    if not isinstance(value, BaseModel):
        return
    if value.__pydantic_extra__:
        value.__pydantic_fields_set__.difference_update(value.__pydantic_extra__)
        object.__setattr__(value, "__pydantic_extra__", {})
    for name in _nested_model_fields(type(value)):
        _drop_extras(getattr(value, name))


_SHORTEST_LIMIT = min(text.TEXT_LIMIT, *text.LENGTH_LIMITS.values())


def _texts_to_look_at(value: Any, path: tuple, key: str, found: list) -> None:
    """Collect (path, field, text, is key) for every text of `value` that may break a rule: longer
    than the shortest limit, or holding a control or invisible character. Most texts are neither
    and cost one regular-expression scan."""
    if value.__class__ is dict:
        for name, child in value.items():
            named = name.__class__ is str
            if named and text.suspicious(name):
                found.append(((*path, name), "", name, True))
            if child.__class__ is str:
                if len(child) > _SHORTEST_LIMIT or text.suspicious(child):
                    found.append(((*path, name), name if named else key, child, False))
            elif child.__class__ in (dict, list):
                _texts_to_look_at(child, (*path, name), name if named else key, found)
    elif value.__class__ is list:
        for number, child in enumerate(value):
            if child.__class__ is str:
                if len(child) > _SHORTEST_LIMIT or text.suspicious(child):
                    found.append(((*path, number), key, child, False))
            elif child.__class__ in (dict, list):
                _texts_to_look_at(child, (*path, number), key, found)


def _text_reports(value: Any, source: Source, path: tuple, label: str) -> Iterator[Report]:
    """Control and invisible characters and over-long values in every text of a record, keys too.
    The field a text belongs to says whether line breaks are allowed and how long it may be."""
    found: list = []
    _texts_to_look_at(value, path, "", found)
    for at, key, value_text, is_key in found:
        if is_key:
            for position, ch in text.control_chars(value_text, multiline=False):
                yield Report("text.control-char", source.rel, at, _control_message(value_text, position, ch, "键名"), label, True)
            continue
        limit = text.LENGTH_LIMITS.get(key, text.TEXT_LIMIT)
        if len(value_text) > limit:
            yield Report(
                "text.too-long",
                source.rel,
                at,
                f"“{key}”有 {len(value_text)} 个字符，超过了 {limit} 个字符的上限：请压缩，全文请放在 url 指向的页面。",
                label,
            )
        what = f"“{key}”" if key else "这个值"
        for position, ch in text.control_chars(value_text, key in text.MULTILINE_KEYS)[:3]:
            yield Report("text.control-char", source.rel, at, _control_message(value_text, position, ch, what), label)
        for position, ch in text.invisible_chars(value_text)[:3]:
            yield Report(
                "text.invisible-char",
                source.rel,
                at,
                f"{what}的第 {position} 个字符是看不见的 {text.describe_char(ch)}：它会让文字显示错乱，或让两个看起来相同的名称被当成不同的名称。请删除它。",
                label,
            )


def _control_message(value: str, position: int, ch: str, what: str) -> str:
    where = value[max(0, position - 6) : position - 1]
    after = f"（在“{text.one_line(where)}”之后）" if text.one_line(where) else ""
    kind = "换行或制表符" if ch in "\n\t\u2028\u2029" else "控制字符"
    allowed = "这个字段只能写一行。" if ch in "\n\t\u2028\u2029" else "它在网页、订阅源和流程图中会造成错误。"
    return f"{what}的第 {position} 个字符是{kind} {text.describe_char(ch)}{after}：{allowed}请删除它。"


def _check_texts(data: Any, source: Source, result: FileResult) -> None:
    records = (
        [((number,), entry) for number, entry in enumerate(data)]
        if source.kind == "disclosure" and isinstance(data, list)
        else [((), data)]
    )
    for path, raw in records:
        result.reports += _text_reports(raw, source, path, _raw_label(raw))


_MODELS = {"scheme": Scheme, "department": Department, "item": PowerItem, "annual": AnnualReport}


def load_file(source: Source, raw: bytes) -> FileResult:
    """Parse and validate one file: its records, and every problem found in it."""
    result = FileResult()
    data, problems = yamlio.parse(raw)
    for problem in problems:
        result.reports.append(Report(problem.rule, source.rel, (), problem.message, line=problem.line, column=problem.column))
    if data is None:
        result.rejected = True
        if not problems:
            result.reports.append(Report("file.shape", source.rel, (), "文件是空的：请填写内容，或删除这个文件。"))
        return result
    _check_texts(data, source, result)
    if source.kind != "disclosure":
        _validate(_MODELS[source.kind], data, source, (), result)
    elif not isinstance(data, list):
        result.reports.append(Report("file.shape", source.rel, (), "目录文件应为条目列表：每个条目以“- ”开头。"))
        result.rejected = True
    else:
        for number, raw_entry in enumerate(data):
            _validate(Entry, raw_entry, source, (number,), result)
    return result


def refused(source: Source, error: UnreadableFile) -> FileResult:
    return FileResult(reports=[Report(error.rule, source.rel, (), error.message, line=1, column=1)], rejected=True)
