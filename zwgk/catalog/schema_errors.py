"""Pydantic's validation errors, said in plain Chinese, as (rule id, message, key path, at key)."""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel

_KIND = {bool: "是否值", int: "数字", float: "数字", str: "文本", list: "列表", dict: "映射", type(None): "空值"}


def _kind(value: Any) -> str:
    return _KIND.get(type(value), type(value).__name__)


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 40 else text[:40] + "…"


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in typing.get_args(annotation) for model in _models_in(arg)]


def _field_title(model: type[BaseModel], loc: tuple) -> str:
    """The Chinese title of the field at `loc` inside `model`, if there is one."""
    current: list[type[BaseModel]] = [model]
    title = ""
    for step in loc:
        if not isinstance(step, str):
            continue
        info = next((m.model_fields[step] for m in current if step in m.model_fields), None)
        if info is None:
            return ""
        title = info.title or ""
        current = _models_in(info.annotation)
    return title


def describe(problem: dict, model: type[BaseModel]) -> tuple[str, str, tuple, bool]:
    kind = problem["type"]
    loc = tuple(step for step in problem["loc"] if step != "[key]")
    at_key = "[key]" in problem["loc"]
    value = problem.get("input")
    context = problem.get("ctx") or {}
    name = str(loc[-1]) if loc and isinstance(loc[-1], str) else ""
    title = _field_title(model, loc)
    named = f"“{name}”（{title}）" if name and title else f"“{name}”" if name else "这一项"

    if kind == "missing":
        return "schema.missing", f"缺少必填字段{named}：请补上。", loc, False
    if kind.startswith("zwgk_date"):
        return "schema.date", f"{named}：{problem['msg']}。", loc, False
    if kind == "literal_error":
        allowed = "、".join(f"“{option.strip(chr(39))}”" for option in str(context.get("expected", "")).replace(" or ", ", ").split(", "))
        return "schema.value", f"{named}的取值“{_show(value)}”不在允许的范围内：应为 {allowed} 之一。", loc, False
    if kind in ("greater_than_equal", "greater_than"):
        return "schema.value", f"{named}不能小于 {context.get('ge', context.get('gt'))}（当前为 {_show(value)}）。", loc, False
    if kind == "too_short":
        return "schema.value", f"{named}至少要有 {context.get('min_length', 1)} 项。", loc, False
    if at_key and kind == "string_type":
        return "schema.type", f'代码“{_show(value)}”被读成了{_kind(value)}：代码表的键要加引号，如 "01": 名称。', loc, True
    if kind == "string_type":
        hint = '代码和编号请加引号，如 "01"（不加引号的 01 会被读成数字 1）' if isinstance(value, (int, float)) else "请写成文本"
        return "schema.type", f"{named}应为文本，当前是{_kind(value)}“{_show(value)}”：{hint}。", loc, False
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "schema.type", f"{named}应为整数（阿拉伯数字，不加引号），当前是{_kind(value)}“{_show(value)}”。", loc, False
    if kind == "finite_number":
        return "schema.value", f"{named}应为有限的数字（不能是无穷大或非数），当前是“{_show(value)}”。", loc, False
    if kind in ("float_type", "float_parsing"):
        return "schema.type", f"{named}应为数字（不加引号），当前是{_kind(value)}“{_show(value)}”。", loc, False
    if kind in ("bool_type", "bool_parsing"):
        return "schema.type", f"{named}应为 true 或 false，当前是{_kind(value)}“{_show(value)}”。", loc, False
    if kind == "list_type":
        return "schema.type", f"{named}应为列表（每项以“- ”开头），当前是{_kind(value)}。", loc, False
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "schema.type", f"{named}应为“键: 值”映射，当前是{_kind(value)}“{_show(value)}”。", loc, False
    return "schema.type", f"{named}的取值“{_show(value)}”不符合要求（{problem['msg']}）。", loc, False
