"""Which files make a catalogue: the scheme, each department's folder and the records in it. Links,
devices and files of unknown kinds are refused here, with a report naming them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from zwgk.catalog.codes import DEPT_ID_RE, YEAR_FILE_RE
from zwgk.catalog.findings import Report
from zwgk.catalog.safe_read import symlink_message

# ---- file discovery ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    path: Path
    rel: str
    kind: str  # scheme | department | item | disclosure | annual
    dept: str = ""


def whole_line(path: Path) -> int:
    """The line of a finding about a whole file (1) or folder (0, as for every folder-level finding)."""
    return 0 if path.is_dir() else 1


def discover(root: Path, folders: list[str], reports: list[Report]) -> list[Source]:
    """Every file to load. Symbolic links are never followed (see safe_read): each is reported by its
    path, and a linked folder is not listed, so no outside file or name gets into a report. Every
    department folder's name goes into `folders`, loaded or not."""
    sources = [Source(root / "scheme.yml", "scheme.yml", "scheme")]
    departments = root / "departments"
    if departments.is_symlink():
        reports.append(Report("file.symlink", "departments", (), symlink_message("departments"), line=0))
        return sources
    if not departments.is_dir():
        return sources
    for folder in sorted(p for p in departments.iterdir() if not p.name.startswith(".")):
        rel_folder = f"departments/{folder.name}"
        if folder.is_symlink():
            line = whole_line(folder)
            reports.append(Report("file.symlink", rel_folder, (), symlink_message(rel_folder), line=line, column=line))
            continue
        if not folder.is_dir():
            reports.append(Report("file.unexpected", rel_folder, (), "departments/ 下只应有部门文件夹：请移走这个文件。"))
            continue
        if not DEPT_ID_RE.match(folder.name):
            reports.append(
                Report(
                    "dept.folder-name",
                    rel_folder,
                    (),
                    f"部门文件夹名“{folder.name}”不符合“6 位行政区划代码-简称”的格式（简称为 2 至 16 位小写字母或数字），如 340000-fgw。",
                )
            )
            continue
        folders.append(folder.name)
        department = folder / "department.yml"
        if not department.is_symlink() and not department.is_file():
            reports.append(Report("dept.missing-file", rel_folder, (), "部门文件夹中缺少 department.yml：请按格式说明添加部门信息。"))
        else:  # a link is refused when it is read, naming it
            sources.append(Source(department, f"{rel_folder}/department.yml", "department", folder.name))
        sources += _discover_folder(folder, rel_folder, reports)
    return sources


_SUBFOLDERS = {"powers": "item", "disclosure": "disclosure", "annual": "annual"}


def _walk(folder: Path) -> Iterator[tuple[Path, os.DirEntry]]:
    """Everything under `folder`, without entering linked or hidden folders."""
    with os.scandir(folder) as entries:
        listed = list(entries)
    for entry in listed:
        yield Path(entry.path), entry
        if entry.is_dir(follow_symlinks=False) and not entry.name.startswith("."):
            yield from _walk(Path(entry.path))


def _discover_folder(folder: Path, rel_folder: str, reports: list[Report]) -> Iterator[Source]:
    # Paths relative to the folder as parts, cut from the strings (pathlib's relative_to took a
    # second at province scale); sorted by parts, as paths compare.
    start = len(str(folder)) + 1
    found = [(tuple(str(path)[start:].split(os.sep)), path, entry) for path, entry in _walk(folder)]
    for parts, path, entry in sorted(found, key=lambda one: one[0]):
        if any(part.startswith(".") for part in parts):
            continue
        rel = f"{rel_folder}/{'/'.join(parts)}"
        if entry.is_symlink():
            line = whole_line(path)
            reports.append(Report("file.symlink", rel, (), symlink_message(rel), line=line, column=line))
            continue
        if entry.is_dir(follow_symlinks=False):
            continue
        if parts == ("department.yml",):
            continue
        if not entry.is_file(follow_symlinks=False):
            message = f"“{rel}”不是普通文件（而是设备、管道或套接字），不会被读取：请删除它。"
            reports.append(Report("file.unreadable", rel, (), message, line=1, column=1))
            continue
        kind = _SUBFOLDERS.get(parts[0]) if len(parts) == 2 else None
        if kind is None or path.suffix != ".yml":
            reports.append(
                Report(
                    "file.unexpected",
                    rel,
                    (),
                    "这个文件不在约定的位置，不会被读取：权力事项放在 powers/<基本编码>.yml，目录条目放在 disclosure/<年份>.yml，年度统计放在 annual/<年份>.yml。",
                )
            )
            continue
        if kind != "item" and not YEAR_FILE_RE.match(path.stem):
            reports.append(Report("file.name-not-year", rel, (), f"文件名“{path.name}”应为四位年份，如 2024.yml。"))
            continue
        yield Source(path, rel, kind, folder.name)
