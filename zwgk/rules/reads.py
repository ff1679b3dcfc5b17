"""The whole-catalogue rules' results, each rule's kept by exactly what it reads.

A whole-catalogue rule (scope "catalog") compares records across files: 索引号 duplicates and gaps,
names of the same code, columns of a department. Run on every check they took seconds at province
scale, though a pull request that changes one entry's title can change the findings of one or two of
them. So each rule declares here what it reads besides what every rule may read (the code, the day,
scheme.yml, every department.yml, which files there are, the committed CODEOWNERS): for each kind of
file, the fields of its records (or None: the whole file). Its results are kept under a key made of
exactly that: the fields' values of every record of those kinds, with the record's place (a digest
per file, kept by the file's content key, so an unchanged file is not read again). A change the rule
cannot see leaves its key, and its findings, as they are; one it can see runs it again.

Results are kept as places and messages, not reports: a finding's record label (an entry's 索引号 and
title) is taken from the records of this check, so a rule that does not read titles still names an
entry by its current title. A rule missing here reads everything (every file's content key).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from zwgk.catalog import codeowners
from zwgk.catalog.cache import PickleCache, code_version
from zwgk.catalog.findings import Report
from zwgk.rules.codes import CODE_FIELDS

# rule id -> {kind of file: the fields of its records the rule reads, or None for the whole file}.
# Kinds: "item" (powers/), "entry" (disclosure/), "annual" (annual/); scheme.yml and department.yml
# are read by every rule.
READS: dict[str, dict[str, tuple[str, ...] | None]] = {
    "code.fullwidth": {"item": CODE_FIELDS["item"], "entry": CODE_FIELDS["entry"]},
    "dept.duplicate-identity": {},
    "item.name-conflict": {"item": None},
    "item.same-name-different-code": {"item": None},
    "entry.interprets-unknown": {"entry": ("index", "interprets")},
    "index.duplicate": {"entry": ("index", "title")},  # the message names the earlier entry's title
    "index.serial-gap": {"entry": ("index",)},
    "annual.carry-over-mismatch": {"annual": None},
    "inspection.empty-column": {"item": None, "entry": ("topic", "genre", "date")},
    "inspection.stale-column": {"entry": ("genre", "date")},
    "inspection.veto-empty-columns": {"item": None, "entry": ("topic", "genre", "date")},
    "inspection.veto-stale-columns": {"entry": ("genre", "date")},
    "dept.codeowners-stale": {},
}
RULE_MODULES = ("rules/*.py", "catalog/codes.py", "catalog/flow.py", "catalog/*model.py")
_EVERYTHING = {"item": None, "entry": None, "annual": None}


def kind_of(rel: str) -> str:
    if "/powers/" in rel:
        return "item"
    if "/disclosure/" in rel:
        return "entry"
    if "/annual/" in rel:
        return "annual"
    return "shared"  # scheme.yml, department.yml


class Facts:
    """Per-file digests of the fields rules read, kept by each file's content key."""

    def __init__(self, catalog, cache_dir, version: str):
        self.catalog = catalog
        self.cache = PickleCache(cache_dir, "rule-facts")
        self.name = version
        known = self.cache.get(version)
        self.known: dict[tuple[str, str], dict] = known if isinstance(known, dict) else {}
        self.used: dict[tuple[str, str], dict] = {}

    def digest(self, rel: str, fields: tuple[str, ...] | None) -> str:
        key = self.catalog.file_keys.get(rel, "")
        if fields is None:
            return key
        held = self.used.setdefault((rel, key), dict(self.known.get((rel, key), {})))
        if fields not in held:
            values = [(record.at, *(getattr(record, name) for name in fields)) for record in self.catalog.by_file.get(rel, ())]
            held[fields] = hashlib.blake2b(repr(values).encode(), digest_size=16).hexdigest()
        return held[fields]

    def save(self) -> None:
        if self.used != self.known:
            self.cache.put(self.name, self.used)
            self.cache.prune(keep=2)


def _shared(context, version: str) -> str:
    catalog = context.catalog
    owners = codeowners.read_committed(catalog.root)
    # dept.codeowners-stale writes the expected lines with the catalogue folder's name
    digest = hashlib.sha256(
        f"{version}\0{context.as_of}\0{owners!r}\0{catalog.root.resolve().name}\0{sorted(catalog.folders)!r}\0".encode()
    )
    for rel in sorted(catalog.file_keys):
        digest.update(f"{rel}\0{catalog.file_keys[rel] if kind_of(rel) == 'shared' else ''}\0".encode())
    for rel in sorted(catalog.rejected):
        digest.update(f"rejected\0{rel}\0".encode())
    return digest.hexdigest()


def rule_key(rule_id: str, shared: str, facts: Facts, files: dict[str, list[str]]) -> str:
    """Everything rule `rule_id` reads: what all rules read (`shared`) and its kinds' fields."""
    digest = hashlib.sha256(f"{rule_id}\0{shared}\0".encode())
    for kind, fields in sorted(READS.get(rule_id, _EVERYTHING).items()):
        digest.update(f"{kind}\0{fields!r}\0".encode())
        for rel in files.get(kind, ()):
            digest.update(f"{rel}\0{facts.digest(rel, fields)}\0".encode())
    return digest.hexdigest()


def catalogue_reports(context, cache_dir, catalogue_rules: list, run: Callable) -> list[Report]:
    """The reports of `catalogue_rules` (`run(rule)` gives a rule's hits as (record, hit) pairs):
    kept per rule by what it reads; labels from this check's records."""
    catalog = context.catalog
    version = code_version(RULE_MODULES)
    facts, cache = Facts(catalog, cache_dir, version), PickleCache(cache_dir, "catalogue-rules")
    shared = _shared(context, version)
    files: dict[str, list[str]] = {}
    for rel in sorted(catalog.file_keys):
        files.setdefault(kind_of(rel), []).append(rel)
    found: list[tuple[str, tuple]] = []  # (rule id, place and message)
    for rule in catalogue_rules:
        key = rule_key(rule.id, shared, facts, files)
        kept = cache.get(key)
        if not isinstance(kept, list):
            kept = [(record.file, record.at, hit.path, hit.message, hit.at_key) for record, hit in run(rule)]
            cache.put(key, kept)
        else:
            cache.touch(key)
        found += [(rule.id, place) for place in kept]
    facts.save()
    cache.prune(keep=4 * len(catalogue_rules))
    return _reports(catalog, found)


def _reports(catalog, found: list[tuple[str, tuple]]) -> list[Report]:
    records: dict[tuple[str, tuple], object] = {}
    for rel in {place[0] for _, place in found}:
        for record in catalog.by_file.get(rel, ()):
            records[(record.file, record.at)] = record
    reports = []
    for rule_id, (rel, at, path, message, at_key) in found:
        record = records.get((rel, at))
        reports.append(Report(rule_id, rel, at + path, message, record.label if record is not None else "", at_key))
    return reports
