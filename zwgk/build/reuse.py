"""Generated page sources kept between builds: a group of pages is built again only when something it
reads has changed. Two groups, each keyed by everything its builders read:

- the item pages: the code, the build's settings, the scheme, every department's department.yml,
  every power item's file (an item page shows the other departments with the same code and the
  item that replaced it) and the flowcharts drawn for them; a changed catalogue entry leaves them as
  they are;
- every other page: the code, the settings, every catalogue file, the day (scores and the latest
  entries depend on it), the findings and the scores of past months.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
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


def item_key(settings: dict, file_keys: dict[str, str], svgs: dict[str, str]) -> str:
    drawn = hashlib.sha256()
    for key in sorted(svgs):
        drawn.update(f"{key}\0{svgs[key]}\0".encode())
    return page_key("items", settings, file_keys, drawn.hexdigest(), _is_item_input)


def other_key(settings: dict, file_keys: dict[str, str], today: dt.date, findings: list, points: list) -> str:
    extra = hashlib.sha256(f"{today}\0{findings!r}\0{points!r}".encode()).hexdigest()
    return page_key("pages", settings, file_keys, extra)


def reuse(key: str, build: Callable[[], list[tuple[str, str]]]) -> tuple[list[tuple[str, str]], bool]:
    """The pages cached under `key`, else `build()` (then cached). Returns (pages, reused)."""
    cache = PickleCache(default_cache_dir(), "pages")
    pages = cache.get(key)
    if isinstance(pages, list):
        return pages, True
    pages = build()
    cache.put(key, pages)
    cache.prune(keep=6)  # both groups, and room for a few builds of other states
    return pages, False
