"""Power-list rows into power items: a main item whose name is merged (or repeated) over sub-item
rows becomes the main item plus one sub-item per row; codes are kept when the workbook has them, found
by name among the department's items, or assigned as `zwgk new item` assigns them."""

from __future__ import annotations

import re
from collections import defaultdict
from types import SimpleNamespace

from zwgk.catalog.model import LEVELS, POWER_SOURCES, STATUSES
from zwgk.contrib.new import NewError, next_basic_code
from zwgk.contrib.spreadsheet import values as v
from zwgk.contrib.spreadsheet.common import Context, Parsed, Record, Reporter, Row, nest, read_rows, region_check
from zwgk.contrib.spreadsheet.headers import Mapping

CODE = re.compile(r"^\d{12}$")
NOT_RECORD_FIELDS = ("serial", "sub_name", "region")


def _code(value, context: Context):
    value = v.clean(value)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        value = f"{int(value):012d}"
        context.warnings.append(f"编码以数字保存，前导零已补回：{value}（请把这一列设为“文本”格式）")
    value = str(value).strip()
    if not CODE.match(value):
        raise v.CellError(f"编码“{value}”应为 12 位数字")
    return value


def _basis(value, context: Context):
    bases, warnings = v.basis(value)
    context.warnings += warnings
    return bases


PARSERS = {
    "serial": lambda value, c: v.clean(value),
    "basic_code": _code,
    "name": lambda value, c: v.text(value),
    "sub_name": lambda value, c: v.text(value),
    "type": lambda value, c: v.code(value, c.catalog.scheme.power_types, "权力类型"),
    "basis": _basis,
    "subject": lambda value, c: v.text(value),
    "office": lambda value, c: v.text(value),
    "source": lambda value, c: v.choice(value, POWER_SOURCES, "权力来源"),
    "levels": lambda value, c: v.levels(value, LEVELS),
    "content": lambda value, c: v.text(value),
    "conditions": lambda value, c: v.split(value),
    "time_limit.statutory": lambda value, c: v.integer(value),
    "time_limit.promised": lambda value, c: v.integer(value),
    "fees.charged": lambda value, c: v.yes_no(value),
    "fees.standard": lambda value, c: v.text(value),
    "fees.basis": lambda value, c: v.text(value),
    "result": lambda value, c: v.text(value),
    "responsibilities": lambda value, c: v.responsibilities(value),
    "accountability": lambda value, c: v.split(value),
    "contact.consult_phone": lambda value, c: v.text(value),
    "contact.complaint_phone": lambda value, c: v.text(value),
    "status": lambda value, c: v.choice(value, STATUSES, "状态"),
    "status_date": lambda value, c: v.date(value),
    "status_reason": lambda value, c: v.text(value),
    "replaced_by": _code,
    "updated": lambda value, c: v.date(value),
    "remarks": lambda value, c: v.text(value),
    "region": lambda value, c: v.code(value, c.catalog.scheme.regions, "行政区划"),
}


class Codes:
    """Basic codes: the department's by name, and new ones as `zwgk new item` gives them (the next
    main-item serial free anywhere in the catalogue), counting those given earlier in this import."""

    def __init__(self, context: Context):
        self.context = context
        catalog = context.catalog
        self.by_stem: dict[str, list] = defaultdict(list)
        self.main_serials: dict[str, set[int]] = {}  # stem -> main serials in use, once a new one was given
        self.subs: dict[str, set[int]] = defaultdict(set)
        self.main_by_name: dict[str, str] = {}
        self.sub_by_name: dict[tuple[str, str], str] = {}
        for item in catalog.items:
            self.by_stem[item.basic_code[:6]].append(item)
            self.subs[item.basic_code[:9]].add(int(item.basic_code[9:]) if item.basic_code[9:].isdigit() else 0)
            if item.dept_id == context.dept_id:
                if item.is_sub_item:
                    self.sub_by_name.setdefault((item.basic_code[:9], item.name), item.basic_code)
                else:
                    self.main_by_name.setdefault(item.name, item.basic_code)

    def new_main(self, power_type: str) -> str:
        """The next free main code, as `zwgk new item` assigns it (next_basic_code), the serials of a
        stem collected once rather than for every new main item."""
        scheme = self.context.catalog.scheme
        stem = f"{scheme.province}{power_type}{self.context.dept.sector}"
        used = self.main_serials.get(stem)
        if used is None:
            code = next_basic_code(SimpleNamespace(scheme=scheme, items=self.by_stem[stem]), power_type, self.context.dept.sector)
            used = self.main_serials[stem] = {int(i.basic_code[6:9]) for i in self.by_stem[stem] if i.basic_code[6:9].isdigit()}
        else:
            serial = next((number for number in range(1, 1000) if number not in used), None)
            if serial is None:
                raise NewError(f"编码 {stem}MMM000 的主项序号已用完。")
            code = f"{stem}{serial:03d}000"
        used.add(int(code[6:9]))
        self.by_stem[stem].append(SimpleNamespace(basic_code=code))
        return code

    def sub(self, main: str, name: str) -> str:
        known = self.sub_by_name.get((main[:9], name))
        if known:
            return known
        used = self.subs[main[:9]]
        serial = next((number for number in range(1, 1000) if number not in used), None)
        if serial is None:
            raise NewError(f"主项 {main} 的子项序号已用完。")
        used.add(serial)
        return f"{main[:9]}{serial:03d}"


def _groups(rows: list[Row], mapping: Mapping) -> list[list[Row]]:
    """Rows of one main item: those under one merged 事项名称 cell, or consecutive sub-item rows that
    repeat the main item's name (or leave it blank)."""
    name_column = mapping.column_of("name")
    groups: list[list[Row]] = []
    current_key = None
    for row in rows:
        span = mapping.sheet.merge_range(row.number, name_column)
        key = ("merged", span[0]) if span and span[2] > span[0] else None
        is_sub = bool(row.values.get("sub_name"))
        name = row.values.get("name")
        same = bool(groups) and (
            (key is not None and key == current_key)
            or (key is None and current_key is None and is_sub and name in (None, groups[-1][0].values.get("name")))
        )
        if same:
            groups[-1].append(row)
        else:
            groups.append([row])
        current_key = key
    return groups


def _fields(mapping: Mapping) -> list[str]:
    return [name for name in mapping.fields.values() if name not in NOT_RECORD_FIELDS]


class PowerImport:
    def __init__(self, mapping: Mapping, context: Context):
        self.mapping, self.context = mapping, context
        self.parsed = Parsed()
        self.report = Reporter(context, self.parsed)
        self.codes = Codes(context)
        self.seen: dict[str, int] = {}  # code -> row

    def run(self) -> Parsed:
        rows = read_rows(self.mapping, PARSERS, self.context, self.report)
        for group in _groups(rows, self.mapping):
            self._group(group)
        return self.parsed

    def _error(self, row: Row, field_name: str, rule: str, message: str, record: str = "") -> None:
        self.report.add(row.number, row.columns.get(field_name, 0), rule, message, record)
        row.failed = True

    def _main_code(self, main: Row | None, subs: list[Row], name: str, power_type: str | None) -> str | None:
        if main is not None and main.values.get("basic_code"):
            code = main.values["basic_code"]
            if not code.endswith("000"):
                self._error(main, "basic_code", "bad-code", f"主项的编码 {code} 应以 000 结尾：子项请在“子项名称”列写名称。")
                return None
            return code
        stems = {row.values["basic_code"][:9] for row in subs if row.values.get("basic_code")}
        if len(stems) > 1:
            for row in subs:
                self._error(row, "basic_code", "bad-code", f"同一主项下子项编码的前 9 位不一致（{'、'.join(sorted(stems))}）。")
            return None
        if stems:
            return stems.pop() + "000"
        if name in self.codes.main_by_name:
            return self.codes.main_by_name[name]
        if power_type is None:
            return None
        try:
            return self.codes.new_main(power_type)
        except NewError as error:
            self._error(main or subs[0], "type", "no-free-code", str(error))
            return None

    def _section_type(self, row: Row) -> str | None:
        """The power type a section heading such as 一、行政许可（共 12 项） names."""
        types = self.context.catalog.scheme.power_types
        return next((code for code, label in sorted(types.items(), key=lambda pair: -len(pair[1])) if label in row.section), None)

    def _type(self, row: Row, code: str | None, inherited: str | None) -> str | None:
        power_type = row.values.get("type") or inherited
        if code and power_type and code[2:4] != power_type:
            self._error(row, "type", "type-mismatch", f"权力类型 {power_type} 与编码 {code} 的第 3-4 位（{code[2:4]}）不一致。", code)
        if power_type is None and code and code[2:4] in self.context.catalog.scheme.power_types:
            power_type = code[2:4]
        return power_type

    def _group(self, group: list[Row]) -> None:
        name = next((row.values["name"] for row in group if row.values.get("name")), None)
        if name is None:
            for row in group:
                self._error(row, "name", "missing-value", "缺少事项名称。")
            return
        mains = [row for row in group if not row.values.get("sub_name")]
        subs = [row for row in group if row.values.get("sub_name")]
        for extra in mains[1:]:
            self._error(extra, "sub_name", "duplicate-main", f"主项“{name}”在第 {mains[0].number} 行已有一行：子项行请填写“子项名称”。")
        main = mains[0] if mains else None
        fields = _fields(self.mapping)
        if main is not None:
            main_values = dict(main.values)
        else:
            # No row of its own: the main item takes what all its sub-item rows agree on.
            main_values = {
                f: subs[0].values.get(f) for f in fields if f != "basic_code" and len({repr(row.values.get(f)) for row in subs}) == 1
            }
            # A nested field (time_limit, fees, contact) only whole: all its columns agree, or none is taken.
            split = {f.split(".")[0] for f in fields if "." in f and f not in main_values}
            main_values = {f: value for f, value in main_values.items() if f.split(".")[0] not in split}
            fields = [f for f in fields if f in main_values] + ["name"]
        main_values["name"] = name
        power_type = main_values.get("type") or next((row.values["type"] for row in subs if row.values.get("type")), None)
        power_type = power_type or self._section_type(main or subs[0])
        code = self._main_code(main, subs, name, power_type)
        anchor = main or subs[0]
        if code is None:
            if not anchor.failed:
                self._error(anchor, "type", "missing-value", "缺少权力类型：没有编码的事项需要权力类型才能分配编码。", name)
            for row in subs:
                if not row.failed:
                    self._error(row, "basic_code", "main-failed", f"主项“{name}”无法导入，这一子项也未导入。", name)
            return
        main_type = self._type(main, code, power_type) if main is not None else power_type
        self._emit(main, anchor, code, main_type, main_values, fields, name)
        for row in subs:
            self._sub(row, code, main_type)

    def _emit(self, main: Row | None, anchor: Row, code: str, power_type: str | None, values: dict, fields: list[str], name: str) -> None:
        label = f"{code} {name}"
        if main is not None:
            region_check(main, self.context, self.report, label)
        if main is not None and (main.failed or main.number in self.parsed.failed_rows):
            return
        if power_type is None:
            self._error(anchor, "type", "missing-value", "缺少权力类型。", label)
            return
        if code in self.seen:
            self._error(anchor, "basic_code", "duplicate-code", f"编码 {code} 在第 {self.seen[code]} 行已出现。", label)
            return
        self.seen[code] = anchor.number
        data = nest({**values, "basic_code": code, "type": power_type}, ["basic_code", *fields, "type"])
        self.parsed.records.append(Record("item", code, data, [anchor.number], label))

    def _sub(self, row: Row, main_code: str, main_type: str | None) -> None:
        name = row.values["sub_name"]
        code = row.values.get("basic_code")
        if code and (code[:9] != main_code[:9] or code.endswith("000")):
            self._error(
                row, "basic_code", "bad-code", f"子项编码 {code} 应以主项编码的前 9 位 {main_code[:9]} 开头、且不以 000 结尾。", name
            )
        if not code and not row.failed:
            try:
                code = self.codes.sub(main_code, name)
            except NewError as error:
                self._error(row, "sub_name", "no-free-code", str(error), name)
        power_type = self._type(row, code, main_type)
        label = f"{code} {name}"
        region_check(row, self.context, self.report, label)
        if row.failed or row.number in self.parsed.failed_rows:
            return
        if code in self.seen:
            self._error(row, "basic_code", "duplicate-code", f"编码 {code} 在第 {self.seen[code]} 行已出现。", label)
            return
        self.seen[code] = row.number
        data = nest({**row.values, "name": name, "basic_code": code, "type": power_type}, ["basic_code", *_fields(self.mapping), "type"])
        self.parsed.records.append(Record("item", code, data, [row.number], label))


def parse_powers(mapping: Mapping, context: Context) -> Parsed:
    return PowerImport(mapping, context).run()
