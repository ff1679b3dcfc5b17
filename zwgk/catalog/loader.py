"""The one loader: a catalogue folder in, the model and every problem met while reading it out.

Files are parsed in parallel and parse results cached by content hash, so an unchanged file is never
parsed twice. Each record is validated on its own: a bad entry is reported and never hides its
neighbours, and a bad file never hides the findings in the others. Positions belong here: reports
carry key paths, and `locate_reports` turns them into lines and columns at the end."""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from zwgk.catalog import yamlio
from zwgk.catalog.annual_model import AnnualReport
from zwgk.catalog.cache import PickleCache, code_version, dumps_models, paused_gc
from zwgk.catalog.discovery import Source, discover
from zwgk.catalog.findings import Finding, Report, Severity
from zwgk.catalog.model import Entry, PowerItem
from zwgk.catalog.safe_read import UnreadableFile, read_regular
from zwgk.catalog.scheme_model import Department, Scheme
from zwgk.catalog.validate import FileResult, load_file, refused

PARALLEL_MIN_BYTES = 2 * 1024 * 1024


class CatalogError(Exception):
    """The catalogue cannot be read at all (no such folder, no scheme.yml)."""


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
    by_file: dict[str, list] = field(default_factory=dict)  # each file's records (the loader knows: no lookup per record)

    def entries_of(self, dept_id: str) -> list[Entry]:
        return [entry for entry in self.entries if entry.dept_id == dept_id]


class LoadCache(PickleCache):
    """File results by content hash: an unchanged file is never parsed or validated again."""

    def __init__(self, directory: Path | None):
        super().__init__(directory, "load")

    @staticmethod
    def key(source: Source, raw: bytes, version: str) -> str:
        header = f"{version}\0{source.kind}\0{source.rel}\0".encode()
        return hashlib.sha256(header + raw).hexdigest()


def _load_and_store(job: tuple[Source, str, Path | None]) -> bytes:
    """Load one file and cache the result; returns the pickled result, which is what a worker sends back
    anyway, so it is pickled once."""
    source, key, cache_dir = job
    try:
        raw = read_regular(source.path, source.rel)
    except UnreadableFile as error:  # changed since it was listed: refused, and not cached
        return pickle.dumps(refused(source, error), protocol=pickle.HIGHEST_PROTOCOL)
    payload = dumps_models(load_file(source, raw))
    LoadCache(cache_dir).put_pickled(key, payload)
    return payload


RACY_NS = 2_000_000_000  # a file changed less than this before it was looked at may change again unseen


class StatKeys:
    """Content keys of files by their status (modification and change times, size, inode), as git's
    index keeps them: a file whose status is as when its key was taken is not read or hashed again
    (reading and hashing 6,500 files took about a second at province scale). A file modified less
    than RACY_NS before it was looked at is always read (it could change again within the same tick)."""

    def __init__(self, cache_dir: Path | None, root: Path, version: str):
        self.cache = PickleCache(cache_dir, "stat-keys")
        self.name = hashlib.sha256(f"{version}\0{root.resolve()}".encode()).hexdigest()
        known = self.cache.get(self.name)
        self.known: dict[str, tuple] = known if isinstance(known, dict) else {}
        self.signatures: dict[str, tuple] = {}
        self.kept: dict[str, tuple] = {}

    def get(self, source: Source) -> str | None:
        try:
            info = os.lstat(source.path)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        signature = (info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino, info.st_dev)
        if max(info.st_mtime_ns, info.st_ctime_ns) < time.time_ns() - RACY_NS:
            self.signatures[source.rel] = signature
        known = self.known.get(source.rel)
        if known is not None and known[0] == signature:
            self.kept[source.rel] = known
            return known[1]
        return None

    def remember(self, rel: str, key: str) -> None:
        if rel in self.signatures:
            self.kept[rel] = (self.signatures[rel], key)

    def save(self) -> None:
        if self.kept != self.known:
            self.cache.put(self.name, self.kept)


def _file_key(source: Source, version: str, keys: StatKeys) -> tuple[str, bytes | None]:
    """A file's content key (LoadCache.key) and, when it had to be read for it, its bytes."""
    key = keys.get(source)
    if key is not None:
        return key, None
    raw = read_regular(source.path, source.rel)
    key = LoadCache.key(source, raw, version)
    keys.remember(source.rel, key)
    return key, raw


def _load_all(sources: list[Source], cache_dir: Path | None, workers: int, keys: dict[str, str], root: Path) -> list[FileResult]:
    """Load every file: from the cache when unchanged, otherwise in parallel across `workers` processes.

    Cached results are kept per file and, joined, per department folder (a bundle: one read for a
    department's hundred files; at province scale opening 6,500 small pickles took half a second).
    A bundle holds its files' pickled results as they are, so making one unpickles and pickles nothing."""
    cache, version = LoadCache(cache_dir), code_version()
    stat_keys = StatKeys(cache_dir, root, version)
    results: list[FileResult | None] = [None] * len(sources)
    payloads: list[bytes | None] = [None] * len(sources)
    folders: dict[str, list[int]] = {}
    for number, source in enumerate(sources):
        try:
            keys[source.rel] = _file_key(source, version, stat_keys)[0]
        except UnreadableFile as error:
            keys[source.rel] = hashlib.sha256(f"{error.rule}\0{error.message}".encode()).hexdigest()
            results[number] = refused(source, error)
            continue
        folders.setdefault(source.dept, []).append(number)
    stat_keys.save()
    bundles, new_bundles, misses = PickleCache(cache_dir, "load-bundles"), [], []
    for numbers in folders.values():
        name = hashlib.sha256("".join(f"{sources[n].rel}\0{keys[sources[n].rel]}\0" for n in numbers).encode()).hexdigest()
        bundle = bundles.get(name)
        if isinstance(bundle, list) and len(bundle) == len(numbers):
            bundles.touch(name)
            for number, payload in zip(numbers, bundle, strict=True):
                payloads[number] = payload
            continue
        new_bundles.append((name, numbers))
        for number in numbers:
            payloads[number] = cache.read(keys[sources[number].rel])
            if payloads[number] is None:
                misses.append(number)
    jobs = [(sources[number], keys[sources[number].rel], cache_dir) for number in misses]
    if workers > 1 and sum(sources[number].path.stat().st_size for number in misses) >= PARALLEL_MIN_BYTES:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            loaded = list(pool.map(_load_and_store, jobs, chunksize=max(1, len(jobs) // (workers * 8))))
    else:
        loaded = [_load_and_store(job) for job in jobs]
    for number, payload in zip(misses, loaded, strict=True):
        payloads[number] = payload
    for number, payload in enumerate(payloads):
        if payload is not None:
            results[number], payloads[number] = _unpickled(payload, (sources[number], keys[sources[number].rel], cache_dir))
    for name, numbers in new_bundles:
        bundles.put(name, [payloads[number] for number in numbers])
    if new_bundles:
        bundles.prune(keep=2 * len(folders) + 8)
    return results


def _unpickled(payload: bytes, job: tuple[Source, str, Path | None]) -> tuple[FileResult, bytes]:
    """A cached result and its pickle; one that cannot be read (written by another version of the
    code) is made again."""
    try:
        result = pickle.loads(payload)
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        result = None
    if not isinstance(result, FileResult):
        payload = _load_and_store(job)
        result = pickle.loads(payload)
    return result, payload


def fingerprint(root: Path, salt: str, cache_dir: Path | None = None) -> str:
    """A hash of everything a check of `root` depends on besides the code and `salt`: which files and
    folders there are, and each file's content. Same fingerprint, same findings."""
    _require_catalogue(root)
    scratch = Catalog(root=root, scheme=None)
    sources = discover(root, scratch.folders, scratch.reports)
    digest = hashlib.sha256(f"{salt}\0{root.resolve().name}\0".encode())  # CODEOWNERS lines name the folder
    version = code_version()
    stat_keys = StatKeys(cache_dir, root, version)
    for source in sources:
        try:
            digest.update(f"{_file_key(source, version, stat_keys)[0]}\0".encode())
        except UnreadableFile as error:
            digest.update(f"{source.rel}\0{error.rule}\0".encode())
    stat_keys.save()
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
    sources = discover(root, catalog.folders, catalog.reports)
    if only is not None:
        sources = [source for source in sources if source.kind in ("scheme", "department") or only(source.rel)]
    catalog.files = len(sources)
    with paused_gc():
        results = _load_all(sources, cache_dir, workers or os.cpu_count() or 1, catalog.file_keys, root)
    kinds: dict[str, list[tuple[str, list]]] = {kind: [] for kind in ("scheme", "department", "item", "disclosure", "annual")}
    for source, result in zip(sources, results, strict=True):
        if result.records:
            kinds[source.kind].append((source.rel, result.records))
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
    catalog.by_file = {rel: records for files in kinds.values() for rel, records in files}
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
