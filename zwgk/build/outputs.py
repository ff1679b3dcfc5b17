"""The files the build writes besides the pages: the exports and the departments' Excel workbooks,
each from a cache keyed by the catalogue files and the code it depends on."""

from __future__ import annotations

import hashlib

from zwgk.build.state import SiteBuild
from zwgk.catalog.cache import PickleCache, code_version, default_cache_dir
from zwgk.monitoring import annual_export, scorecards
from zwgk.site import exports, xlsx

EXPORT_MODULES = (
    "site/exports.py",
    "site/pages/common.py",
    "site/urls.py",
    "site/data.py",
    "catalog/model.py",
    "catalog/codes.py",
    "monitoring/scorecards.py",
    "monitoring/annual_export.py",
)


def cached_exports(build: SiteBuild) -> dict[str, bytes]:
    """The exports, from the cache when neither the catalogue, the site URL nor the code has changed."""
    catalog = build.result.catalog
    digest = hashlib.sha256(f"{code_version(EXPORT_MODULES)}\0{build.data.site_url}".encode())
    for rel, key in sorted(catalog.file_keys.items()):
        digest.update(f"{rel}\0{key}\0".encode())
    cache = PickleCache(default_cache_dir(), "exports")
    files = cache.get(digest.hexdigest())
    if files is None:
        files = exports.build_exports(build.data, (scorecards.scores_resource(build.data), annual_export.ANNUAL_RESOURCE))
        cache.put(digest.hexdigest(), files)
        cache.prune(keep=2)
    return files


WORKBOOK_MODULES = ("site/xlsx.py", "site/exports.py", "catalog/model.py")


def cached_workbooks(build: SiteBuild) -> dict[str, bytes]:
    """Each department's Excel workbook, from the cache when its files, the scheme, the departments
    (the 发布机构 names) and the code are unchanged: at province scale writing them all takes most of
    a minute, and one changed entry should cost one workbook."""
    catalog, data = build.result.catalog, build.data
    shared = hashlib.sha256(code_version(WORKBOOK_MODULES).encode())
    for rel, key in sorted(catalog.file_keys.items()):
        if rel == "scheme.yml" or rel.endswith("/department.yml"):
            shared.update(f"{rel}\0{key}\0".encode())
    own: dict[str, list[str]] = {}
    for rel, key in sorted(catalog.file_keys.items()):
        if rel.startswith("departments/"):
            own.setdefault(rel.split("/")[1], []).append(f"{rel}\0{key}\0")
    cache = PickleCache(default_cache_dir(), "workbooks")
    files = {}
    for dept_id in sorted(data.departments):
        key = hashlib.sha256(shared.digest() + "".join(own.get(dept_id, [])).encode()).hexdigest()
        path = f"exports/departments/{dept_id}/{dept_id}.xlsx"
        content = cache.get(key)
        if content is None:
            items, entries = data.items_by_dept.get(dept_id, []), data.entries_by_dept.get(dept_id, [])
            content = xlsx.department_workbook(data.scheme, data.departments, data.departments[dept_id], items, entries)
            cache.put(key, content)
        files[path] = content
    cache.prune(keep=2 * len(files) + 8)
    return files
