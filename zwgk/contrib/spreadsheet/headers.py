"""Which column holds which field: the synonym table of header names (gov-norms §5 and the names
published lists use), header-row detection below any title rows, and `--map 列名=field` overrides."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from zwgk.contrib.spreadsheet.read import Sheet

# field -> header names; the first is the one `zwgk export xlsx` writes (zwgk/site/xlsx.py).
POWER_HEADERS: dict[str, tuple[str, ...]] = {
    "serial": ("序号", "编号", "序列号"),
    "basic_code": ("基本编码", "事项编码", "基本代码", "事项代码", "事项基本编码", "权力编码", "权责事项编码", "职权编码", "编码"),
    "name": ("事项名称", "权责事项名称", "权力事项名称", "职权名称", "主项名称", "权力名称", "主项", "事项名称主项"),
    "sub_name": ("子项名称", "子项", "实施事项", "子项事项名称", "子项名称（实施事项）", "事项名称子项"),
    "type": ("权力类型", "权力类别", "职权类型", "职权类别", "事项类型", "权责类型", "事项类别", "类别", "类型"),
    "basis": ("实施依据", "设定依据", "法律依据", "法定依据", "设定和实施依据", "设定依据及实施依据", "实施依据及设定依据", "依据"),
    "subject": ("实施主体", "行使主体", "责任主体", "实施机关", "行使部门", "实施部门"),
    "office": ("承办机构", "承办科室", "责任科室", "内设机构", "承办处室", "责任处室", "承办单位", "责任单位"),
    "source": ("权力来源", "事项来源"),
    "levels": ("行使层级", "实施层级", "层级"),
    "content": ("服务内容", "事项内容"),
    "conditions": ("申报条件", "受理条件", "办理条件", "申请条件"),
    "time_limit.statutory": ("法定期限", "法定时限", "法定办结时限", "法定办理时限"),
    "time_limit.promised": ("承诺期限", "承诺时限", "承诺办结时限", "承诺办理时限"),
    "fees.charged": ("是否收费",),
    "fees.standard": ("收费标准", "收费", "收费情况"),
    "fees.basis": ("收费依据",),
    "result": ("办理结果", "办事结果", "审批结果", "结果名称"),
    "responsibilities": ("责任事项", "责任事项内容"),
    "accountability": ("追责情形", "问责情形", "追责情形及依据"),
    "contact.consult_phone": ("咨询电话", "咨询方式"),
    "contact.complaint_phone": ("投诉电话", "监督电话", "投诉方式", "监督投诉电话", "监督投诉方式"),
    "status": ("状态", "事项状态"),
    "status_date": ("状态变更日期", "变更日期"),
    "status_reason": ("状态变更原因", "变更原因", "调整原因"),
    "replaced_by": ("并入事项编码", "合并至", "并入事项"),
    "updated": ("最近复核日期", "复核日期", "更新日期"),
    "remarks": ("备注",),
    "region": ("行政区划", "所属地区", "所属区划", "地区"),
}

ENTRY_HEADERS: dict[str, tuple[str, ...]] = {
    "serial": ("序号", "编号"),
    "index": ("索引号",),
    "title": ("信息名称", "标题", "信息标题", "文件名称", "名称"),
    "publisher": ("发布机构", "发布单位", "发文机关", "发文单位", "发布部门"),
    "date": ("生成日期", "成文日期", "形成日期", "制发日期"),
    "published": ("发布日期", "公开日期", "发布时间", "公开时间"),
    "doc_number": ("文号", "发文字号", "发文号"),
    "topic": ("主题分类", "主题"),
    "genre": ("体裁分类", "体裁", "文种"),
    "summary": ("内容概述", "摘要", "内容摘要", "内容简介"),
    "mode": ("公开方式", "公开属性", "公开类型"),
    "validity": ("有效性", "效力状态", "时效性"),
    "keywords": ("关键词", "主题词"),
    "url": ("全文链接", "链接", "网址", "链接地址", "原文链接", "网页地址"),
    "region": ("行政区划", "所属地区", "所属区划", "地区"),
}

# Columns that published lists carry but the catalogue format has no field for: named, not imported.
NO_FIELD = {"追责依据": "目录格式中没有“追责依据”字段", "责任事项依据": "目录格式中没有“责任事项依据”字段"}

KEY_FIELDS = {"powers": ("name",), "entries": ("title", "index")}  # a header row names one of these
TABLES = {"powers": POWER_HEADERS, "entries": ENTRY_HEADERS}
IGNORE = "-"  # --map 列名=- leaves a column out
SCAN_ROWS = 20  # title rows above the header: at most this many rows are searched

_SPACES = re.compile(r"[\s\u3000*＊:：]+")
_BRACKETS = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_BRACKET_CHARS = re.compile(r"[（()）【】\[\]]")


def normalise(header: object) -> str:
    return _SPACES.sub("", str(header or ""))


def _lookup(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {normalise(name): name_field for name_field, names in table.items() for name in names}


@dataclass
class Mapping:
    sheet: Sheet
    header_row: int
    fields: dict[int, str] = field(default_factory=dict)  # column -> field
    used: list[tuple[int, str, str]] = field(default_factory=list)  # (column, header, field)
    unused: list[tuple[int, str, str]] = field(default_factory=list)  # (column, header, why)

    def column_of(self, name: str) -> int:
        return next((column for column, value in self.fields.items() if value == name), 0)


class MapError(Exception):
    """A --map that cannot apply (a user mistake: exit 2)."""


def parse_maps(values: tuple[str, ...], kind: str) -> dict[str, str]:
    """`列名=field` pairs, checked against the fields of the kind."""
    known = TABLES[kind]
    maps = {}
    for value in values:
        header, sep, name = value.partition("=")
        if not sep or not header.strip() or not name.strip():
            raise MapError(f"--map 应写成“列名=字段”，如 --map 职权名称=name（当前是“{value}”）。")
        name = name.strip()
        if name != IGNORE and name not in known:
            raise MapError(f"--map 中的字段“{name}”不存在：可用的字段有 {'、'.join(known)}，或写 - 表示不导入这一列。")
        maps[normalise(header)] = name
    return maps


def field_of(header: object, lookup: dict[str, str], maps: dict[str, str]) -> str | None:
    text = normalise(header)
    if not text:
        return None
    if text in maps:
        return maps[text]
    if text in lookup:
        return lookup[text]
    joined = _BRACKET_CHARS.sub("", text)  # 事项名称（子项） -> 事项名称子项
    if joined in lookup:
        return lookup[joined]
    return lookup.get(_BRACKETS.sub("", text))  # 法定期限（工作日） -> 法定期限


def detect(sheet: Sheet, kind: str, maps: dict[str, str]) -> Mapping | None:
    """The first row (of the first SCAN_ROWS) that names the key field and at least one other: the
    header. None when there is none."""
    lookup = _lookup(TABLES[kind])
    for number in range(1, min(SCAN_ROWS, len(sheet.rows)) + 1):
        found = {field_of(value, lookup, maps) for value in sheet.rows[number - 1]} - {None, IGNORE}
        if found & set(KEY_FIELDS[kind]) and len(found) >= 2:
            return _mapping(sheet, number, lookup, maps)
    return None


def _mapping(sheet: Sheet, row: int, lookup: dict[str, str], maps: dict[str, str]) -> Mapping:
    mapping = Mapping(sheet, row)
    seen: dict[str, int] = {}
    for column, value in enumerate(sheet.rows[row - 1], start=1):
        header = str(value).strip() if value is not None else ""
        if not header:
            continue
        span = sheet.merge_range(row, column)
        if span and span[1] != column:
            continue  # a header merged across columns: one column, the first
        name = field_of(value, lookup, maps)
        if name == IGNORE:
            mapping.unused.append((column, header, "按 --map 不导入"))
        elif name is None:
            mapping.unused.append((column, header, NO_FIELD.get(_BRACKETS.sub("", normalise(value)), "无法识别的列名，可用 --map 指定")))
        elif name in seen:
            mapping.unused.append((column, header, f"与第 {seen[name]} 列同为“{name}”，只用第一列"))
        else:
            seen[name] = column
            mapping.fields[column] = name
            mapping.used.append((column, header, name))
    unknown_maps = set(maps) - {normalise(value) for value in sheet.rows[row - 1] if value is not None}
    if unknown_maps:
        raise MapError(f"--map 中的列名在表头（第 {row} 行）中找不到：{'、'.join(sorted(unknown_maps))}。")
    return mapping


def column_letter(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
