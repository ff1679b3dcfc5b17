"""`.github/CODEOWNERS` from each department's `maintainers`: a pull request that touches a
department's folder then needs the approval of that department's maintainers.

The file lives in the repository that holds the catalogue folder (the catalogue's parent folder).
`zwgk codeowners` writes it; the rule dept.codeowners-stale warns when the committed one differs.
"""

from __future__ import annotations

import re
from pathlib import Path

from zwgk.catalog.codes import DEPT_ID_RE
from zwgk.catalog.safe_read import UnreadableFile, read_regular

MAX_BYTES = 1024 * 1024  # a CODEOWNERS file is a few lines per department

HEADER = "# 由 zwgk codeowners 根据各部门 department.yml 中的 maintainers 生成，请勿手工修改。\n"


def committed_path(catalog_root: Path) -> Path:
    return catalog_root.resolve().parent / ".github" / "CODEOWNERS"


def read_committed(catalog_root: Path) -> str | None:
    """The committed CODEOWNERS text; None when there is none. A link, a device or an oversized file
    is never read: it counts as an empty file (so every department is reported as stale)."""
    path = committed_path(catalog_root)
    if not path.is_symlink() and not path.exists():
        return None
    try:
        return read_regular(path, ".github/CODEOWNERS", MAX_BYTES).decode("utf-8", errors="replace")
    except UnreadableFile:
        return ""


# The shapes GitHub accepts in CODEOWNERS, matched whole: a user (1-39 letters, digits and single inner
# hyphens), a team (@org/team) or an email address. Anything else (a line break, a space, `*`) could
# write rules of its own into the file, so it is never written (the rule dept.maintainer-invalid says so).
_USER = r"(?=[A-Za-z0-9-]{1,39}(?:/|\Z))[A-Za-z0-9](?:-?[A-Za-z0-9])*"
_HANDLE = re.compile(rf"@?{_USER}")
_TEAM = re.compile(rf"@?{_USER}/[A-Za-z0-9](?:[A-Za-z0-9_-]{{0,98}}[A-Za-z0-9])?")
_EMAIL = re.compile(
    r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"
)


def is_valid_handle(name: object) -> bool:
    """Whether `name` has the shape of a GitHub user or team handle (with or without @) or an email."""
    return isinstance(name, str) and any(pattern.fullmatch(name) for pattern in (_HANDLE, _TEAM, _EMAIL))


def _handle(name: str) -> str:
    return name if name.startswith("@") or "@" in name else f"@{name}"


def valid_maintainers(maintainers: list[str]) -> list[str]:
    return [name for name in maintainers if is_valid_handle(name)]


def department_line(catalog_root: Path, dept_id: str, maintainers: list[str]) -> str:
    folder = f"/{catalog_root.resolve().name}/departments/{dept_id}/"
    return f"{folder} {' '.join(_handle(name) for name in valid_maintainers(maintainers))}"


def _owned(departments: dict) -> list[tuple[str, object]]:
    """The departments that get a line: a well-formed folder name and at least one valid handle."""
    return [
        (dept_id, dept)
        for dept_id, dept in sorted(departments.items())
        if DEPT_ID_RE.match(dept_id) and valid_maintainers(dept.maintainers)
    ]


def render(catalog_root: Path, departments: dict) -> str:
    lines = [department_line(catalog_root, dept_id, dept.maintainers) for dept_id, dept in _owned(departments)]
    return HEADER + "\n".join(lines) + ("\n" if lines else "")


def stale_departments(catalog_root: Path, departments: dict) -> list[str]:
    """The departments whose line in the committed CODEOWNERS is missing or different. Nothing when
    the repository has no CODEOWNERS (it may use other review rules)."""
    text = read_committed(catalog_root)
    if text is None:
        return []
    committed = set(text.splitlines())
    return [dept_id for dept_id, dept in _owned(departments) if department_line(catalog_root, dept_id, dept.maintainers) not in committed]
