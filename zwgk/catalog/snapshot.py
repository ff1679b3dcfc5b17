"""A catalogue as it was at a git revision, exported with `git archive` into a scratch folder: what
`zwgk diff` compares and what the scorecard trend re-checks.
"""

from __future__ import annotations

import hashlib
import subprocess
import tarfile
from pathlib import Path, PurePosixPath

from zwgk.catalog.loader import CatalogError


class SnapshotError(Exception):
    """A revision that is not a folder, or not a revision holding the catalogue."""


# What checking a catalogue as it was can raise besides findings: it is not there or not a catalogue
# (SnapshotError, CatalogError), or one of its files trips the loader (the conversion of a YAML value:
# ValueError, LookupError, TypeError, ArithmeticError, RecursionError; each such file is a loader bug,
# to be turned into a finding there). The scorecard trend shows such a month as a gap, `zwgk diff`
# says it cannot compare; neither lets a traceback out.
UNCHECKABLE = (SnapshotError, CatalogError, ValueError, LookupError, TypeError, ArithmeticError, RecursionError)


def uncheckable_reason(error: BaseException) -> str:
    """The reason, in Chinese, that a catalogue could not be checked."""
    if isinstance(error, SnapshotError | CatalogError):
        return str(error)
    return f"读取其中的文件时出错（{type(error).__name__}），无法检查。"


def catalogue_of(spec: str, repo: Path, catalog_path: str, scratch: Path) -> Path:
    """A catalogue folder for `spec`: the folder itself, or the catalogue at a git revision (exported
    with `git archive` into `scratch`)."""
    if Path(spec).is_dir():
        return Path(spec)
    if spec.startswith("-"):
        raise SnapshotError(f"“{spec}”不是一个版本名。")
    target = scratch / hashlib.sha1(spec.encode()).hexdigest()[:12]
    target.mkdir(parents=True)
    archive = target / "catalogue.tar"
    command = ["git", "-C", str(repo), "archive", "--format=tar", spec, "--", catalog_path]
    with archive.open("wb") as out:  # streamed to disk: a large history never sits in memory
        done = subprocess.run(command, stdout=out, stderr=subprocess.PIPE, check=False)
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip()
        raise SnapshotError(f"“{spec}”既不是文件夹，也不是仓库 {repo} 中含有 {catalog_path}/ 的版本：{message}")
    try:
        with tarfile.open(archive) as tar:
            members = _checked_members(tar, spec)
            # The "data" filter refuses links and paths out of the folder too; Pythons before 3.11.4 lack it.
            tar.extractall(target, members, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    except tarfile.TarError as error:
        raise SnapshotError(f"版本“{spec}”的目录无法导出（{type(error).__name__}）。") from None
    finally:
        archive.unlink(missing_ok=True)
    return target / catalog_path


def _checked_members(tar: tarfile.TarFile, spec: str) -> list[tarfile.TarInfo]:
    """The archive's files and folders; a link or any other kind of member makes the version
    uncheckable (the catalogue refuses links, see safe_read), named by its path in the repository."""
    members = tar.getmembers()
    for member in members:
        path = PurePosixPath(member.name)
        if member.issym() or member.islnk():
            raise SnapshotError(f"版本“{spec}”中的“{member.name}”是符号链接：这个版本的目录无法检查（目录中不允许链接）。")
        if not (member.isfile() or member.isdir()) or path.is_absolute() or ".." in path.parts:
            raise SnapshotError(f"版本“{spec}”中的“{member.name}”不是普通文件或文件夹：这个版本的目录无法检查。")
    return members
