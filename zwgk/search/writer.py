"""The background writer: an index update written by a separate Python process while the build goes
on, started as `python -m zwgk.search.writer PLAN BUILD-PID`, and dying with the build."""

from __future__ import annotations

import atexit
import dataclasses
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from zwgk.search.index import IndexStats, IndexUpdate, SearchIndexError, apply_update, best_first
from zwgk.search.writer_pids import PLAN_PREFIX, WRITER_FILE, clean_stale_writers

_CHUNK = 2000  # documents per pickle in the plan file


class BackgroundUpdate:
    """An index update written by a separate Python process while the build goes on (MkDocs renders
    pages on one core; the index is written on the other). The process is started afresh rather than
    forked, so it holds only the documents, not a copy of the build's memory. It dies with the build
    (see `_run_writer`), even when the build is killed with SIGKILL."""

    def __init__(self, update: IndexUpdate):
        self.update = update
        self.process: subprocess.Popen | None = None
        if update.stale or update.fresh:
            clean_stale_writers(update.folder)
            handle, name = tempfile.mkstemp(prefix=f"{PLAN_PREFIX}{os.getpid()}-", suffix=".pickle")
            # The plan without its documents, their count, then the documents in the order they are
            # written, in chunks: the writer reads one chunk at a time, never holding them all.
            self.stats = update.stats
            self.update = dataclasses.replace(update, fresh=[])
            with os.fdopen(handle, "wb") as file:
                pickle.dump((self.update, self.stats), file, protocol=pickle.HIGHEST_PROTOCOL)
                documents = best_first(update.fresh)
                for start in range(0, len(documents), _CHUNK):
                    pickle.dump(documents[start : start + _CHUNK], file, protocol=pickle.HIGHEST_PROTOCOL)
            # The documents are the writer's now: the build need not hold them (hundreds of MB at
            # province scale) while it renders; only their count is reported.
            del documents
            self.plan_file = Path(name)
            # Run from the folder holding this package, so that `-m` finds this very code and not a
            # zwgk folder in the build's working directory.
            self.process = subprocess.Popen(
                [sys.executable, "-m", "zwgk.search.writer", str(self.plan_file), str(os.getpid())],
                cwd=Path(__file__).resolve().parent.parent.parent,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            atexit.register(self.close)  # a build that fails before waiting must not leave it running
        elif update.changed_state:
            apply_update(update)

    def close(self) -> None:
        """Stop the writer if nobody waits for it any more, and remove its plan. The index is left as
        it was: nothing is committed, and the next update plans these records again."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()
        self.plan_file.unlink(missing_ok=True)

    def wait(self, timeout: float = 3600) -> IndexStats:
        if self.process is None:
            return self.update.stats
        try:
            output, _ = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise SearchIndexError(f"写检索索引超过 {timeout:.0f} 秒，已停止。") from None
        finally:
            self.plan_file.unlink(missing_ok=True)
            atexit.unregister(self.close)
        if self.process.returncode != 0:
            raise SearchIndexError(f"写检索索引失败（退出码 {self.process.returncode}）：\n{output[-2000:]}")
        return self.stats


def _die_with(parent: int) -> None:
    """End this process when `parent` ends: the kernel's parent-death signal on Linux, and a thread
    watching the parent pid everywhere (also covering a parent that died before the signal was set).
    The kernel sends the signal when the thread that started this process ends: builds start the writer
    from their main thread (`mkdocs serve`, which rebuilds on other threads, writes no index)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass  # no prctl: the thread below still watches
    if os.getppid() != parent:
        os._exit(3)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(3)

    threading.Thread(target=watch, daemon=True).start()


def _run_writer(plan_file: str, parent: int) -> None:
    """The background writer: python -m zwgk.search.writer PLAN BUILD-PID."""
    _die_with(parent)
    with open(plan_file, "rb") as plan:
        update, stats = pickle.load(plan)
        record = update.folder / WRITER_FILE
        record.write_text(f"{os.getpid()}\n{parent}\n{plan_file}\n", encoding="utf-8")
        try:
            apply_update(update, documents=_read_documents(plan, stats.added), stats=stats)
        finally:
            record.unlink(missing_ok=True)


def _read_documents(plan, count: int):
    """The plan's documents, one chunk in memory at a time; fails unless all `count` were there."""
    read = 0
    while read < count:
        chunk = pickle.load(plan)
        read += len(chunk)
        yield from chunk
    if read != count:
        raise SearchIndexError(f"检索索引的写入计划有 {read} 条记录，应为 {count} 条。")


if __name__ == "__main__":
    _run_writer(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else os.getppid())
