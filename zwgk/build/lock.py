"""One build at a time into a site folder, and the build's log lines made safe for CI logs."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.exceptions import PluginError

from zwgk.catalog.findings import log_safe_lines

# Site folders this process holds the build lock of (path -> open lock file). A lock is a property of
# the process, not of one build's state: a build that failed keeps it until `release_lock` or exit.
_LOCKS: dict[str, object] = {}


def lock_path(site_dir: Path) -> Path:
    return site_dir.with_name(site_dir.name + ".lock")


def take_lock(config) -> None:
    """One build at a time into a site folder: an flock on a file beside it, for the whole build (the
    kernel releases it if the build dies). A second build fails at once, before MkDocs cleans the folder."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        return
    path = lock_path(Path(config.site_dir).resolve())
    if str(path) in _LOCKS:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 (held until release_lock)
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.seek(0)
        holder = handle.read().strip()
        handle.close()
        who = f"（进程 {holder}）" if holder.isdigit() else ""
        raise PluginError(f"另一个构建{who}正在写入 {config.site_dir}：请等它结束后再构建（锁文件 {path}）。") from None
    handle.truncate(0)
    handle.write(str(os.getpid()))
    handle.flush()
    _LOCKS[str(path)] = handle


def release_lock(config) -> None:
    handle = _LOCKS.pop(str(lock_path(Path(config.site_dir).resolve())), None)
    if handle is not None:
        handle.close()  # closing the file releases the flock


def release_all_locks() -> None:
    """After a failed build (MkDocs's build_error event names no config): release what this process holds."""
    while _LOCKS:
        _LOCKS.popitem()[1].close()


class _LogSafe(logging.Filter):
    """Every line MkDocs prints passes here: catalogue text in it (a title in a warning, a label in an
    error) cannot forge a workflow command in the CI log (see findings.log_safe)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        safe = log_safe_lines(message)
        if safe != message:
            record.msg, record.args = safe, None
        return True


def guard_logs() -> None:
    for logger in (logging.getLogger("mkdocs"), logging.getLogger()):
        for handler in logger.handlers:
            if not any(isinstance(existing, _LogSafe) for existing in handler.filters):
                handler.addFilter(_LogSafe())
