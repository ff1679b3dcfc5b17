"""`zwgk new item` and `zwgk new entry`: a new record under the next free code, so that nobody makes
up a basic code or a 索引号 by hand.

A new item is a province-added item (`SS` = the province prefix) of the given type in the department's
sector, under the next main-item serial free anywhere in the catalogue (the same basic code means the
same item everywhere). Its skeleton passes the check; every text to be written is marked 待填写.
A new entry is appended to disclosure/<year>.yml, leaving what is there untouched, under the next
serial of its publisher prefix and period. It is written through the YAML structure: after the last
entry of a block list (before a `...` end marker, at the list's indentation), or inside a flow list
(`[]`, `[{...}]`); the result is parsed again and must be the old list plus the new entry, or nothing
is written and the command refuses. A link, or a file with errors, is refused.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import yaml

from zwgk.catalog import yamlio
from zwgk.catalog.codes import index_period, index_prefix, make_index, parse_index
from zwgk.catalog.loader import Catalog, load_catalog
from zwgk.catalog.model import MODES
from zwgk.catalog.safe_read import UnreadableFile, read_regular
from zwgk.sample import generate as synth

TODO = "待填写"


class NewError(Exception):
    pass


def _department(catalog: Catalog, dept_id: str):
    dept = catalog.departments.get(dept_id)
    if dept is None:
        known = "、".join(sorted(catalog.departments)[:10])
        raise NewError(f"没有部门“{dept_id}”：部门文件夹名应为 catalog/departments/ 下的文件夹之一（如 {known}）。")
    return dept


def next_basic_code(catalog: Catalog, power_type: str, sector: str) -> str:
    stem = f"{catalog.scheme.province}{power_type}{sector}"
    used = {int(item.basic_code[6:9]) for item in catalog.items if item.basic_code.startswith(stem) and item.basic_code[6:9].isdigit()}
    serial = next(number for number in range(1, 1000) if number not in used) if len(used) < 999 else None
    if serial is None:
        raise NewError(f"编码 {stem}MMM000 的主项序号已用完。")
    return f"{stem}{serial:03d}000"


def item_skeleton(catalog: Catalog, dept_id: str, power_type: str, name: str, today: dt.date) -> tuple[str, dict]:
    dept = _department(catalog, dept_id)
    if power_type not in catalog.scheme.power_types:
        types = "、".join(f"{code} {label}" for code, label in catalog.scheme.power_types.items())
        raise NewError(f"权力类型“{power_type}”不在编码方案中：应为 {types} 之一。")
    if not name.strip():
        raise NewError("事项名称不能为空。")
    code = next_basic_code(catalog, power_type, dept.sector)
    office = dept.disclosure_office.name if dept.disclosure_office else dept.name
    item = {
        "basic_code": code,
        "name": name.strip(),
        "type": power_type,
        "basis": [{"level": "法律", "title": f"《{TODO}：法律法规名称》", "article": "第一条", "text": f"{TODO}：依据的条文。"}],
        "subject": dept.name,
        "office": f"{TODO}：承办处室",
        "source": "法定本级行使",
        "levels": [dept.level],
        "content": f"{TODO}：服务内容。",
        "conditions": [f"{TODO}：申报条件。"],
        "materials": [{"name": "申请书", "required": True, "form": "纸质或电子", "copies": 1, "source": "申请人自备"}],
        "flow": [
            {"id": "accept", "name": "受理", "actor": office, "days": 1, "next": "review"},
            {"id": "review", "name": "审查", "actor": f"{TODO}：承办处室", "days": 5, "next": "decide"},
            {"id": "decide", "name": "决定", "actor": "分管负责人", "days": 2, "end": True},
        ],
        "time_limit": {"statutory": 20, "promised": 8},
        "fees": {"charged": False, "basis": "", "standard": "不收费"},
        "result": f"{TODO}：办理结果。",
        "responsibilities": [
            {"phase": "受理", "duty": "依法受理或不予受理，并一次性告知需要补正的材料。"},
            {"phase": "审查", "duty": "对申请材料进行审查，提出审查意见。"},
            {"phase": "决定", "duty": "依法作出决定，不予办理的说明理由。"},
        ],
        "accountability": [f"{TODO}：追责情形。"],
        "contact": {
            "consult_phone": dept.disclosure_office.phone if dept.disclosure_office else "",
            "complaint_phone": dept.supervision_phone,
        },
        "updated": today.isoformat(),
    }
    return code, item


def write_item(root: Path, dept_id: str, power_type: str, name: str, today: dt.date | None = None) -> Path:
    catalog = load_catalog(root)
    code, item = item_skeleton(catalog, dept_id, power_type, name, today or dt.date.today())
    path = root / "departments" / dept_id / "powers" / f"{code}.yml"
    if path.is_symlink() or path.exists():  # a link the loader refused: never written through
        raise NewError(f"departments/{dept_id}/powers/{code}.yml 已存在（或是符号链接）：请先删除它，再新增事项。")
    path.parent.mkdir(parents=True, exist_ok=True)
    _replace(path, synth.dump(item).encode("utf-8"))
    return path


def next_index(catalog: Catalog, dept_id: str, date: dt.date) -> str:
    dept = _department(catalog, dept_id)
    form = catalog.scheme.index_formats[0]
    prefix, period = index_prefix(form, dept.uscc), index_period(form, date)
    serials = [
        number.serial
        for entry in catalog.entries
        if (number := parse_index(entry.index, catalog.scheme.index_formats)) and (number.prefix, number.period) == (prefix, period)
    ]
    return make_index(form, dept.uscc, date, max(serials, default=0) + 1)


def write_entry(
    root: Path, dept_id: str, date: dt.date, title: str, mode: str = "主动公开", doc_number: str | None = None
) -> tuple[Path, str]:
    if not title.strip():
        raise NewError("信息名称不能为空。")
    if mode not in MODES:
        raise NewError(f"公开方式应为 {'、'.join(MODES)} 之一。")
    catalog = load_catalog(root)
    index = next_index(catalog, dept_id, date)
    entry = {"index": index, "title": title.strip(), "date": date.isoformat(), "published": date.isoformat(), "mode": mode}
    if doc_number:
        entry["doc_number"] = doc_number
    path = root / "departments" / dept_id / "disclosure" / f"{date.year}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    _append_entry(path, f"departments/{dept_id}/disclosure/{date.year}.yml", entry)
    return path, index


_BOM = b"\xef\xbb\xbf"


def _append_entry(path: Path, rel: str, entry: dict) -> None:
    """Add `entry` at the end of the list in `path`, leaving every existing byte as it was."""
    if not path.is_symlink() and not path.exists():
        _replace(path, synth.dump([entry]).encode("utf-8"))
        return
    try:
        raw = read_regular(path, rel)
    except UnreadableFile as error:
        raise NewError(error.message) from None
    data, problems = yamlio.parse(raw)
    if any(problem.rule != "file.bom" for problem in problems):
        raise NewError(f"{rel} 中有错误，无法追加条目：请先运行 zwgk check 修正。")
    bom, text = (_BOM, raw[len(_BOM) :].decode("utf-8")) if raw.startswith(_BOM) else (b"", raw.decode("utf-8"))
    node = yamlio.compose(raw)
    if data is None or node is None:  # empty, or only comments
        updated = text + ("\n" if text and not text.endswith("\n") else "") + synth.dump([entry])
    elif not isinstance(node, yaml.SequenceNode):
        raise NewError(f"{rel} 不是条目列表，无法追加条目：目录文件中每个条目以“- ”开头。")
    elif node.flow_style:
        # Inside the brackets: after the last entry (before any trailing comma or comment), or after "[".
        at = node.value[-1].end_mark.index if node.value else node.start_mark.index + 1
        updated = text[:at] + (", " if node.value else "") + json.dumps(entry, ensure_ascii=False) + text[at:]
    else:
        # A block list ends where the next token starts: the end of the file, or a "..." end marker.
        at = node.end_mark.index
        block = "".join(" " * node.start_mark.column + line for line in synth.dump([entry]).splitlines(keepends=True))
        if at and text[at - 1] != "\n":
            block = "\n" + block
        updated = text[:at] + block + text[at:]
    payload = bom + updated.encode("utf-8")
    after, _ = yamlio.parse(payload)
    expected, _ = yamlio.parse(synth.dump([entry]).encode("utf-8"))
    if after != (data or []) + expected:
        raise NewError(f"无法在 {rel} 中安全地追加条目（文件的写法不常见）：请手工添加，或把它改写成以“- ”开头的列表。")
    _replace(path, payload)


def _replace(path: Path, payload: bytes) -> None:
    """Write `payload` to `path` all at once (a temporary file renamed over it; never through a link)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(payload)
    os.replace(temporary, path)
