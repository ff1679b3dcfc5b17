"""The rule registry. One module per rule family; each rule is a small function registered with a
stable id, a severity and the kind of record it looks at, and documented by its docstring, from which
the rules reference and `zwgk rule ID` are generated.

A rule's docstring has four parts, each starting a line: 检查：(what it checks) 原因：(why it matters)
示例：(a bad example, an indented block) 修正：(how to fix it). A test fails when one is missing.

Rules speak in key paths relative to their record (`("flow", 2, "next")`); the loader maps paths to
lines and columns. No rule touches YAML.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from zwgk.catalog.findings import Severity

ERROR = Severity.ERROR
WARNING = Severity.WARNING

# What a rule looks at. "load" rules are reported by the loader itself while it reads files.
SCOPES = ("load", "scheme", "department", "item", "entry", "annual", "catalog")
FAMILIES = ("files", "scheme", "codes", "items", "flow", "disclosure", "annual", "inspection", "repo")


@dataclass(frozen=True)
class Hit:
    """One thing a rule found: a message, where in the record, and (for catalogue-wide rules) which record."""

    message: str
    path: tuple = ()
    record: object = None
    at_key: bool = False


@dataclass(frozen=True)
class RuleDoc:
    what: str
    why: str
    example: str
    fix: str


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    scope: str
    family: str
    check: Callable[..., Iterable[Hit]]
    doc: RuleDoc

    @property
    def title(self) -> str:
        return self.doc.what.split("。")[0]


REGISTRY: dict[str, Rule] = {}
_DOC_PARTS = {"检查": "what", "原因": "why", "示例": "example", "修正": "fix"}
_PART_START = re.compile(r"^\s*(检查|原因|示例|修正)：", re.M)


def parse_doc(docstring: str | None) -> RuleDoc:
    """Split a rule docstring into its four parts; a missing part is an empty string."""
    text = docstring or ""
    parts = dict.fromkeys(_DOC_PARTS.values(), "")
    matches = list(_PART_START.finditer(text))
    for match, following in zip(matches, [*matches[1:], None], strict=False):
        body = text[match.end() : following.start() if following else len(text)]
        lines = body.strip("\n").split("\n")
        if match.group(1) == "示例":
            indent = min((len(line) - len(line.lstrip()) for line in lines if line.strip()), default=0)
            parts["example"] = "\n".join(line[indent:] for line in lines).strip("\n")
        else:
            parts[_DOC_PARTS[match.group(1)]] = " ".join(line.strip() for line in lines if line.strip())
    return RuleDoc(**parts)


def rule(rule_id: str, severity: Severity, scope: str) -> Callable:
    """Register a rule function under a stable id."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r} for {rule_id}")

    def register(function: Callable[..., Iterator[Hit]]) -> Callable[..., Iterator[Hit]]:
        if rule_id in REGISTRY:
            raise ValueError(f"rule {rule_id} registered twice")
        family = function.__module__.rsplit(".", 1)[-1]
        REGISTRY[rule_id] = Rule(rule_id, severity, scope, family, function, parse_doc(function.__doc__))
        return function

    return register


def all_rules() -> list[Rule]:
    for family in FAMILIES:
        importlib.import_module(f"{__name__}.{family}")
    return sorted(REGISTRY.values(), key=lambda r: (FAMILIES.index(r.family), r.id))


def get(rule_id: str) -> Rule:
    all_rules()
    return REGISTRY[rule_id]
