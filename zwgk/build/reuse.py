"""Generated page sources kept between builds: a group of pages is built again only when something it
reads has changed. Groups, each keyed by everything its builders read:

- the item pages: the code, the build's settings, the scheme, every department's department.yml,
  every power item's file (an item page shows the other departments with the same code and the
  item that replaced it) and the flowcharts drawn for them; a changed catalogue entry leaves them as
  they are;
- each department's catalogue pages (most of the pages' text): the code, the settings, the scheme,
  every department.yml (publisher names), the department's own files, the newest entry's date (months
  "to date") and the entries of other departments its entries link to (解读 and the policy read);
  one changed entry rebuilds its own department's catalogue pages only;
- every other page: the code, the settings, every catalogue file, the day (scores and the latest
  entries depend on it), the findings and the scores of past months.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable

from zwgk.catalog.cache import PickleCache, code_version, default_cache_dir

PAGE_MODULES = (
    "catalog/*.py",
    "site/*.py",
    "site/pages/*.py",
    "site/templates/*",
    "monitoring/*.py",
    "monitoring/templates/*",
    "build/prepare.py",
    "build/reuse.py",
)


def _is_item_input(rel: str) -> bool:
    return rel == "scheme.yml" or rel.endswith("/department.yml") or "/powers/" in rel


def _is_shared_input(rel: str) -> bool:
    return rel == "scheme.yml" or rel.endswith("/department.yml")


def page_key(
    group: str, settings: dict, file_keys: dict[str, str], extra: str = "", files: Callable[[str], bool] = lambda rel: True
) -> str:
    digest = hashlib.sha256(f"{group}\0{code_version(PAGE_MODULES)}\0".encode())
    digest.update(json.dumps(settings, sort_keys=True, default=str, ensure_ascii=False).encode())
    for rel, key in sorted(file_keys.items()):
        if files(rel):
            digest.update(f"{rel}\0{key}\0".encode())
    digest.update(extra.encode())
    return digest.hexdigest()


def item_key(settings: dict, file_keys: dict[str, str], charts_key: str) -> str:
    """`charts_key`: the key of the drawings (everything they are drawn from, zwgk.build.prepare._drawn)."""
    return page_key("items", settings, file_keys, charts_key, _is_item_input)


def other_key(settings: dict, file_keys: dict[str, str], today: dt.date, findings: list, points: list) -> str:
    extra = hashlib.sha256(f"{today}\0{findings!r}\0{points!r}".encode()).hexdigest()
    return page_key("pages", settings, file_keys, extra)


def catalogue_keys(settings: dict, data) -> dict[str, str]:
    """Each department's key for its catalogue pages (see the module's docstring)."""
    own: dict[str, list[str]] = {}
    for rel, key in sorted(data.file_keys.items()):
        if rel.startswith("departments/"):
            own.setdefault(rel.split("/")[1], []).append(f"{rel}\0{key}\0")
    shared = page_key("catalogue", settings, data.file_keys, str(data.latest_date), _is_shared_input)
    keys = {}
    for dept_id in sorted({entry.dept_id for entry in data.entries}):
        digest = hashlib.sha256(f"{shared}\0{dept_id}\0".encode())
        digest.update("".join(own.get(dept_id, [])).encode())
        for entry in data.entries_by_dept.get(dept_id, []):
            for label, other in data.related(entry):
                if other.dept_id != dept_id:  # the department's own entries are in its files
                    digest.update(f"{entry.index}\0{label}\0{other.dept_id}\0{other.index}\0{other.title}\0".encode())
        keys[dept_id] = digest.hexdigest()
    return keys


def reuse(key: str, build: Callable[[], list[tuple[str, str]]], keep: int = 6) -> tuple[list[tuple[str, str]], bool]:
    """The pages cached under `key`, else `build()` (then cached). Returns (pages, reused). `keep`:
    how many groups the cache keeps (every group of a build, and room for a few builds of other states)."""
    cache = PickleCache(default_cache_dir(), "pages")
    pages = cache.get(key)
    if isinstance(pages, list):
        with contextlib.suppress(OSError):  # kept as recently used: prune removes the oldest written
            os.utime(cache._path(key))
        return pages, True
    pages = build()
    cache.put(key, pages)
    cache.prune(keep=keep)
    return pages, False
