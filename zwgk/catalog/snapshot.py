"""A catalogue as it was at a git revision, exported with `git archive` into a scratch folder: what
`zwgk diff` compares and what the scorecard trend re-checks.
"""

from __future__ import annotations

import hashlib
import subprocess
import tarfile
from pathlib import Path


class SnapshotError(Exception):
    """A revision that is not a folder, or not a revision holding the catalogue."""


def catalogue_of(spec: str, repo: Path, catalog_path: str, scratch: Path) -> Path:
    """A catalogue folder for `spec`: the folder itself, or the catalogue at a git revision (exported
    with `git archive` into `scratch`)."""
    if Path(spec).is_dir():
        return Path(spec)
    if spec.startswith("-"):
        raise SnapshotError(f"“{spec}”不是一个版本名。")
    target = scratch / hashlib.sha1(spec.encode()).hexdigest()[:12]
    command = ["git", "-C", str(repo), "archive", "--format=tar", spec, "--", catalog_path]
    done = subprocess.run(command, capture_output=True, check=False)
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip()
        raise SnapshotError(f"“{spec}”既不是文件夹，也不是仓库 {repo} 中含有 {catalog_path}/ 的版本：{message}")
    target.mkdir(parents=True)
    archive = target / "catalogue.tar"
    archive.write_bytes(done.stdout)
    with tarfile.open(archive) as tar:
        # The "data" filter refuses links and paths out of the folder; Pythons before 3.11.4 lack it.
        tar.extractall(target, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    archive.unlink()
    return target / catalog_path
