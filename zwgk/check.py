"""Run every rule over a loaded catalogue and return all findings in one pass."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from . import rules
from .codes import IndexNumber, has_fullwidth, parse_index, uscc_is_valid
from .findings import Finding, Summary, sort_findings
from .loader import Catalog, Report, load_catalog, locate_reports, paused_gc
from .model import Department, Entry, PowerItem, Record, Scheme


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

# Set just before forking so that workers inherit the loaded catalogue instead of receiving a copy.
_forked_context: Context | None = None


def _run_task(context: Context, task: tuple) -> list[Report]:
    """One share of the rule run: a slice of the entries, or every other rule."""
    all_rules = rules.all_rules()
    reports = []
    if task[0] == "entries":
        scoped = [rule for rule in all_rules if rule.scope == "entry"]
        for record in context.catalog.entries[task[1] : task[2]]:
            for rule in scoped:
                reports += [_report(rule, record, hit) for hit in rule.check(record, context)]
        return reports
    for scope, records in _records_by_scope(context.catalog).items():
        scoped = [rule for rule in all_rules if rule.scope == scope]
        for record in records if scope != "entry" else ():
            for rule in scoped:
                reports += [_report(rule, record, hit) for hit in rule.check(record, context)]
    for rule in all_rules:
        if rule.scope == "catalog":
            reports += [_report(rule, hit.record, hit) for hit in rule.check(context)]
    return reports


def _run_forked_task(task: tuple) -> list[Report]:
    return _run_task(_forked_context, task)


def run_rules(catalog: Catalog, as_of: dt.date, workers: int | None = None) -> list[Report]:
    """Every rule over every record. Without a valid scheme only the loader's findings stand.

    At province scale the run is split into tasks that forked workers share: they inherit the loaded
    catalogue copy-on-write and send back only their reports.
    """
    global _forked_context
    if catalog.scheme is None:
        return []
    context = Context(catalog, catalog.scheme, as_of)
    workers = workers or os.cpu_count() or 1
    # The largest task first, then the entries in small slices, so that workers finish together.
    size = -(-len(catalog.entries) // (workers * 4)) or 1
    tasks = [("others",)] + [("entries", start, start + size) for start in range(0, len(catalog.entries), size)]
    if workers == 1 or len(catalog.entries) < PARALLEL_MIN_RECORDS or "fork" not in multiprocessing.get_all_start_methods():
        return [report for task in tasks for report in _run_task(context, task)]
    _forked_context = context
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return [report for chunk in pool.map(_run_forked_task, tasks) for report in chunk]
    finally:
        _forked_context = None


@dataclass
class CheckResult:
    catalog: Catalog
    findings: list[Finding]

    @property
    def errors(self) -> int:
        return sum(1 for finding in self.findings if finding.is_error)

    @property
    def summary(self) -> Summary:
        catalog = self.catalog
        return Summary(
            files=catalog.files,
            departments=len(catalog.folders),
            items=len(catalog.items),
            entries=len(catalog.entries),
            errors=self.errors,
            warnings=len(self.findings) - self.errors,
        )


def check_loaded(catalog: Catalog, as_of: dt.date | None = None, workers: int | None = None) -> CheckResult:
    with paused_gc():
        reports = catalog.reports + run_rules(catalog, as_of or dt.date.today(), workers)
    findings = sort_findings(catalog.findings + locate_reports(catalog.root, reports))
    return CheckResult(catalog, findings)


def check(root: Path | str, as_of: dt.date | None = None, cache_dir: Path | None = None, workers: int | None = None) -> CheckResult:
    """Load and check a catalogue folder: the whole of `zwgk check`."""
    return check_loaded(load_catalog(root, cache_dir=cache_dir, workers=workers), as_of, workers)
