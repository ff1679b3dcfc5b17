"""Merge imported records into the department's YAML files.

Fields the workbook carries are written (an empty cell clears the field); fields it lacks (flows,
materials) are kept. A value equal in meaning to the one in the file (the same text, a single
condition written as a string, a default left out) keeps the file's own form, so an unchanged
workbook changes no file, byte for byte, and a changed row changes only its own file. Keys keep their
order; new keys go where the model puts them; files are written as `zwgk new` writes them, with the
comment lines at the top kept."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from zwgk.catalog import yamlio
from zwgk.catalog.loader import Catalog
from zwgk.catalog.model import Basis, Contact, Entry, Fees, PowerItem, TimeLimit
from zwgk.contrib.spreadsheet.common import Record
from zwgk.contrib.spreadsheet.values import EMPTY, guess_level
from zwgk.sample.generate import dump

NESTED = {"time_limit": list(TimeLimit.model_fields), "fees": list(Fees.model_fields), "contact": list(Contact.model_fields)}
ORDER = {"item": list(PowerItem.model_fields), "entry": list(Entry.model_fields)}
BASIS_ORDER = list(Basis.model_fields)


def blank(value: object) -> bool:
    if value is None or value == [] or value == {}:
        return True
    return isinstance(value, str) and value.strip() in EMPTY


def same(old: object, new: object) -> bool:
    """Equal in meaning: what a round trip through a spreadsheet cannot tell apart."""
    if blank(old) and blank(new):
        return True
    if isinstance(old, bool) or isinstance(new, bool):
        return type(old) is type(new) and old == new
    if isinstance(old, str) and isinstance(new, str):
        return old.strip() == new.strip()
    if isinstance(old, str) and isinstance(new, list):
        return len(new) == 1 and same(old, new[0])
    if isinstance(old, list) and isinstance(new, list):
        return len(old) == len(new) and all(same(a, b) for a, b in zip(old, new, strict=True))
    if isinstance(old, dict) and isinstance(new, dict):
        return all(same(old.get(key), new.get(key)) for key in {*old, *new})
    if (isinstance(old, int) and isinstance(new, str)) or (isinstance(old, str) and isinstance(new, int)):
        return str(old).strip() == str(new).strip()
    return old == new


def ordered(data: dict, existing: dict | None, order: list[str]) -> dict:
    """The keys of `existing` in their order; keys it lacks where `order` puts them."""
    rank = {key: number for number, key in enumerate(order)}
    keys = [key for key in (existing or {}) if key in data]
    for key in sorted((key for key in data if key not in keys), key=lambda k: rank.get(k, len(order))):
        place = len(keys)
        if key in rank:
            before = [number for number, other in enumerate(keys) if rank.get(other, len(order)) < rank[key]]
            place = before[-1] + 1 if before else 0
        keys.insert(place, key)
    return {key: data[key] for key in keys}


def merge_basis(old: object, new: list[dict]) -> object:
    """The workbook's legal bases, keeping each matching basis's level (and anything else it has)."""
    olds = [entry for entry in old if isinstance(entry, dict)] if isinstance(old, list) else []
    merged = []
    for entry in new:
        match = next((o for o in olds if o.get("title") == entry["title"] and o.get("article") == entry.get("article")), None)
        match = match or next((o for o in olds if o.get("title") == entry["title"]), None)
        result = dict(match) if match else {}
        result["level"] = entry.get("level") or (match or {}).get("level") or guess_level(entry["title"])
        for key in ("title", "article", "text"):
            if entry.get(key):
                result[key] = entry[key] if not (match and same(match.get(key), entry[key])) else match[key]
            elif key in result and not (match and blank(match.get(key))):
                del result[key]
        merged.append(ordered(result, match, BASIS_ORDER))
    return old if same(old, merged) else merged


def _fees(sub: dict) -> dict:
    """A workbook with 收费标准 but no 是否收费 column: 不收费/免费/empty means not charged."""
    if sub and "charged" not in sub:
        standard = str(sub.get("standard") or "")
        sub["charged"] = not (blank(standard) or "不收费" in standard or "免费" in standard)
    return sub


def merge_record(existing: dict | None, data: dict, kind: str, defaults: dict) -> tuple[dict, list[tuple[str, str]]]:
    """The record as it will be written, and problems (field, message) that keep it from being written."""
    result = dict(existing or {})
    problems = []
    for key, value in data.items():
        old = result.get(key)
        if key in NESTED and isinstance(value, dict):
            sub = dict(old) if isinstance(old, dict) else {}
            for sub_key, sub_value in value.items():
                if same(sub.get(sub_key), sub_value):
                    continue
                if blank(sub_value):
                    sub.pop(sub_key, None)
                else:
                    sub[sub_key] = sub_value
            sub = _fees(sub) if key == "fees" else sub
            if key == "time_limit" and len(sub) == 1:
                missing = "承诺期限" if "statutory" in sub else "法定期限"
                problems.append(
                    (f"time_limit.{'promised' if 'statutory' in sub else 'statutory'}", f"只填了一项期限：请同时填写{missing}。")
                )
            if sub:
                result[key] = sub if sub != old else old
                result[key] = ordered(result[key], old if isinstance(old, dict) else None, NESTED[key])
            else:
                result.pop(key, None)
            continue
        if key == "basis" and isinstance(value, list):
            value = merge_basis(old, value)
        if same(old, value) or (key not in result and value == defaults.get(key)):
            continue
        if blank(value):
            result.pop(key, None)
        else:
            result[key] = value
    return ordered(result, existing, ORDER[kind]), problems


def _header(text: str) -> str:
    """The comment lines at the top of a file, kept when it is rewritten."""
    lines = []
    for line in text.splitlines(keepends=True):
        if not line.startswith("#"):
            break
        lines.append(line)
    return "".join(lines)


@dataclass
class Plan:
    """What an import writes: file contents by path (relative to the catalogue root)."""

    root: Path
    files: dict[str, str] = field(default_factory=dict)
    created: set[str] = field(default_factory=set)
    changed_records: list[Record] = field(default_factory=list)
    new_records: int = 0  # of the changed records, those that did not exist
    unchanged: int = 0
    problems: list[tuple[Record, str, str]] = field(default_factory=list)  # record, field, message

    def write(self) -> None:
        for rel, text in self.files.items():
            path = self.root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")


def _read(path: Path) -> tuple[object, str]:
    if not path.is_file():
        return None, ""
    raw = path.read_bytes()
    data, problems = yamlio.parse(raw)
    text = raw.decode("utf-8", errors="replace")
    return (None if problems else data), _header(text)


def unchanged(model, record: Record, kind: str, defaults: dict) -> bool:
    """Whether the record leaves the loaded one as it is, judged on the loaded model alone (a dump of
    it holds every value the file holds, in the same form, plus defaults the merge treats alike): most
    rows of a re-imported workbook, so their files need not be parsed again."""
    if model is None:
        return False
    dumped = model.model_dump(mode="json", exclude_none=True)
    merged, problems = merge_record(dumped, record.data, kind, defaults)
    return not problems and merged == dumped


def plan_items(catalog: Catalog, dept_id: str, records: list[Record]) -> Plan:
    plan = Plan(catalog.root)
    loaded = {item.basic_code: item for item in catalog.items if item.dept_id == dept_id}
    files = {code: item.file for code, item in loaded.items()}
    for record in records:
        if unchanged(loaded.get(record.key), record, "item", {"status": "有效"}):
            plan.unchanged += 1
            continue
        rel = files.get(record.key) or f"departments/{dept_id}/powers/{record.key}.yml"
        existing, header = _read(catalog.root / rel)
        if (catalog.root / rel).is_file() and not isinstance(existing, dict):
            plan.problems.append((record, "basic_code", f"已有的文件 {rel} 无法读取：请先按 zwgk check 的提示修正它。"))
            continue
        merged, problems = merge_record(existing, record.data, "item", {"status": "有效"})
        if problems:
            plan.problems += [(record, name, message) for name, message in problems]
            continue
        if merged == existing:
            plan.unchanged += 1
            continue
        plan.files[rel] = header + dump(merged)
        plan.changed_records.append(record)
        if existing is None:
            plan.created.add(rel)
            plan.new_records += 1
    return plan


def plan_entries(catalog: Catalog, dept_id: str, records: list[Record]) -> Plan:
    plan = Plan(catalog.root)
    base = f"departments/{dept_id}/disclosure"
    lists: dict[str, list] = {}
    headers: dict[str, str] = {}
    originals: dict[str, list] = {}
    where: dict[str, str] = {}  # 索引号 -> file
    loaded = {}
    for entry in catalog.entries_of(dept_id):
        where.setdefault(entry.index, entry.file)
        loaded.setdefault(entry.index, entry)

    def load(rel: str) -> list:
        if rel not in lists:
            data, headers[rel] = _read(catalog.root / rel)
            lists[rel] = list(data) if isinstance(data, list) else []
            originals[rel] = list(lists[rel])
        return lists[rel]

    for record in records:
        if unchanged(loaded.get(record.key), record, "entry", {"validity": "有效", "publisher": dept_id}):
            plan.unchanged += 1
            continue
        old_rel = where.get(record.key)
        entries = load(old_rel) if old_rel else []
        position = next((n for n, e in enumerate(entries) if isinstance(e, dict) and e.get("index") == record.key), None)
        existing = entries[position] if position is not None else None
        merged, problems = merge_record(existing, record.data, "entry", {"validity": "有效", "publisher": dept_id})
        if problems or not merged.get("date"):
            plan.problems += [(record, name, message) for name, message in problems] or [(record, "date", "缺少生成日期。")]
            continue
        if merged == existing:
            plan.unchanged += 1
            continue
        target = f"{base}/{str(merged['date'])[:4]}.yml"
        if position is not None and target == old_rel:
            entries[position] = merged
        else:
            if position is not None:
                del entries[position]
            load(target).append(merged)
            where[record.key] = target
        plan.changed_records.append(record)
        plan.new_records += existing is None
    for rel, entries in lists.items():
        if entries != originals[rel]:
            plan.files[rel] = headers[rel] + (dump(entries) if entries else "[]\n")
            if not (catalog.root / rel).is_file():
                plan.created.add(rel)
    return plan
