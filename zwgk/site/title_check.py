"""The first pass's check (title_index.unfound_titles: every item's and entry's title found by the
title index the build wrote) in a Python process of its own, started as soon as the build has
written that index and waited for by the static search's step. At province scale it is 5 s of CPU:
in a thread beside the step it held the interpreter lock against the step's own work, and the step
waited for it; as a process it runs on the other core while the build verifies the site and
assembles the Pagefind bundles. Started afresh, not forked (as zwgk.search.writer): it is given
only the (URL, title) pairs, in a file."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

from zwgk.site.record_chunks import RECORD_DIR, SETTINGS_FILE
from zwgk.site.title_index import TITLE_DIR, expected_titles, unfound_titles_of


def reads(rel: str) -> bool:
    """Whether the check reads this file of the site (unfound_titles_of): the build writes these
    first and starts the check before it writes the rest."""
    return rel == SETTINGS_FILE or rel.startswith((f"{RECORD_DIR}/", f"{TITLE_DIR}/"))


class TitleCheckError(RuntimeError):
    pass


class TitleCheck:
    """unfound_titles(site_dir, site), running from construction until `result`."""

    def __init__(self, site_dir: Path, site):
        handle, name = tempfile.mkstemp(prefix="zwgk-titles-", suffix=".pickle")
        with os.fdopen(handle, "wb") as file:
            pickle.dump(expected_titles(site), file, protocol=pickle.HIGHEST_PROTOCOL)
        self.plan = Path(name)
        try:
            # Run from the folder holding this package, so that `-m` finds this very code.
            self.process = subprocess.Popen(
                [sys.executable, "-m", "zwgk.site.title_check", str(site_dir.resolve()), name],
                cwd=Path(__file__).resolve().parent.parent.parent,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        except OSError as error:
            self.plan.unlink(missing_ok=True)
            raise TitleCheckError(f"标题检索索引的核对未能启动：{error}") from None

    def result(self) -> list[str]:
        """The titles the first pass would not find; raises if the check failed."""
        out, err = self.process.communicate()
        if self.process.returncode != 0:
            detail = err.decode("utf-8", "replace")[-2000:]
            raise TitleCheckError(f"标题检索索引的核对失败（退出码 {self.process.returncode}）：\n{detail}")
        try:
            return json.loads(out)
        except ValueError:
            raise TitleCheckError(f"标题检索索引的核对没有给出可读的结果：{out[:200]!r}") from None

    def cancel(self) -> None:
        """Stop the check (the build failed before it was needed)."""
        if self.process.returncode is None:  # not yet waited for
            self.process.kill()
            self.process.communicate()
        self.plan.unlink(missing_ok=True)


def main(argv: list[str]) -> None:
    site_dir, plan = Path(argv[1]), Path(argv[2])
    expected = pickle.loads(plan.read_bytes())
    plan.unlink()  # read: gone even if the build does not wait for the result
    sys.stdout.write(json.dumps(unfound_titles_of(site_dir, expected), ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv)
