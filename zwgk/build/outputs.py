"""The files the build writes besides the pages: the exports and the departments' Excel workbooks,
each from a cache keyed by the catalogue files and the code it depends on."""

from __future__ import annotations

import hashlib
import shutil

from zwgk.build.state import SiteBuild
from zwgk.catalog.cache import PickleCache, code_version, default_cache_dir, paused_gc
from zwgk.monitoring import annual_export, annual_xlsx, scorecards
from zwgk.site import export_parts, lookup_delta, lookup_parts, xlsx
from zwgk.site.pages.catalogue import index_resolvers

EXPORT_MODULES = (
    "site/exports.py",
    "site/export_parts.py",
    "site/pages/common.py",
    "site/urls.py",
    "site/data.py",
    "catalog/*model.py",
    "catalog/codes.py",
)


def _shared_key(catalog, modules: tuple[str, ...], extra: str = "") -> hashlib._Hash:
    """What every department's part depends on: the code, the scheme and the departments' own files
    (names and codes of 发布机构)."""
    shared = hashlib.sha256(f"{code_version(modules)}\0{extra}".encode())
    for rel, key in sorted(catalog.file_keys.items()):
        if rel == "scheme.yml" or rel.endswith("/department.yml"):
            shared.update(f"{rel}\0{key}\0".encode())
    return shared


def _department_keys(catalog, shared: hashlib._Hash, dept_ids) -> dict[str, str]:
    """Each department's cache key: the shared key and the content keys of the department's files."""
    own: dict[str, list[str]] = {}
    for rel, key in sorted(catalog.file_keys.items()):
        if rel.startswith("departments/"):
            own.setdefault(rel.split("/")[1], []).append(f"{rel}\0{key}\0")
    return {dept_id: hashlib.sha256(shared.digest() + "".join(own.get(dept_id, [])).encode()).hexdigest() for dept_id in dept_ids}


def cached_exports(build: SiteBuild) -> dict[str, bytes]:
    """The exports, assembled from the departments' parts (zwgk.site.export_parts); a part comes from
    the cache when the department's files, the scheme, the departments, the site URL and the code are
    unchanged, so one changed entry recomputes one department's part."""
    catalog, data = build.result.catalog, build.data
    keys = _department_keys(catalog, _shared_key(catalog, EXPORT_MODULES, data.site_url), sorted(data.departments))
    extra = (scorecards.scores_resource(data), annual_export.ANNUAL_RESOURCE)
    # The assembled files, kept under all the parts' keys: when no part changed, nothing is assembled.
    whole_key = hashlib.sha256(f"{sorted(keys.items())!r}\0{extra!r}".encode()).hexdigest()
    assembled = PickleCache(default_cache_dir(), "exports-assembled")
    files = assembled.get(whole_key)
    if isinstance(files, dict):
        return files
    cache = PickleCache(default_cache_dir(), "export-parts")
    if cache.directory is not None:  # the whole-catalogue cache of earlier versions: never read again
        shutil.rmtree(cache.directory.with_name("exports"), ignore_errors=True)
    with paused_gc():  # unpickling the parts: millions of small acyclic objects
        parts = [cache.get(key) for key in keys.values()]
    for number, (dept_id, key) in enumerate(keys.items()):
        if not isinstance(parts[number], export_parts.DepartmentPart):
            parts[number] = export_parts.department_part(data, dept_id)
            cache.put(key, parts[number])
    cache.prune(keep=2 * len(keys) + 8)
    files = export_parts.assemble(data, parts, extra)
    assembled.put(whole_key, files)
    assembled.prune(keep=2)
    return files


ANNUAL_MODULES = ("monitoring/annual_*.py", "catalog/*.py", "site/exports.py")


def cached_annual(build: SiteBuild) -> dict[str, bytes]:
    """exports/annual.csv and annual.json (zwgk.monitoring.annual_export): a function of the annual
    reports alone, so kept under their files' content keys and the code (the folder names give the
    departments); a pull request that changes no annual report does not write them again."""
    key = hashlib.sha256(code_version(ANNUAL_MODULES).encode())
    for rel, file_key in sorted(build.result.catalog.file_keys.items()):
        if rel.startswith("departments/") and "/annual/" in rel:
            key.update(f"{rel}\0{file_key}\0".encode())
    cache = PickleCache(default_cache_dir(), "annual-exports")
    files = cache.get(key.hexdigest())
    if not isinstance(files, dict):
        files = annual_export.annual_files(build.data.annual)
        cache.put(key.hexdigest(), files)
        cache.prune(keep=2)
    return files


WORKBOOK_MODULES = (
    "site/xlsx.py",
    "site/xlsx_rows.py",
    "site/exports.py",
    "catalog/*model.py",
    "monitoring/annual_xlsx.py",
    "monitoring/annual_layout.py",
)


def cached_workbooks(build: SiteBuild) -> dict[str, bytes]:
    """Each department's Excel workbook, from the cache when its files, the scheme, the departments
    (the 发布机构 names) and the code are unchanged: at province scale writing them all takes most of
    a minute, and one changed entry should cost one workbook."""
    catalog, data = build.result.catalog, build.data
    keys = _department_keys(catalog, _shared_key(catalog, WORKBOOK_MODULES), sorted(data.departments))
    annual_sheets = annual_xlsx.sheets_by_department(data.annual)
    cache = PickleCache(default_cache_dir(), "workbooks")
    files = {}
    for dept_id, key in keys.items():
        path = f"exports/departments/{dept_id}/{dept_id}.xlsx"
        content = cache.get(key)
        if content is None:
            items, entries = data.items_by_dept.get(dept_id, []), data.entries_by_dept.get(dept_id, [])
            dept = data.departments[dept_id]
            content = xlsx.department_workbook(data.scheme, data.departments, dept, items, entries, annual_sheets(dept))
            cache.put(key, content)
        files[path] = content
    cache.prune(keep=2 * len(files) + 8)
    return files


LOOKUP_MODULES = (
    "site/static_search.py",
    "site/lookup_parts.py",
    "site/prefix_lookup.py",
    "site/title_index.py",
    "site/record_chunks.py",
    "site/lookup.py",
    "site/search_data.py",
    "site/search_tokens.py",
    "site/pages/catalogue.py",
    "site/templates/resolver.html",
    "site/urls.py",
    "site/data.py",
    "catalog/*.py",
)


def cached_lookups(build: SiteBuild, shards: int) -> dict[str, bytes]:
    """The code shards (codes/: the code lookups, the prefix lookup, the first pass's postings and
    record chunks) and the 索引号 redirect pages. What they read of each department's records (the
    records, their bigrams, codes and cuts: zwgk.site.lookup_parts) and its redirect pages are kept
    per department, under the department's files, the scheme, the departments, the site URL and the
    code; the files are assembled from the parts (the document numbers follow the ranking order over
    the whole catalogue) and kept under all the parts' keys, so that an unchanged catalogue assembles
    nothing and one changed entry recomputes one department's part. The first pass's files of the
    last assembly are kept with what they were made from (zwgk.site.lookup_delta.Numbering): the next
    assembly writes again only those that hold a moved or changed record."""
    catalog, data = build.result.catalog, build.data
    dept_ids = lookup_parts.part_ids(data)
    keys = _department_keys(catalog, _shared_key(catalog, LOOKUP_MODULES, data.site_url), dept_ids)
    # The patching code (zwgk.site.lookup_delta) keys the assembly, not the parts: its files are those
    # of the parts' plain assembly; a previous assembly made by other code is not patched.
    delta = code_version(DELTA_MODULES)
    whole_key = hashlib.sha256(f"{sorted(keys.items())!r}\0{shards}\0{delta}".encode()).hexdigest()
    assembled = PickleCache(default_cache_dir(), "lookups")
    with paused_gc():  # the parts are millions of small acyclic objects (unpickling them: a sixth of the time)
        kept = assembled.get(whole_key)
        if _is_assembly(kept):
            return kept[0]
        cache = PickleCache(default_cache_dir(), "lookup-parts")
        latest = assembled.get(LATEST)
        previous = assembled.get(latest[1]) if isinstance(latest, tuple) and latest[0] == delta else None
        files, numbering = _assembled_lookups(build, shards, dept_ids, keys, cache, previous if _is_assembly(previous) else None)
    assembled.put(whole_key, (files, numbering))
    assembled.put(LATEST, (delta, whole_key))
    assembled.prune(keep=3)
    return files


LATEST = "latest"  # the key of the last assembly (and the patching code's version), kept in the same cache
DELTA_MODULES = ("site/lookup_delta.py",)


def _is_assembly(value) -> bool:
    return isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], dict) and isinstance(value[1], lookup_delta.Numbering)


def _assembled_lookups(build: SiteBuild, shards: int, dept_ids: list[str], keys: dict[str, str], cache: PickleCache, previous):
    data = build.data
    parts, files = [], {}
    for dept_id in dept_ids:
        cached = cache.get(keys[dept_id])
        if not _is_part(cached):
            cached = (lookup_parts.lookup_part(data, dept_id), _resolvers(data, dept_id))
            cache.put(keys[dept_id], cached)
            build.counts["lookup_parts"] = build.counts.get("lookup_parts", 0) + 1
        parts.append(cached[0])
        files.update(cached[1])
    old_parts = {}
    if previous is not None:  # the previous parts of the departments whose parts changed or went
        for dept_id, key in previous[1].part_keys.items():
            if keys.get(dept_id) != key and _is_part(old := cache.get(key)):
                old_parts[dept_id] = old[0]
    cache.prune(keep=2 * len(keys) + 8)
    titles = lookup_delta.Titles(parts, keys, previous, old_parts)
    files.update(lookup_parts.code_files(data, shards, parts, titles))
    if titles.rebuilt is not None:
        build.counts["first_pass_rebuilt"] = titles.rebuilt
    return files, titles.numbering


def _is_part(cached) -> bool:
    return isinstance(cached, tuple) and len(cached) == 2 and isinstance(cached[0], lookup_parts.LookupPart)


def _resolvers(data, dept_id: str) -> dict[str, bytes]:
    """The 索引号 redirect pages of one department's entries (a prefix's page belongs to the
    department whose code it is: index_resolvers)."""
    return {path: html.encode() for path, html in index_resolvers(data.department_view(dept_id)).items()}
