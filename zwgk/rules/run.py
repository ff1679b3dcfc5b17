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
from typing import NamedTuple

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
    """What rules may look at besides their own record; lookups are built once, on first use.
    The day the catalogue is checked as of is read through `as_of`, which notes that it was read
    (`date_read`): a rule that did not read it for a file's records finds the same on any day, and
    its findings are kept for every day (run_rules)."""

    catalog: Catalog
    scheme: Scheme
    day: dt.date
    date_read: bool = False

    @property
    def as_of(self) -> dt.date:
        self.date_read = True
        return self.day

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
    """Everything a per-record rule may look at besides its own file and the day: if this is
    unchanged, so are the findings of every unchanged file, on that day for the rules that read it."""
    catalog = context.catalog
    digest = hashlib.sha256(f"{code_version(RULE_MODULES)}\0".encode())
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


class Checked(NamedTuple):
    """A file's per-record findings: those of the rules that did not read the day (`undated`), and
    those of the rules that did (`dated_rules`, whose findings are `dated`)."""

    rel: str
    undated: list[Report] | None  # None: only dated_rules were run (the others' findings are kept)
    dated: list[Report]
    dated_rules: frozenset[str]


def _check_files(context: Context, files: list[tuple[str, list[Record], frozenset[str] | None]]) -> list[Checked]:
    """The per-record rules over the records of some files, file by file: every rule, or only the
    rules named with the file (those that read the day when it was last checked)."""
    by_scope = defaultdict(list)
    for rule in rules.all_rules():
        by_scope[rule.scope].append(rule)
    results = []
    for rel, records, only in files:
        undated: list[Report] = []
        dated: list[Report] = []
        dated_rules = set()
        for record in records:
            for rule in by_scope[record.kind]:
                if only is not None and rule.id not in only:
                    continue
                context.date_read = False
                found = [_report(rule, record, hit) for hit in rule.check(record, context)]
                if context.date_read or only is not None:
                    dated_rules.add(rule.id)
                    dated += found
                else:
                    undated += found
        results.append(Checked(rel, None if only is not None else undated, dated, frozenset(dated_rules)))
    return results


def _check_forked(names: list[str]) -> list[Checked]:
    context, todo = _forked_state
    return _check_files(context, [(rel, *todo[rel]) for rel in names])


def _chunks(files: list[tuple[str, list[Record], frozenset[str] | None]], count: int) -> list[list[tuple]]:
    """Split files into `count` chunks of about the same number of records."""
    total = sum(len(records) for _, records, _ in files)
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
    context, so an unchanged file is not checked again: those of the rules that did not read the day
    for any of its records for every day, those of the rules that did for that day only (the
    scorecard trend checks the same files as of each month's end: only the few rules that read the
    day run again). At province scale the files still to check are shared among forked workers,
    which inherit the loaded catalogue copy-on-write.
    """
    global _forked_state
    if catalog.scheme is None:
        return []
    context = Context(catalog, catalog.scheme, as_of)
    catalog.by_file = _records_by_file(catalog)  # a catalogue not made by the loader has it empty
    # One cache entry per context, {file's content key: (undated findings, the rules that read the
    # day)}, and one per context and day, {file's content key: the dated findings}.
    fingerprint = _context_fingerprint(context)
    undated_cache, dated_cache = PickleCache(cache_dir, "rules"), PickleCache(cache_dir, "rules-dated")
    dated_key = f"{fingerprint}-{as_of.isoformat()}"
    undated_known: dict[str, tuple[list[Report], frozenset[str]]] = undated_cache.get(fingerprint) or {}
    dated_known: dict[str, list[Report]] = dated_cache.get(dated_key) or {}
    reports: list[Report] = []
    todo = []
    for rel, records in catalog.by_file.items():
        key = catalog.file_keys.get(rel, "")
        undated = undated_known.get(key)
        if undated is None:
            todo.append((rel, records, None))
            continue
        reports += undated[0]
        dated = dated_known.get(key)
        if dated is not None:
            reports += dated
        elif undated[1]:
            todo.append((rel, records, undated[1]))
    workers = workers or os.cpu_count() or 1
    pending = sum(len(records) for _, records, only in todo if only is None)  # a day's few rules run here
    if workers > 1 and pending >= PARALLEL_MIN_RECORDS and "fork" in multiprocessing.get_all_start_methods():
        context.valid_uscc  # noqa: B018 - computed once here, inherited by every worker
        _forked_state = (context, {rel: (records, only) for rel, records, only in todo})
        tasks = [[rel for rel, *_ in chunk] for chunk in _chunks(todo, workers * 4)]
        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
                checked = [done for chunk in pool.map(_check_forked, tasks) for done in chunk]
        finally:
            _forked_state = None
    else:
        checked = _check_files(context, todo)
    for done in checked:
        reports += done.dated if done.undated is None else done.undated + done.dated
        if done.rel in catalog.file_keys:
            key = catalog.file_keys[done.rel]
            if done.undated is not None:
                undated_known[key] = (done.undated, done.dated_rules)
            dated_known[key] = done.dated
    if checked:
        current = set(catalog.file_keys.values())
        if any(done.undated is not None for done in checked):
            undated_cache.put(fingerprint, {key: value for key, value in undated_known.items() if key in current})
            undated_cache.prune(keep=8)
        dated_cache.put(dated_key, {key: value for key, value in dated_known.items() if key in current})
        dated_cache.prune(keep=24)  # the trend's twelve month ends and the days of the builds between
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
