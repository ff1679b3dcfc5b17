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
- each department's own page: the code, the settings, the scheme, every department.yml, the
  department's own files, the newest entry's date and its score and annual-report sections;
- each topic's pages: the code, the settings, the scheme, every department.yml, and the topic's
  entries (each by the values of its fields, `entry_fingerprints`) with the entries they link to;
- the annual-report pages: the code, the settings, the scheme, every department.yml and the annual
  reports' files;
- the power-type pages: what the item pages read, but the flowcharts;
- every other page (home, monitoring, furniture): the code, the settings, every catalogue file, the
  day (scores and the latest entries depend on it), the findings and the scores of past months.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import operator
import os
from collections.abc import Callable

from zwgk.catalog.cache import PickleCache, code_version, default_cache_dir
from zwgk.catalog.model import Entry

ENTRY_FIELDS = operator.attrgetter(*Entry.model_fields)  # every field, so that a new one is keyed too

PAGE_MODULES = (
    "catalog/*.py",
    "site/*.py",
    "site/pages/*.py",
    "site/templates/*",
    "monitoring/*.py",
    "monitoring/templates/*",
    "build/prepare.py",
    "build/reuse.py",
    "build/sources.py",
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


def types_key(settings: dict, file_keys: dict[str, str]) -> str:
    return page_key("types", settings, file_keys, "", _is_item_input)


def annual_key(settings: dict, file_keys: dict[str, str]) -> str:
    return page_key("annual", settings, file_keys, "", lambda rel: _is_shared_input(rel) or "/annual/" in rel)


def _own_files(file_keys: dict[str, str]) -> dict[str, str]:
    """Each department's files' keys, joined: what a department's own pages read of it."""
    own: dict[str, list[str]] = {}
    for rel, key in sorted(file_keys.items()):
        if rel.startswith("departments/"):
            own.setdefault(rel.split("/")[1], []).append(f"{rel}\0{key}\0")
    return {dept_id: "".join(parts) for dept_id, parts in own.items()}


def department_keys(settings: dict, data, sections: dict[str, str]) -> dict[str, str]:
    """Each department page's key; `sections`: the score and annual-report markup it shows."""
    own = _own_files(data.file_keys)
    shared = page_key("department", settings, data.file_keys, str(data.latest_date), _is_shared_input)
    return {
        dept_id: hashlib.sha256(f"{shared}\0{dept_id}\0{own.get(dept_id, '')}\0{section}".encode()).hexdigest()
        for dept_id, section in sections.items()
    }


def entry_fingerprints(data) -> dict[int, bytes]:
    """Each entry's fingerprint (id(entry) -> the digest of its department and every field's value).
    Computing them all takes about a second at province scale, so they are kept by file (its path and
    content key, and the model's code): one changed file computes its own entries' again."""
    cache = PickleCache(default_cache_dir(), "entry-fingerprints")
    key = code_version(("catalog/*.py",))
    known = cache.get(key)
    known = known if isinstance(known, dict) else {}
    by_file: dict[str, list] = {}
    for entry in data.entries:
        by_file.setdefault(entry.file, []).append(entry)
    kept, result = {}, {}
    for rel, entries in by_file.items():
        name = f"{rel}\0{data.file_keys.get(rel)}"
        digests = known.get(name)
        if not isinstance(digests, tuple) or len(digests) != len(entries):
            digests = tuple(hashlib.blake2b(f"{e.dept_id}{ENTRY_FIELDS(e)!r}".encode(), digest_size=16).digest() for e in entries)
        kept[name] = digests
        result.update(zip(map(id, entries), digests, strict=True))
    if kept != known:
        cache.put(key, kept)
        cache.prune(keep=1)
    return result


def topic_keys(settings: dict, data, by_topic: dict[str, list]) -> dict[str, str]:
    """Each topic's key (see the module's docstring). An entry is named by its fingerprint, not by its
    file: a department's file of a year holds entries of most topics."""
    shared = page_key("topic", settings, data.file_keys, "", _is_shared_input)
    fingerprint = entry_fingerprints(data)
    readers = data.interpretations  # the entries others interpret (few: asked first, before `related`)
    result = {}
    for code in data.scheme.topics:
        digest = hashlib.sha256(f"{shared}\0{code}\0".encode())
        for entry in by_topic.get(code, []):
            digest.update(fingerprint[id(entry)])
            if entry.interprets or entry.index in readers:
                for label, other in data.related(entry):
                    digest.update(label.encode() + fingerprint[id(other)])
        result[code] = digest.hexdigest()
    return result


def other_key(settings: dict, file_keys: dict[str, str], today: dt.date, findings: list, points: list) -> str:
    extra = hashlib.sha256(f"{today}\0{findings!r}\0{points!r}".encode()).hexdigest()
    return page_key("pages", settings, file_keys, extra)


def catalogue_keys(settings: dict, data) -> dict[str, str]:
    """Each department's key for its catalogue pages (see the module's docstring)."""
    own = _own_files(data.file_keys)
    shared = page_key("catalogue", settings, data.file_keys, str(data.latest_date), _is_shared_input)
    readers = data.interpretations  # as in topic_keys
    keys = {}
    for dept_id in sorted({entry.dept_id for entry in data.entries}):
        digest = hashlib.sha256(f"{shared}\0{dept_id}\0".encode())
        digest.update(own.get(dept_id, "").encode())
        for entry in data.entries_by_dept.get(dept_id, []):
            for label, other in data.related(entry) if entry.interprets or entry.index in readers else ():
                if other.dept_id != dept_id:  # the department's own entries are in its files
                    digest.update(f"{entry.index}\0{label}\0{other.dept_id}\0{other.index}\0{other.title}\0".encode())
        keys[dept_id] = digest.hexdigest()
    return keys


def source_digest(source: str) -> str:
    """What the rendered-page cache (zwgk.site.rendered) knows a page source by."""
    return hashlib.sha256(source.encode()).hexdigest()


def searchable(source: str) -> bool:
    """Whether a page goes into the search, read from its source's front matter (one line of JSON,
    zwgk.site.pages.common.page) as restore_blocks reads it from MkDocs's page meta."""
    if not source.startswith("---\n"):
        return True
    meta = json.loads(source[4 : source.index("\n", 4)])
    return not (meta.get("search") or {}).get("exclude")


class _Contents:
    """A kept group's page sources, read from the cache only when one is asked for: a page whose
    rendered HTML is cached needs only its digest (unpickling every group's sources, hundreds of MB
    at province scale, took more than a second of a warm build)."""

    def __init__(self, key: str):
        self.key = key
        self.sources: list[tuple[str, str]] | None = None

    def source(self, number: int) -> str:
        if self.sources is None:
            pages = PickleCache(default_cache_dir(), "pages").get(self.key)
            if not isinstance(pages, list):
                raise RuntimeError(f"缓存中的页面源文件组 {self.key} 已不可读：请删除缓存文件夹后重新生成。")
            self.sources = pages
        return self.sources[number][1]


class Kept:
    """One page of a kept group: its source's digest and whether it is searchable, its source on demand."""

    __slots__ = ("contents", "digest", "number", "searchable")

    def __init__(self, contents: _Contents, number: int, digest: str, searchable: bool):
        self.contents, self.number, self.digest, self.searchable = contents, number, digest, searchable

    @property
    def text(self) -> str:
        return self.contents.source(self.number)


def cached(key: str) -> list[tuple[str, Kept]] | None:
    """The page sources kept under `key` (each a Kept), or None. A hit is marked as recently used
    (prune removes the oldest written)."""
    index, contents = PickleCache(default_cache_dir(), "page-index"), PickleCache(default_cache_dir(), "pages")
    pages = index.get(key)
    if not isinstance(pages, list):
        return None
    try:
        for cache in (index, contents):
            os.utime(cache._path(key))
    except OSError:
        return None  # the sources themselves are gone
    group = _Contents(key)
    return [(uri, Kept(group, number, digest, flag)) for number, (uri, digest, flag) in enumerate(pages)]


def store(key: str, pages: list[tuple[str, str]]) -> None:
    PickleCache(default_cache_dir(), "pages").put(key, pages)
    PickleCache(default_cache_dir(), "page-index").put(key, [(uri, source_digest(source), searchable(source)) for uri, source in pages])


def prune(keep: int) -> None:
    """Keep the `keep` most recently used groups (every group of a build, and room for a few builds
    of other states)."""
    for name in ("page-index", "pages"):
        PickleCache(default_cache_dir(), name).prune(keep=keep)
