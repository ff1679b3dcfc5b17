"""A part's pages written as Pagefind is given them (pagefind.indexed_view) into the folder Pagefind
then indexes, in a process of its own (`python -m zwgk.site.pagefind_stage STAGING`, the pages as
JSON [[path in the site, file], …] on standard input). In the build's threads the reading and cutting
held the interpreter lock the exports, beside them, wait for: at province scale the staging took 35 s
of those threads' time, 4.8 s alone."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from zwgk.site.pagefind import StaticSearchError, indexed_view


def stage(staging: Path, pages: Iterable[tuple[str, str]]) -> None:
    """Each page's view at its path in the site under `staging` (here, in this process)."""
    made = set()
    for rel, path in pages:
        target = staging / rel
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(indexed_view(Path(path).read_bytes()))


def stage_apart(staging: Path, pages: Iterable[tuple[str, Path]], timeout: int = 1800) -> None:
    """`stage` in a child process (StaticSearchError if it fails)."""
    listing = json.dumps([[rel, str(path)] for rel, path in pages])
    command = [sys.executable, "-m", "zwgk.site.pagefind_stage", str(staging)]
    try:
        done = subprocess.run(
            command, input=listing, capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=timeout, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise StaticSearchError(f"未能为 Pagefind 准备页面：{error}") from None
    if done.returncode != 0:
        raise StaticSearchError(f"为 Pagefind 准备页面失败（退出码 {done.returncode}）：\n{done.stderr[-2000:]}")


if __name__ == "__main__":
    stage(Path(sys.argv[1]), json.loads(sys.stdin.read()))
