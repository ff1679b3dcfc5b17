"""Who is writing an index: the pid file a background writer keeps beside Whoosh's lock, the plan
files of builds, and the cleaning of those a dead build left behind."""

from __future__ import annotations

import os
import signal
import tempfile
import time
from pathlib import Path

WRITER_FILE = "zwgk-writer.pid"  # beside Whoosh's lock: "writer pid, build pid, plan file" of a running writer
PLAN_PREFIX = "zwgk-index-"  # plan files in the temporary folder: zwgk-index-<build pid>-<random>.pickle


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_writer(pid: int) -> bool:
    try:
        return b"zwgk.search.writer" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return not Path("/proc/self").exists() and _alive(pid)  # no /proc: trust the pid file


def clean_stale_writers(folder: Path) -> None:
    """Before writing: stop a writer whose build has died (SIGKILL leaves no chance to stop it), and
    remove plan files of builds that are gone. Whoosh's lock is an flock, released when its holder
    dies; the pid file beside it says who holds it. A writer whose build is alive is another build's
    (or `zwgk index`'s) and is left alone: Whoosh's lock then refuses this update with a clear error."""
    record = folder / WRITER_FILE
    try:
        writer, parent, plan = record.read_text(encoding="utf-8").split("\n")[:3]
        writer_pid, parent_pid = int(writer), int(parent)
    except (OSError, ValueError):
        writer_pid = parent_pid = 0
        plan = ""
    if writer_pid and not (_alive(parent_pid) and parent_pid != os.getpid()):
        if _alive(writer_pid) and _is_writer(writer_pid):
            os.kill(writer_pid, signal.SIGKILL)
            for _ in range(100):
                if not _alive(writer_pid):
                    break
                time.sleep(0.05)
        if plan:
            Path(plan).unlink(missing_ok=True)
        record.unlink(missing_ok=True)
    for stale in Path(tempfile.gettempdir()).glob(f"{PLAN_PREFIX}*-*.pickle"):
        owner = stale.name[len(PLAN_PREFIX) :].split("-")[0]
        if owner.isdigit() and not _alive(int(owner)):
            stale.unlink(missing_ok=True)
