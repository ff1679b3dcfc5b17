"""The exports and other files the build writes itself, computed ahead in a forked process while
MkDocs renders the pages. They are made from the checked catalogue alone (zwgk.build.outputs), so
they are known once `prepare` ends; the last step (finish) writes them. In a pull request's build
(one entry changed, every page but a few taken from the cache) computing them is some 3 seconds of
the build's 16 on a core that is otherwise idle while MkDocs hands the pages over and renders.

Forked only where that is safe (fork, more than one core, no other thread in the build: `mkdocs
serve` runs its server in threads) and the build has little to compute (`worth_forking`); else
`computed` runs in finish."""

from __future__ import annotations

import atexit
import gc
import os
import pickle
import tempfile
import threading
from pathlib import Path

from mkdocs.exceptions import PluginError

from zwgk.build.outputs import cached_annual, cached_exports, cached_lookups, cached_workbooks, export_parts_to_make
from zwgk.build.state import SiteBuild
from zwgk.monitoring import scorecards


def computed(build: SiteBuild, shards: int) -> dict[str, bytes]:
    """Every file the build writes itself but the flowcharts: {site path: bytes}."""
    written = cached_exports(build)
    written.update(cached_workbooks(build))
    written.update(cached_lookups(build, shards))
    written["exports/scores.csv"] = scorecards.scores_csv(build.data, build.cards)
    written.update(cached_annual(build))
    return written


def worth_forking(build: SiteBuild) -> bool:
    """Safe, and a build with little to compute: in a cold build (every department's exports to make)
    both cores are busy anyway, and a child computing from the whole catalogue copies much of the
    build's heap (at province scale the peak went from 2.3 to 3.5 GiB)."""
    if not hasattr(os, "fork") or (os.cpu_count() or 1) < 2 or threading.active_count() > 1:
        return False
    return export_parts_to_make(build) <= max(1, len(build.data.departments) // 10)


class Ahead:
    """`computed(build, shards)` in a forked child from construction until `result`. The child hands
    back the files and what it added to `build.counts` in a pickle, or the exception it raised."""

    def __init__(self, build: SiteBuild, shards: int):
        self.build = build
        handle, name = tempfile.mkstemp(prefix="zwgk-exports-", suffix=".pickle")
        self.path = Path(name)
        # Everything made so far moved out of the collector's generations, as zwgk.catalog.cache.paused_gc
        # leaves the catalogue: the child's collections do not walk (and so copy) the inherited heap,
        # and the build's later ones, its last one at exit included, do not walk the catalogue again.
        gc.freeze()
        self.pid = os.fork()
        if self.pid == 0:
            _child(handle, build, shards)  # never returns
        os.close(handle)
        atexit.register(self.cancel)  # a build that fails before finish must not leave it running

    def result(self) -> dict[str, bytes]:
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        try:
            outcome = pickle.loads(self.path.read_bytes()) if status == 0 else None
        except (OSError, pickle.UnpicklingError, EOFError):
            outcome = None
        finally:
            self.path.unlink(missing_ok=True)
        if outcome is None:
            raise PluginError(f"生成导出文件的进程意外退出（状态 {status}），导出文件没有生成。")
        written, counts, error = outcome
        if error is not None:
            raise error
        self.build.counts.update(counts)
        return written

    def cancel(self) -> None:
        if self.pid is not None:
            try:
                os.kill(self.pid, 9)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self.pid = None
        self.path.unlink(missing_ok=True)


def _child(handle: int, build: SiteBuild, shards: int) -> None:
    """The forked process: compute, write the outcome, and leave without running the parent's exit
    handlers (they would stop the Whoosh writer the parent started)."""
    status = 1
    try:
        before = dict(build.counts)
        try:
            written = computed(build, shards)
            outcome = (written, {k: v for k, v in build.counts.items() if before.get(k) != v}, None)
        except Exception as error:  # noqa: BLE001 - carried to the build, raised there by result
            outcome = (None, {}, error if _portable(error) else RuntimeError(f"{type(error).__name__}: {error}"))
        with os.fdopen(handle, "wb") as out:
            pickle.dump(outcome, out, protocol=pickle.HIGHEST_PROTOCOL)
        status = 0
    finally:
        os._exit(status)


def _portable(error: Exception) -> bool:
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:  # noqa: BLE001 - any failure to carry it means it is carried as text
        return False
    return True
