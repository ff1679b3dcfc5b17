"""Run every rule over a loaded catalogue and return all findings in one pass."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from . import rules
from .findings import Finding, Summary, sort_findings
from .loader import Catalog, Report, load_catalog, locate_reports
from .model import Department, PowerItem, Record, Scheme


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


def run_rules(catalog: Catalog, as_of: dt.date) -> list[Report]:
    """Every rule over every record. Without a valid scheme only the loader's findings stand."""
    if catalog.scheme is None:
        return []
    context = Context(catalog, catalog.scheme, as_of)
    all_rules = rules.all_rules()
    reports = []
    for scope, records in _records_by_scope(catalog).items():
        scoped = [rule for rule in all_rules if rule.scope == scope]
        for record in records:
            for rule in scoped:
                reports += [_report(rule, record, hit) for hit in rule.check(record, context)]
    for rule in all_rules:
        if rule.scope == "catalog":
            reports += [_report(rule, hit.record, hit) for hit in rule.check(context)]
    return reports


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


def check_loaded(catalog: Catalog, as_of: dt.date | None = None) -> CheckResult:
    reports = catalog.reports + run_rules(catalog, as_of or dt.date.today())
    findings = sort_findings(catalog.findings + locate_reports(catalog.root, reports))
    return CheckResult(catalog, findings)


def check(root: Path | str, as_of: dt.date | None = None, cache_dir: Path | None = None, workers: int | None = None) -> CheckResult:
    """Load and check a catalogue folder: the whole of `zwgk check`."""
    return check_loaded(load_catalog(root, cache_dir=cache_dir, workers=workers), as_of)
