"""The one loader: a catalogue folder in, the model and every problem met while reading it out.

Files are parsed in parallel and parse results cached by content hash, so an unchanged file is never
parsed twice. Each record is validated on its own: a bad entry is reported and never hides its
neighbours, and a bad file never hides the findings in the others. Positions belong here: reports
carry key paths, and `locate_reports` turns them into lines and columns at the end.
"""

from __future__ import annotations

import difflib
import gc
import hashlib
import os
import pickle
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from zwgk.catalog import text, yamlio
from zwgk.catalog.codes import DEPT_ID_RE, YEAR_FILE_RE
from zwgk.catalog.findings import Finding, Severity
from zwgk.catalog.model import AnnualReport, Department, Entry, Origin, PowerItem, Record, Scheme
from zwgk.catalog.safe_read import UnreadableFile, read_regular, symlink_message
from zwgk.catalog.schema_errors import describe

PARALLEL_MIN_BYTES = 2 * 1024 * 1024


class CatalogError(Exception):
    """The catalogue cannot be read at all (no such folder, no scheme.yml)."""


@dataclass(frozen=True)
class Report:
    """A finding whose position is still a key path; `locate_reports` gives it a line and column."""

    rule: str
    file: str
    path: tuple
    message: str
    record: str = ""
    at_key: bool = False
    line: int = 0  # set when the position is already known (a YAML syntax problem): no key path to map
    column: int = 0


@dataclass
class Catalog:
    root: Path
    scheme: Scheme | None
    departments: dict[str, Department] = field(default_factory=dict)  # by folder name (dept-id)
    folders: list[str] = field(default_factory=list)  # every department folder, loaded or not
    items: list[PowerItem] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    annual: list[AnnualReport] = field(default_factory=list)
    files: int = 0
    rejected: set[str] = field(default_factory=set)  # files with a record that could not be read
    file_keys: dict[str, str] = field(default_factory=dict)  # content key of every file read
    reports: list[Report] = field(default_factory=list)  # problems met while reading, located later

    def entries_of(self, dept_id: str) -> list[Entry]:
        return [entry for entry in self.entries if entry.dept_id == dept_id]


# ---- file discovery ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    path: Path
    rel: str
    kind: str  # scheme | department | item | disclosure | annual
    dept: str = ""


def _discover(root: Path, catalog: Catalog, reports: list[Report]) -> list[_Source]:
    """Every file to load. Symbolic links are never followed (see safe_read): each is reported by its
    path, and a linked folder is not listed, so no outside file or name gets into a report."""
    sources = [_Source(root / "scheme.yml", "scheme.yml", "scheme")]
    departments = root / "departments"
    if departments.is_symlink():
        reports.append(Report("file.symlink", "departments", (), symlink_message("departments"), line=0))
        return sources
    if not departments.is_dir():
        return sources
    for folder in sorted(p for p in departments.iterdir() if not p.name.startswith(".")):
        rel_folder = f"departments/{folder.name}"
        if folder.is_symlink():
            line = _whole(folder)
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
        catalog.folders.append(folder.name)
        department = folder / "department.yml"
        if not department.is_symlink() and not department.is_file():
            reports.append(Report("dept.missing-file", rel_folder, (), "部门文件夹中缺少 department.yml：请按格式说明添加部门信息。"))
        else:  # a link is refused when it is read, naming it
            sources.append(_Source(department, f"{rel_folder}/department.yml", "department", folder.name))
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


def _discover_folder(folder: Path, rel_folder: str, reports: list[Report]) -> Iterator[_Source]:
    for path, entry in sorted(_walk(folder), key=lambda found: found[0]):
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        rel = f"{rel_folder}/{path.relative_to(folder).as_posix()}"
        if entry.is_symlink():
            line = _whole(path)
            reports.append(Report("file.symlink", rel, (), symlink_message(rel), line=line, column=line))
            continue
        if entry.is_dir(follow_symlinks=False):
            continue
        parts = path.relative_to(folder).parts
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
        yield _Source(path, rel, kind, folder.name)


# ---- loading one file: parse and validate, in parallel and cached ---------------------------------


def default_cache_dir() -> Path:
    return Path(os.environ.get("ZWGK_CACHE_DIR") or Path.home() / ".cache" / "zwgk")


PACKAGE = Path(__file__).resolve().parent.parent  # code_version's patterns are relative to zwgk/


def code_version(
    modules: tuple[str, ...] = (
        "catalog/model.py",
        "catalog/yamlio.py",
        "catalog/loader.py",
        "catalog/schema_errors.py",
        "catalog/text.py",  # the loader reports control and invisible characters by its lists
    ),
) -> str:
    """A cached result is only as good as the code that made it: key the cache on that code too."""
    digest = hashlib.sha256()
    for module in modules:
        for path in sorted(PACKAGE.glob(module)):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class FileResult:
    """Everything loading one file yields; a pure function of the file's path, kind and bytes."""

    records: list[Record] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    rejected: bool = False


class PickleCache:
    """Results by key in a folder of pickles; a missing or unreadable entry is simply a miss."""

    def __init__(self, directory: Path | None, name: str):
        self.directory = directory / name if directory else None

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.pickle"

    def get(self, key: str) -> Any:
        if self.directory is None:
            return None
        try:
            return pickle.loads(self._path(key).read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None  # absent, or written by another version of the code: compute it again

    def put(self, key: str, value: Any) -> None:
        self.put_pickled(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def put_pickled(self, key: str, payload: bytes) -> None:
        if self.directory is None:
            return
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(payload)
        os.replace(temporary, path)

    def prune(self, keep: int) -> None:
        """Remove all but the `keep` most recently written entries."""
        if self.directory is None:
            return
        entries = sorted(self.directory.glob("*/*.pickle"), key=lambda path: path.stat().st_mtime, reverse=True)
        for path in entries[keep:]:
            path.unlink(missing_ok=True)


class LoadCache(PickleCache):
    """File results by content hash: an unchanged file is never parsed or validated again."""

    def __init__(self, directory: Path | None):
        super().__init__(directory, "load")

    @staticmethod
    def key(source: _Source, raw: bytes, version: str) -> str:
        header = f"{version}\0{source.kind}\0{source.rel}\0".encode()
        return hashlib.sha256(header + raw).hexdigest()


# ---- validation ----------------------------------------------------------------------------------


@cache
def _nested_model_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """Fields of `model` that can hold further models (checked for unknown keys)."""
    nested = []
    for name, info in model.model_fields.items():
        text = repr(info.annotation)
        if f"{Record.__module__}." in text:  # annotations naming a model of zwgk.catalog.model
            nested.append(name)
    return tuple(nested)


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


def _unknown_key_report(source: _Source, path: tuple, key: str, suggestion: list[str], label: str) -> Report:
    hint = f"是不是“{suggestion[0]}”？" if suggestion else "请对照格式说明检查字段名。"
    return Report("schema.unknown-key", source.rel, path, f"未知字段“{key}”，不会被使用。{hint}", label, True)


def _validate(model: type[Record], raw: Any, source: _Source, at: tuple, result: FileResult) -> None:
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


def _text_reports(value: Any, source: _Source, path: tuple, label: str) -> Iterator[Report]:
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


def _check_texts(data: Any, source: _Source, result: FileResult) -> None:
    records = (
        [((number,), entry) for number, entry in enumerate(data)]
        if source.kind == "disclosure" and isinstance(data, list)
        else [((), data)]
    )
    for path, raw in records:
        result.reports += _text_reports(raw, source, path, _raw_label(raw))


_MODELS = {"scheme": Scheme, "department": Department, "item": PowerItem, "annual": AnnualReport}


def load_file(source: _Source, raw: bytes) -> FileResult:
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


def _refused(source: _Source, error: UnreadableFile) -> FileResult:
    return FileResult(reports=[Report(error.rule, source.rel, (), error.message, line=1, column=1)], rejected=True)


def _whole(path: Path) -> int:
    """The line of a finding about a whole file (1) or folder (0, as for every folder-level finding)."""
    return 0 if path.is_dir() else 1


def _load_and_store(job: tuple[_Source, str, Path | None]) -> bytes:
    """Load one file and cache the result; returns the pickled result, which is what a worker sends back
    anyway, so it is pickled once."""
    source, key, cache_dir = job
    try:
        raw = read_regular(source.path, source.rel)
    except UnreadableFile as error:  # changed since it was listed: refused, and not cached
        return pickle.dumps(_refused(source, error), protocol=pickle.HIGHEST_PROTOCOL)
    payload = pickle.dumps(load_file(source, raw), protocol=pickle.HIGHEST_PROTOCOL)
    LoadCache(cache_dir).put_pickled(key, payload)
    return payload


def _load_all(sources: list[_Source], cache_dir: Path | None, workers: int, keys: dict[str, str]) -> list[FileResult]:
    """Load every file: from the cache when unchanged, otherwise in parallel across `workers` processes."""
    cache, version = LoadCache(cache_dir), code_version()
    results: list[FileResult | None] = []
    misses: list[tuple[int, str, int]] = []
    for number, source in enumerate(sources):
        try:
            raw = read_regular(source.path, source.rel)
        except UnreadableFile as error:
            keys[source.rel] = hashlib.sha256(f"{error.rule}\0{error.message}".encode()).hexdigest()
            results.append(_refused(source, error))
            continue
        key = keys[source.rel] = cache.key(source, raw, version)
        cached = cache.get(key)
        results.append(cached)
        if cached is None:
            misses.append((number, key, len(raw)))
    jobs = [(sources[number], key, cache_dir) for number, key, _ in misses]
    if workers > 1 and sum(size for *_, size in misses) >= PARALLEL_MIN_BYTES:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            loaded = [pickle.loads(payload) for payload in pool.map(_load_and_store, jobs, chunksize=max(1, len(jobs) // (workers * 8)))]
    else:
        loaded = [pickle.loads(_load_and_store(job)) for job in jobs]
    for (number, _, _), result in zip(misses, loaded, strict=True):
        results[number] = result
    return results


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building millions of acyclic objects.

    Records are trees without cycles, so collections find nothing; at province scale the collector's
    repeated full passes over a growing heap cost more than the work itself. On the way out the new
    objects are frozen (moved out of the collector's generations, still freed by reference counting)
    so that the first collection afterwards does not walk them all.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def fingerprint(root: Path, salt: str) -> str:
    """A hash of everything a check of `root` depends on besides the code and `salt`: which files and
    folders there are, and each file's content. Same fingerprint, same findings."""
    _require_catalogue(root)
    scratch = Catalog(root=root, scheme=None)
    sources = _discover(root, scratch, scratch.reports)
    digest = hashlib.sha256(f"{salt}\0".encode())
    version = code_version()
    for source in sources:
        try:
            digest.update(f"{LoadCache.key(source, read_regular(source.path, source.rel), version)}\0".encode())
        except UnreadableFile as error:
            digest.update(f"{source.rel}\0{error.rule}\0".encode())
    for report in scratch.reports:
        digest.update(f"{report.rule}\0{report.file}\0".encode())
    return digest.hexdigest()


def _require_catalogue(root: Path) -> None:
    if not root.is_dir():
        raise CatalogError(f"找不到目录文件夹：{root}")
    if (root / "scheme.yml").is_symlink():
        raise CatalogError(f"{root} 中的 scheme.yml 是符号链接，不会被读取：请把链接换成文件本身。")
    if not (root / "scheme.yml").is_file():
        raise CatalogError(f"{root} 中没有 scheme.yml（编码方案），这不是一个目录文件夹。")


def load_catalog(
    root: Path | str, cache_dir: Path | None = None, workers: int | None = None, only: Callable[[str], bool] | None = None
) -> Catalog:
    """Read a whole catalogue folder (or, with `only`, the files whose relative path it accepts, plus
    scheme.yml and every department.yml). Raises CatalogError only when there is nothing to read."""
    root = Path(root)
    _require_catalogue(root)
    catalog = Catalog(root=root, scheme=None)
    sources = _discover(root, catalog, catalog.reports)
    if only is not None:
        sources = [source for source in sources if source.kind in ("scheme", "department") or only(source.rel)]
    catalog.files = len(sources)
    with paused_gc():
        results = _load_all(sources, cache_dir, workers or os.cpu_count() or 1, catalog.file_keys)
    for source, result in zip(sources, results, strict=True):
        catalog.reports += result.reports
        if result.rejected:
            catalog.rejected.add(source.rel)
        for record in result.records:
            if source.kind == "scheme":
                catalog.scheme = record
            elif source.kind == "department":
                catalog.departments[source.dept] = record
            elif source.kind == "item":
                catalog.items.append(record)
            elif source.kind == "annual":
                catalog.annual.append(record)
            else:
                catalog.entries.append(record)
    return catalog


# ---- positions -----------------------------------------------------------------------------------


def locate_reports(root: Path, reports: list[Report], severity_of: Callable[[str], Severity]) -> list[Finding]:
    """Give every report a line and column by composing each file that has reports once, and the
    severity its rule is registered with (the registry lives a layer up, in zwgk.rules)."""
    by_file: dict[str, list[Report]] = {}
    for report in reports:
        by_file.setdefault(report.file, []).append(report)
    findings = []
    for rel, group in by_file.items():
        path = root / rel
        node = None
        if any(not report.line for report in group):
            try:
                node = yamlio.compose(read_regular(path, rel))
            except UnreadableFile:
                node = None  # a link, a device or too large: reported at the file, never read
        for report in group:
            if report.line:
                line, column = report.line, report.column
            else:
                line, column = yamlio.locate(node, report.path, report.at_key) if node is not None else (0, 0)
            findings.append(Finding(rel, line, column, report.rule, severity_of(report.rule), report.record, report.message))
    return findings
