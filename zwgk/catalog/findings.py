"""The one type every check reports, and its three output forms (a contract: other tools read them)."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import PurePosixPath


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


# Contributor text echoed into a CI log must not become a workflow command: GitHub reads a line that
# starts with "::" (::error, ::stop-commands, ...) and the older "##[" form anywhere in a line. Line
# breaks and other control characters (ESC sequences can rewrite what a terminal shows) are written as
# visible escapes, "::" and "##[" are broken apart.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
_ESCAPES = {"\n": "\\n", "\r": "\\r"}


def _visible(match: re.Match) -> str:
    char = match.group()
    return _ESCAPES.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def log_safe(text: str) -> str:
    """One line of log output that no CI runner reads as a command, whatever `text` holds."""
    return _CONTROL.sub(_visible, text).replace("::", ": :").replace("##[", "# #[")


def log_safe_lines(text: str) -> str:
    """Text of several lines (our own line breaks kept), each made safe as by `log_safe`."""
    return "\n".join(log_safe(line) for line in text.split("\n"))


@dataclass(frozen=True, order=True)
class Finding:
    file: str  # relative to the catalogue root, POSIX separators
    line: int  # 1-based; 0 when the finding concerns the whole file
    column: int  # 1-based
    rule: str
    severity: Severity
    record: str  # the record's code or 索引号 and title; "" for a file-level finding
    message: str  # plain Chinese: what is wrong and how to fix it
    sheet: str = ""  # the worksheet, for findings about a workbook (zwgk import); shown only when set

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def text(self) -> str:
        subject = f"{self.record}：" if self.record else ""
        sheet = f"工作表“{self.sheet}”：" if self.sheet else ""
        return log_safe(f"{self.file}:{self.line}:{self.column}: {self.severity.value} {self.rule} {sheet}{subject}{self.message}")

    def as_json(self) -> dict:
        data = asdict(self)
        data["severity"] = self.severity.value
        keys = ("rule", "severity", "file", *(("sheet",) if self.sheet else ()), "line", "column", "record", "message")
        return {key: data[key] for key in keys}


@dataclass(frozen=True)
class Summary:
    files: int
    departments: int
    items: int
    entries: int
    errors: int
    warnings: int

    def text(self) -> str:
        return (
            f"检查了 {self.files} 个文件：{self.departments} 个部门、{self.items} 个权力事项、"
            f"{self.entries} 条目录条目；{self.errors} 个错误，{self.warnings} 个警告。"
        )


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(set(findings), key=lambda f: (f.file, f.line, f.column, f.rule, f.message))


def format_text(findings: list[Finding], summary: Summary) -> str:
    lines = [finding.text() for finding in findings]
    lines.append(summary.text())
    return "\n".join(lines) + "\n"


def format_json(findings: list[Finding], summary: Summary) -> str:
    payload = {"findings": [finding.as_json() for finding in findings], "summary": asdict(summary)}
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def format_github(findings: list[Finding], summary: Summary, file_prefix: str = "") -> str:
    """Workflow commands that GitHub turns into annotations on the pull request's changed lines.

    `file_prefix` is the catalogue folder relative to the repository root, since annotations are
    placed by repository path.
    """
    lines = []
    for finding in findings:
        path = str(PurePosixPath(file_prefix) / finding.file) if file_prefix else finding.file
        props = [f"file={_escape_property(path)}"]
        if finding.line:
            props += [f"line={finding.line}", f"col={finding.column}"]
        props.append(f"title={_escape_property(finding.rule)}")
        subject = (f"工作表“{finding.sheet}”：" if finding.sheet else "") + (f"{finding.record}：" if finding.record else "")
        lines.append(f"::{finding.severity.value} {','.join(props)}::{_escape_data(subject + finding.message)}")
    lines.append(summary.text())
    return "\n".join(lines) + "\n"


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
