"""The build's two search indexes: the Whoosh index (started beside the build, waited for and
verified at its end) and Pagefind's static bundle (run over the written site, then checked)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from zwgk.build.state import SiteBuild
from zwgk.catalog.cache import default_cache_dir
from zwgk.site import pagefind, pagefind_parts
from zwgk.site.data import SiteData
from zwgk.site.title_check import TitleCheck, TitleCheckError

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


def _cpu() -> float:
    """CPU seconds of this process and of its children waited for (Pagefind, cp, the title check)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def written_pages(written: dict[str, bytes]) -> dict[str, tuple[bool, bytes]]:
    """page_fact of each HTML page the build writes itself (the 索引号 redirect pages ...), from its
    bytes in memory: at province scale 3,422 pages that were read back from the site."""
    return {rel: pagefind.content_fact(content) for rel, content in written.items() if rel.endswith(".html")}


def start_title_check(build: SiteBuild, site_dir: Path) -> TitleCheck:
    """The first pass's check (zwgk.site.title_check), started once its files are written (finish)."""
    try:
        return TitleCheck(site_dir, build.data)
    except TitleCheckError as error:
        raise PluginError(str(error)) from None


def static_search(
    build: SiteBuild, site_dir: Path, listed: set[str] | None = None, written: dict | None = None, titles: TitleCheck | None = None
) -> int:
    """Index the built pages with Pagefind; fails unless every page meant for the search is in it.
    `listed`: every file the build wrote into the site (finish: what MkDocs wrote and the build's
    own files; what else was in the folder is gone by then), so that the folder is not walked (the
    link check, which walks it, finds any page not listed: see check_listed); `written`: the facts
    of the build's own pages (written_pages). A page of neither is read unless the page facts
    (zwgk.build.facts) know it by its rendered-HTML key. `titles`: the first pass's check, running
    in a process of its own since it was started (start_title_check), waited for here."""
    started, cpu = time.perf_counter(), _cpu()
    written = written or {}
    read = []

    def known(rel: str, path: Path) -> tuple[bool, bytes]:
        fact = written.get(rel)
        if fact is None:
            fact = build.facts.get(rel, "pagefind", lambda: read.append(rel) or pagefind.page_fact(path))
        return fact

    titles = titles or start_title_check(build, site_dir)
    try:
        try:
            indexed, build.counts["search_bundles"], build.counts["search_bundles_cached"], fresh = pagefind_parts.bundle(
                site_dir, default_cache_dir(), known, listed
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
        checked = time.perf_counter()
        try:
            unfound = titles.result()
        except TitleCheckError as error:
            raise PluginError(str(error)) from None
    except BaseException:
        titles.cancel()
        raise
    if unfound:
        raise PluginError(f"标题检索索引查不到 {len(unfound)} 条记录的标题：" + "、".join(unfound[:5]))
    for folder in pagefind.bundle_dirs(site_dir):
        for pattern in _UNUSED_PAGEFIND_FILES:
            for path in folder.glob(pattern):
                path.unlink()
    changed = f"（改动的 {fresh} 个页面单独建了一个小分包）" if fresh else ""
    _log.info(
        f"静态检索索引耗时：Pagefind 分包 {bundled - started:.1f} 秒{changed}（读取了 {len(read)} 个页面），"
        f"核对 {checked - bundled:.1f} 秒，等待标题检索索引的核对 {time.perf_counter() - checked:.1f} 秒；"
        f"CPU {_cpu() - cpu:.1f} 秒（含 Pagefind、cp 和标题核对的进程）。"
    )
    return indexed


def check_listed(listed: set[str] | None, files: set[str]) -> None:
    """The guard of the list static_search was given instead of walking the site: the site's HTML
    pages (`files`: every file of the site, from the link check's walk) are the listed ones, no more
    and no fewer; else a page was left out of the static search (or indexed but not written)."""
    if listed is None:
        return
    prefix = pagefind.BUNDLE_DIR + "/"
    pages = {rel for rel in files if rel.endswith(".html") and not rel.startswith(prefix)}
    wanted = {rel for rel in listed if rel.endswith(".html") and not rel.startswith(prefix)}
    unlisted, missing = sorted(pages - wanted), sorted(wanted - pages)
    if unlisted:
        raise PluginError(f"网站中有 {len(unlisted)} 个页面没有交给静态检索索引核对：" + "、".join(unlisted[:10]))
    if missing:
        raise PluginError(f"静态检索索引核对的 {len(missing)} 个页面不在网站中：" + "、".join(missing[:10]))
