"""Run every rule over a loaded catalogue and return all findings in one pass."""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import os
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from zwgk import rules
from zwgk.catalog import codeowners
from zwgk.catalog.cache import PickleCache, code_version, paused_gc
from zwgk.catalog.codes import IndexNumber, has_fullwidth, parse_index, uscc_is_valid
from zwgk.catalog.findings import Finding, Report, Summary, sort_findings
from zwgk.catalog.loader import Catalog, fingerprint, load_catalog, locate_reports
from zwgk.catalog.model import Entry, PowerItem, Record
from zwgk.catalog.scheme_model import Department, Scheme
from zwgk.rules import reads


@dataclass
class Context:
    """What rules may look at besides their own record; lookups are built once, on first use."""

    catalog: Catalog
    scheme: Scheme
    as_of: dt.date

    @cached_property
    def holidays(self) -> frozenset[dt.date]:
        return frozenset(self.scheme.holidays)

    @cached_property
    def workdays(self) -> frozenset[dt.date]:
        return frozenset(self.scheme.workdays)

    @cached_property
    def service_types(self) -> frozenset[str]:
        return frozenset(self.scheme.service_types)

    @cached_property
    def items_by_key(self) -> dict[tuple[str, str], PowerItem]:
        return {(item.dept_id, item.basic_code): item for item in self.catalog.items}

    @cached_property
    def items_by_code(self) -> dict[str, list[PowerItem]]:
        grouped: dict[str, list[PowerItem]] = defaultdict(list)
        for item in self.catalog.items:
            grouped[item.basic_code].append(item)
        return grouped

    @cached_property
    def _index_numbers(self) -> dict[str, IndexNumber | None]:
        return {}

    def index_number(self, entry: Entry) -> IndexNumber | None:
        """The parsed 索引号 of an entry (None when absent, full-width or of no allowed form); parsed once."""
        value = entry.index
        numbers = self._index_numbers
        if value not in numbers:
            numbers[value] = parse_index(value, self.scheme.index_formats) if value and not has_fullwidth(value) else None
        return numbers[value]

    @cached_property
    def valid_uscc(self) -> frozenset[str]:
        """Departments whose USCC passes both check digits."""
        return frozenset(dept_id for dept_id, dept in self.catalog.departments.items() if uscc_is_valid(dept.uscc))

    def item_exists(self, dept_id: str, basic_code: str) -> bool:
        """Whether the department has the item: loaded, or in a file already reported as unreadable."""
        return (dept_id, basic_code) in self.items_by_key or f"departments/{dept_id}/powers/{basic_code}.yml" in self.catalog.rejected

    def department(self, dept_id: str) -> Department | None:
        return self.catalog.departments.get(dept_id)


def _records_by_scope(catalog: Catalog) -> dict[str, list[Record]]:
    return {
        "scheme": [catalog.scheme] if catalog.scheme else [],
        "department": list(catalog.departments.values()),
        "item": catalog.items,
        "entry": catalog.entries,
        "annual": catalog.annual,
    }


def _report(rule: rules.Rule, record: Record, hit: rules.Hit) -> Report:
    return Report(rule.id, record.file, record.at + hit.path, hit.message, record.label, hit.at_key)


PARALLEL_MIN_RECORDS = 20_000
RULE_MODULES = reads.RULE_MODULES
ALL_MODULES = ("*.py", "*/*.py")

# Set just before forking so that workers inherit the loaded catalogue instead of receiving a copy:
# tasks name files, and workers look their records up here.
_forked_state: tuple[Context, dict[str, list[Record]]] | None = None


def _context_fingerprint(context: Context) -> str:
    """Everything a per-record rule may look at besides its own file: if this is unchanged, so are the
    findings of every unchanged file."""
    catalog = context.catalog
    digest = hashlib.sha256(f"{code_version(RULE_MODULES)}\0{context.as_of}".encode())
    for rel in sorted(catalog.file_keys):
        if rel == "scheme.yml" or rel.endswith("/department.yml"):
            digest.update(f"{rel}\0{catalog.file_keys[rel]}\0".encode())
        elif "/powers/" in rel:
            digest.update(f"{rel}\0".encode())
    # item.successor-unknown reads the status of another file's item (ctx.items_by_key)
    for item in sorted(catalog.items, key=lambda item: (item.dept_id, item.basic_code)):
        digest.update(f"{item.dept_id}\0{item.basic_code}\0{item.status}\0".encode())
    for rel in sorted(catalog.rejected):
        digest.update(f"rejected\0{rel}\0".encode())
    return digest.hexdigest()


def _records_by_file(catalog: Catalog) -> dict[str, list[Record]]:
    if catalog.by_file:
        return catalog.by_file
    grouped: dict[str, list[Record]] = defaultdict(list)
    for records in _records_by_scope(catalog).values():
        for record in records:
            grouped[record.file].append(record)
    return grouped


def _check_files(context: Context, files: list[tuple[str, list[Record]]]) -> list[tuple[str, list[Report]]]:
    """The per-record rules over the records of some files, file by file."""
    by_scope = defaultdict(list)
    for rule in rules.all_rules():
        by_scope[rule.scope].append(rule)
    results = []
    for rel, records in files:
        reports = []
        for record in records:
            for rule in by_scope[record.kind]:
                reports += [_report(rule, record, hit) for hit in rule.check(record, context)]
        results.append((rel, reports))
    return results


def _check_forked(names: list[str]) -> list[tuple[str, list[Report]]]:
    context, records_by_file = _forked_state
    return _check_files(context, [(rel, records_by_file[rel]) for rel in names])


def _chunks(files: list[tuple[str, list[Record]]], count: int) -> list[list[tuple[str, list[Record]]]]:
    """Split files into `count` chunks of about the same number of records."""
    total = sum(len(records) for _, records in files)
    chunks, current, size = [], [], 0
    for pair in files:
        current.append(pair)
        size += len(pair[1])
        if size >= total / count:
            chunks.append(current)
            current, size = [], 0
    return chunks + ([current] if current else [])


def run_rules(catalog: Catalog, as_of: dt.date, workers: int | None = None, cache_dir: Path | None = None) -> list[Report]:
    """Every rule over every record. Without a valid scheme only the loader's findings stand.

    Per-record findings are cached per file, keyed by the file's content and the fingerprint of its
    context, so an unchanged file is not checked again. At province scale the files still to check
    are shared among forked workers, which inherit the loaded catalogue copy-on-write.
    """
    global _forked_state
    if catalog.scheme is None:
        return []
    context = Context(catalog, catalog.scheme, as_of)
    catalog.by_file = _records_by_file(catalog)  # a catalogue not made by the loader has it empty
    # One cache entry per context: the reports of every file, by the file's content key.
    cache, fingerprint = PickleCache(cache_dir, "rules"), _context_fingerprint(context)
    known: dict[str, list[Report]] = cache.get(fingerprint) or {}
    reports: list[Report] = []
    todo = []
    for rel, records in _records_by_file(catalog).items():
        cached = known.get(catalog.file_keys.get(rel, ""))
        if cached is None:
            todo.append((rel, records))
        else:
            reports += cached
    workers = workers or os.cpu_count() or 1
    pending = sum(len(records) for _, records in todo)
    if workers > 1 and pending >= PARALLEL_MIN_RECORDS and "fork" in multiprocessing.get_all_start_methods():
        context.valid_uscc  # noqa: B018 - computed once here, inherited by every worker
        _forked_state = (context, dict(todo))
        tasks = [[rel for rel, _ in chunk] for chunk in _chunks(todo, workers * 4)]
        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
                checked = [pair for chunk in pool.map(_check_forked, tasks) for pair in chunk]
        finally:
            _forked_state = None
    else:
        checked = _check_files(context, todo)
    for rel, file_reports in checked:
        reports += file_reports
        if rel in catalog.file_keys:
            known[catalog.file_keys[rel]] = file_reports
    if checked:
        current = {catalog.file_keys[rel] for rel in catalog.file_keys}
        cache.put(fingerprint, {key: value for key, value in known.items() if key in current})
        cache.prune(keep=8)
    return reports + _catalogue_rules(context, cache_dir)


def _catalogue_rules(context: Context, cache_dir: Path | None) -> list[Report]:
    """The whole-catalogue rules' reports: each rule's kept by what it reads (zwgk.rules.reads), so
    a change runs again only the rules that can see it."""
    catalogue_rules = [rule for rule in rules.all_rules() if rule.scope == "catalog"]

    def run(rule: rules.Rule) -> list[tuple[Record, rules.Hit]]:
        return [(hit.record, hit) for hit in rule.check(context)]

    if not cache_dir:
        return [_report(rule, record, hit) for rule in catalogue_rules for record, hit in run(rule)]
    return reads.catalogue_reports(context, cache_dir, catalogue_rules, run)


@dataclass
class CheckResult:
    findings: list[Finding]
    counts: tuple[int, int, int, int]  # files, departments, items, entries
    catalog: Catalog | None = None  # None when the result came whole from the cache

    @property
    def errors(self) -> int:
        return sum(1 for finding in self.findings if finding.is_error)

    @property
    def summary(self) -> Summary:
        files, departments, items, entries = self.counts
        return Summary(files, departments, items, entries, errors=self.errors, warnings=len(self.findings) - self.errors)


def check_loaded(catalog: Catalog, as_of: dt.date | None = None, workers: int | None = None, cache_dir: Path | None = None) -> CheckResult:
    with paused_gc():
        reports = catalog.reports + run_rules(catalog, as_of or dt.date.today(), workers, cache_dir)
    findings = sort_findings(locate_reports(catalog.root, reports, lambda rule_id: rules.get(rule_id).severity))
    counts = (catalog.files, len(catalog.folders), len(catalog.items), len(catalog.entries))
    return CheckResult(findings, counts, catalog)


def check(
    root: Path | str, as_of: dt.date | None = None, cache_dir: Path | None = None, workers: int | None = None, records: bool = True
) -> CheckResult:
    """Load and check a catalogue folder: the whole of `zwgk check`.

    With `records=False` (the command line) a catalogue whose files, date and code are all unchanged
    since a cached check gets that check's findings without loading a record.
    """
    root, as_of = Path(root), as_of or dt.date.today()
    cache = PickleCache(cache_dir, "results") if cache_dir and not records else None
    # The committed CODEOWNERS lies outside the catalogue, but a rule reads it.
    owners = codeowners.read_committed(root)
    owners_key = hashlib.sha256(owners.encode()).hexdigest() if owners is not None else ""
    key = fingerprint(root, f"{code_version(ALL_MODULES)}\0{as_of}\0{owners_key}", cache_dir) if cache else ""
    cached = cache.get(key) if cache else None
    if cached is not None:
        return CheckResult(*cached)
    result = check_loaded(load_catalog(root, cache_dir=cache_dir, workers=workers), as_of, workers, cache_dir)
    if cache:
        cache.put(key, (result.findings, result.counts))
        cache.prune(keep=8)
    return result
