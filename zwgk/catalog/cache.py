"""Caches keyed by content and by code: a result is reused only while both the input it was made
from and the code that made it are unchanged. Used by the loader, the rule runner, the search index,
the trend and the build.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# ---- loading one file: parse and validate, in parallel and cached ---------------------------------


def default_cache_dir() -> Path:
    return Path(os.environ.get("ZWGK_CACHE_DIR") or Path.home() / ".cache" / "zwgk")


PACKAGE = Path(__file__).resolve().parent.parent  # code_version's patterns are relative to zwgk/


def code_version(modules: tuple[str, ...] = ("catalog/*.py",)) -> str:
    """A cached result is only as good as the code that made it: key the cache on that code too."""
    digest = hashlib.sha256()
    for module in modules:
        for path in sorted(PACKAGE.glob(module)):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class PickleCache:
    """Results by key in a folder of pickles; a missing or unreadable entry is simply a miss."""

    def __init__(self, directory: Path | None, name: str):
        self.directory = directory / name if directory else None

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.pickle"

    def get(self, key: str) -> Any:
        if self.directory is None:
            return None
        try:
            return pickle.loads(self._path(key).read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
            return None  # absent, or written by another version of the code: compute it again

    def put(self, key: str, value: Any) -> None:
        self.put_pickled(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def put_pickled(self, key: str, payload: bytes) -> None:
        if self.directory is None:
            return
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(payload)
        os.replace(temporary, path)

    def prune(self, keep: int) -> None:
        """Remove all but the `keep` most recently written entries."""
        if self.directory is None:
            return
        entries = sorted(self.directory.glob("*/*.pickle"), key=lambda path: path.stat().st_mtime, reverse=True)
        for path in entries[keep:]:
            path.unlink(missing_ok=True)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building millions of acyclic objects.

    Records are trees without cycles, so collections find nothing; at province scale the collector's
    repeated full passes over a growing heap cost more than the work itself. On the way out the new
    objects are frozen (moved out of the collector's generations, still freed by reference counting)
    so that the first collection afterwards does not walk them all.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
