"""`zwgk diff BASE HEAD`: what a change does to the catalogue, department by department: items added,
removed, changed (which fields) and recoded; entries added, removed and changed. An entry that keeps
its title and date but gets a new 索引号 is an error: an index never changes once published.

Only the files that differ between the two sides are read (with scheme.yml and the departments'
files, for names), so a small change to a province is compared in seconds."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from zwgk.catalog.cache import default_cache_dir
from zwgk.catalog.findings import log_safe
from zwgk.catalog.loader import load_catalog
from zwgk.catalog.model import Entry, PowerItem, Record
from zwgk.catalog.safe_read import UnreadableFile, read_regular
from zwgk.catalog.snapshot import UNCHECKABLE, SnapshotError, catalogue_of, uncheckable_reason
from zwgk.catalog.text import xml_safe

MAX_LISTED = 200  # per list in the Markdown summary: a job summary page has a size limit


@dataclass
class DepartmentDiff:
    dept_id: str
    name: str
    items_added: list[tuple[str, str]] = field(default_factory=list)  # (basic code, name)
    items_removed: list[tuple[str, str]] = field(default_factory=list)
    items_changed: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (code, name, field titles)
    items_recoded: list[tuple[str, str, str]] = field(default_factory=list)  # (old code, new code, name)
    entries_added: list[tuple[str, str]] = field(default_factory=list)  # (索引号, title)
    entries_removed: list[tuple[str, str]] = field(default_factory=list)
    entries_changed: list[tuple[str, str, list[str]]] = field(default_factory=list)
    entries_reindexed: list[tuple[str, str, str]] = field(default_factory=list)  # (old 索引号, new 索引号, title)

    @property
    def empty(self) -> bool:
        return not any(value for name, value in vars(self).items() if isinstance(value, list))


@dataclass
class CatalogDiff:
    departments: list[DepartmentDiff]

    @property
    def errors(self) -> int:
        return sum(len(dept.entries_reindexed) for dept in self.departments)


class DiffError(Exception):
    pass


# ---- reading the two sides -----------------------------------------------------------------------


def _digests(root: Path) -> dict[str, str]:
    """A digest of every .yml file under `root`. Links are not followed (the loader reports them) and
    no file is read past the size limit: an unreadable file's digest is its refusal."""
    digests = {}
    for folder, dirs, files in os.walk(root):  # os.walk does not enter linked folders
        for name in [*files, *(d for d in dirs if os.path.islink(os.path.join(folder, d)))]:
            path = Path(folder) / name
            if path.suffix != ".yml" and not path.is_symlink():
                continue
            rel = path.relative_to(root).as_posix()
            try:
                digests[rel] = hashlib.sha1(read_regular(path, rel)).hexdigest()
            except UnreadableFile as error:
                digests[rel] = f"{error.rule}:{error.message}"
    return digests


def _fields_changed(old: Record, new: Record) -> list[str]:
    before, after = old.model_dump(mode="json"), new.model_dump(mode="json")
    titles = type(new).model_fields
    return [titles[name].title or name if name in titles else name for name in after if before.get(name) != after.get(name)]


def diff_catalogues(base: Path, head: Path, cache_dir: Path | None = None) -> CatalogDiff:
    before, after = _digests(base), _digests(head)
    changed = {rel for rel in before.keys() | after.keys() if before.get(rel) != after.get(rel)}
    try:
        old = load_catalog(base, cache_dir=cache_dir, only=changed.__contains__)
    except UNCHECKABLE as error:
        raise DiffError(f"无法读取旧版本的目录：{uncheckable_reason(error)}") from None
    try:
        new = load_catalog(head, cache_dir=cache_dir, only=changed.__contains__)
    except UNCHECKABLE as error:
        raise DiffError(f"无法读取新版本的目录：{uncheckable_reason(error)}") from None
    names = {dept_id: dept.short_name for dept_id, dept in {**old.departments, **new.departments}.items()}
    departments: dict[str, DepartmentDiff] = {}

    def dept(dept_id: str) -> DepartmentDiff:
        return departments.setdefault(dept_id, DepartmentDiff(dept_id, names.get(dept_id, dept_id)))

    _compare_items(old.items, new.items, dept)
    _compare_entries(old.entries, new.entries, dept)
    return CatalogDiff([departments[key] for key in sorted(departments) if not departments[key].empty])


def _compare_items(old: list[PowerItem], new: list[PowerItem], dept) -> None:
    before = {(item.dept_id, item.basic_code): item for item in old}
    after = {(item.dept_id, item.basic_code): item for item in new}
    removed = {key: before[key] for key in before.keys() - after.keys()}
    added = {key: after[key] for key in after.keys() - before.keys()}
    # The same item under a new code: one removed and one added in a department, with the same name.
    by_name = {(item.dept_id, item.name): key for key, item in removed.items()}
    for _key, item in sorted(added.items()):
        old_key = by_name.pop((item.dept_id, item.name), None)
        if old_key is not None:
            dept(item.dept_id).items_recoded.append((old_key[1], item.basic_code, item.name))
            del removed[old_key]
        else:
            dept(item.dept_id).items_added.append((item.basic_code, item.name))
    for (dept_id, code), item in sorted(removed.items()):
        dept(dept_id).items_removed.append((code, item.name))
    for key in sorted(before.keys() & after.keys()):
        fields = _fields_changed(before[key], after[key])
        if fields:
            dept(key[0]).items_changed.append((key[1], after[key].name, fields))


def _compare_entries(old: list[Entry], new: list[Entry], dept) -> None:
    before = {entry.index: entry for entry in old}
    after = {entry.index: entry for entry in new}
    removed = {index: before[index] for index in before.keys() - after.keys()}
    # A published entry under a new 索引号: same department, title and date.
    by_identity: dict[tuple, list[str]] = defaultdict(list)
    for index, entry in removed.items():
        by_identity[(entry.dept_id, entry.title, entry.date)].append(index)
    for index in sorted(after.keys() - before.keys()):
        entry = after[index]
        candidates = by_identity.get((entry.dept_id, entry.title, entry.date))
        if candidates:
            old_index = candidates.pop(0)
            del removed[old_index]
            dept(entry.dept_id).entries_reindexed.append((old_index, index, entry.title))
        else:
            dept(entry.dept_id).entries_added.append((index, entry.title))
    for index, entry in sorted(removed.items()):
        dept(entry.dept_id).entries_removed.append((index, entry.title))
    for index in sorted(before.keys() & after.keys()):
        fields = _fields_changed(before[index], after[index])
        if fields:
            dept(after[index].dept_id).entries_changed.append((index, after[index].title, fields))


def diff(base_spec: str, head_spec: str, repo: Path, catalog_path: str = "catalog") -> CatalogDiff:
    with tempfile.TemporaryDirectory(prefix="zwgk-diff-") as scratch:
        try:
            base = catalogue_of(base_spec, repo, catalog_path, Path(scratch))
            head = catalogue_of(head_spec, repo, catalog_path, Path(scratch))
        except SnapshotError as error:
            raise DiffError(str(error)) from None
        return diff_catalogues(base, head, default_cache_dir())


# ---- output --------------------------------------------------------------------------------------

_COUNTS = (
    ("新增事项", "items_added"),
    ("删除事项", "items_removed"),
    ("修改事项", "items_changed"),
    ("重新编码", "items_recoded"),
    ("新增条目", "entries_added"),
    ("删除条目", "entries_removed"),
    ("修改条目", "entries_changed"),
    ("索引号被改", "entries_reindexed"),
)


def _lines(dept: DepartmentDiff) -> list[tuple[str, list[str]]]:
    return [
        ("新增事项", [f"{code} {name}" for code, name in dept.items_added]),
        ("删除事项", [f"{code} {name}" for code, name in dept.items_removed]),
        ("修改事项", [f"{code} {name}：{'、'.join(fields)}" for code, name, fields in dept.items_changed]),
        ("重新编码（同一事项换了基本编码，请确认是否有意为之）", [f"{old} → {new} {name}" for old, new, name in dept.items_recoded]),
        ("新增条目", [f"{index} {title}" for index, title in dept.entries_added]),
        ("删除条目", [f"{index} {title}" for index, title in dept.entries_removed]),
        ("修改条目", [f"{index} {title}：{'、'.join(fields)}" for index, title, fields in dept.entries_changed]),
        (
            "错误：已公开条目的索引号被改动（索引号一经公开永不改变）",
            [f"{old} → {new} {title}" for old, new, title in dept.entries_reindexed],
        ),
    ]


def summary_line(result: CatalogDiff) -> str:
    totals = {label: sum(len(getattr(dept, name)) for dept in result.departments) for label, name in _COUNTS}
    counts = "，".join(f"{label} {count}" for label, count in totals.items() if count) or "目录没有变化"
    return f"{len(result.departments)} 个部门有变化：{counts}。" if result.departments else "目录没有变化。"


def format_text(result: CatalogDiff) -> str:
    """Plain text for a terminal or a CI log: catalogue text never forms a workflow command."""
    out = []
    for dept in result.departments:
        out.append(log_safe(f"{dept.name}（{dept.dept_id}）"))
        for label, lines in _lines(dept):
            if lines:
                out.append(f"  {label}：")
                out += [log_safe(f"    {line}") for line in lines]
    out.append(summary_line(result))
    return "\n".join(out) + "\n"


# Markdown (GitHub's, for job summaries and comments) that contributor text could use to link to or
# load from any host: links and images ([x](…), ![x](…), [x]: …), autolinks (<…>, https://…, www.…,
# a@b.c: the colon, the dot and the @ are escaped) and the emphasis and code marks around them. Any
# ASCII punctuation may be backslash-escaped in CommonMark; < > & become entities.
_MD_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:@])")
_MD_SPACE = re.compile(r"\s+")


def _md(value: str) -> str:
    """Contributor text in a Markdown table or list: no markup, no links, images or autolinks, no
    table breaks, one line."""
    text = _MD_PUNCTUATION.sub(r"\\\1", _MD_SPACE.sub(" ", xml_safe(value)).strip())
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def format_markdown(result: CatalogDiff) -> str:
    out = ["## 目录变更摘要", "", summary_line(result), ""]
    if not result.departments:
        return "\n".join(out) + "\n"
    if result.errors:
        out += [f"> **错误**：{result.errors} 条已公开条目的索引号被改动。索引号一经公开永不改变，请改回原索引号。", ""]
    out.append("| 部门 | " + " | ".join(label for label, _ in _COUNTS) + " |")
    out.append("|---|" + "---:|" * len(_COUNTS))
    for dept in result.departments:
        out.append(f"| {_md(dept.name)} | " + " | ".join(str(len(getattr(dept, name))) for _, name in _COUNTS) + " |")
    out.append("")
    for dept in result.departments:
        out += [f"### {_md(dept.name)}（{dept.dept_id}）", ""]
        for label, lines in _lines(dept):
            if lines:
                out.append(f"**{label}**")
                out.append("")
                out += [f"- {_md(line)}" for line in lines[:MAX_LISTED]]
                if len(lines) > MAX_LISTED:
                    out.append(f"- ……另有 {len(lines) - MAX_LISTED} 项")
                out.append("")
    return "\n".join(out) + "\n"
