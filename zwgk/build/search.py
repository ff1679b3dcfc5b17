"""The build's two search indexes: the Whoosh index (started beside the build, waited for and
verified at its end) and Pagefind's static bundle (run over the written site, then checked)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from zwgk.build.state import SiteBuild
from zwgk.catalog.cache import default_cache_dir
from zwgk.site import pagefind, pagefind_parts, title_index
from zwgk.site.data import SiteData

_log = get_plugin_logger("zwgk")


def start_search_index(config, data: SiteData):
    """Start updating the Whoosh index beside the site (for `zwgk search` and `zwgk serve`): changed
    records are written by a separate process while MkDocs renders the pages."""
    from zwgk.search.index import index_dir, plan_update
    from zwgk.search.writer import BackgroundUpdate

    return BackgroundUpdate(plan_update(index_dir(Path(config.site_dir)), data))


def wait_search_index(build: SiteBuild, site_dir: Path):
    """Wait for the index update, then check it holds every record and finds what it must."""
    from zwgk.search.index import SearchIndexError, index_dir, verify_index

    try:
        return verify_index(index_dir(site_dir), build.data, build.index.wait())
    except SearchIndexError as error:
        raise PluginError(str(error)) from None


# Pagefind writes its own ready-made interfaces too; the site uses its search API only.
_UNUSED_PAGEFIND_FILES = ("pagefind-ui.*", "pagefind-modular-ui.*", "pagefind-component-ui.*", "pagefind-highlight.js")


def static_search(build: SiteBuild, site_dir: Path) -> int:
    """Index the built pages with Pagefind; fails unless every page meant for the search is in it.
    The first pass's check (title_index.unfound_titles, reading its files) runs beside Pagefind,
    whose work is in processes of its own."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=1) as pool:
        titles = pool.submit(title_index.unfound_titles, site_dir, build.data)
        try:
            indexed, build.counts["search_bundles"], build.counts["search_bundles_cached"], fresh = pagefind_parts.bundle(
                site_dir, default_cache_dir(), lambda rel, path: build.facts.get(rel, "pagefind", lambda: pagefind.page_fact(path))
            )
        except pagefind.StaticSearchError as error:
            raise PluginError(str(error)) from None
        bundled = time.perf_counter()
        if indexed != build.searchable:
            raise PluginError(f"静态检索索引收录了 {indexed} 个页面，应为 {build.searchable} 个。")
        try:
            silent = pagefind.silent_titles(site_dir, pagefind.canaries(build.data))
        except pagefind.StaticSearchError as error:
            raise PluginError(str(error)) from None
        if silent:
            raise PluginError("静态检索索引查不到应有的结果：" + "、".join(silent))
        unfound = titles.result()
    if unfound:
        raise PluginError(f"标题检索索引查不到 {len(unfound)} 条记录的标题：" + "、".join(unfound[:5]))
    for folder in pagefind.bundle_dirs(site_dir):
        for pattern in _UNUSED_PAGEFIND_FILES:
            for path in folder.glob(pattern):
                path.unlink()
    changed = f"（改动的 {fresh} 个页面单独建了一个小分包）" if fresh else ""
    _log.info(f"静态检索索引耗时：Pagefind 分包 {bundled - started:.1f} 秒{changed}，核对 {time.perf_counter() - bundled:.1f} 秒。")
    return indexed
