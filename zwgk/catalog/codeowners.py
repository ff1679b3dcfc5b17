"""`.github/CODEOWNERS` from each department's `maintainers`: a pull request that touches a
department's folder then needs the approval of that department's maintainers.

The file lives in the repository that holds the catalogue folder (the catalogue's parent folder).
`zwgk codeowners` writes it; the rule dept.codeowners-stale warns when the committed one differs.
"""

from __future__ import annotations

from pathlib import Path

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


def _handle(name: str) -> str:
    name = name.strip()
    return name if name.startswith("@") or "@" in name else f"@{name}"


def department_line(catalog_root: Path, dept_id: str, maintainers: list[str]) -> str:
    folder = f"/{catalog_root.resolve().name}/departments/{dept_id}/"
    return f"{folder} {' '.join(_handle(name) for name in maintainers)}"


def render(catalog_root: Path, departments: dict) -> str:
    lines = [department_line(catalog_root, dept_id, dept.maintainers) for dept_id, dept in sorted(departments.items()) if dept.maintainers]
    return HEADER + "\n".join(lines) + ("\n" if lines else "")


def stale_departments(catalog_root: Path, departments: dict) -> list[str]:
    """The departments whose line in the committed CODEOWNERS is missing or different. Nothing when
    the repository has no CODEOWNERS (it may use other review rules)."""
    text = read_committed(catalog_root)
    if text is None:
        return []
    committed = set(text.splitlines())
    return [
        dept_id
        for dept_id, dept in sorted(departments.items())
        if dept.maintainers and department_line(catalog_root, dept_id, dept.maintainers) not in committed
    ]
