"""The build's two search indexes: the Whoosh index (started beside the build, waited for and
verified at its end) and Pagefind's static bundle (run over the written site, then checked)."""

from __future__ import annotations

import threading
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


def start_title_check(build: SiteBuild, site_dir: Path) -> TitleCheck:
    """The first pass's check (zwgk.site.title_check), started once its files are written (finish)."""
    try:
        return TitleCheck(site_dir, build.data)
    except TitleCheckError as error:
        raise PluginError(str(error)) from None


class StaticSearch:
    """Pagefind's bundle of the pages MkDocs wrote, indexed in a thread beside the exports (finish):
    the Pagefind processes use the core the exports leave idle. Every searchable page is MkDocs's
    (the build's own pages, the 索引号 redirects, are not searchable: `no_searchable_written` holds
    that), so the pages are known before the exports are written. What each page is (page_fact) is
    looked up here, in the build's thread: the page facts (zwgk.build.facts) are not shared with the
    thread. `result` waits, then checks that every page meant for the search is in it and that the
    canaries are found."""

    def __init__(self, build: SiteBuild, site_dir: Path, pages: set[str] | None):
        self.build, self.site_dir, self.read = build, site_dir, []
        self.started = time.perf_counter()
        facts = None
        if pages is not None:
            facts = {rel: self._fact(rel) for rel in pages if rel.endswith(".html") and not rel.startswith(pagefind.BUNDLE_DIR + "/")}
        self.facts = facts
        self.outcome: tuple | BaseException | None = None
        self.thread = threading.Thread(target=self._bundle, name="zwgk-pagefind")
        self.thread.start()

    def _fact(self, rel: str) -> tuple[bool, bytes]:
        path = self.site_dir / rel
        return self.build.facts.get(rel, "pagefind", lambda: self.read.append(rel) or pagefind.page_fact(path))

    def _bundle(self) -> None:
        facts = self.facts
        known = (lambda rel, path: facts[rel]) if facts is not None else None
        try:
            self.outcome = (*pagefind_parts.bundle(self.site_dir, default_cache_dir(), known, facts), time.perf_counter())
        except Exception as error:  # noqa: BLE001 - carried to the build's thread, raised there by result
            self.outcome = error

    def wait(self) -> None:
        self.thread.join()

    def result(self) -> int:
        """The pages indexed, once the bundle is written and checked (PluginError otherwise)."""
        waited = time.perf_counter()
        self.thread.join()
        if isinstance(self.outcome, pagefind.StaticSearchError):
            raise PluginError(str(self.outcome)) from None
        if isinstance(self.outcome, Exception):
            raise self.outcome
        if self.outcome is None:
            raise PluginError("静态检索索引没有生成完（生成它的线程被中断）。")
        indexed, self.build.counts["search_bundles"], self.build.counts["search_bundles_cached"], fresh, bundled = self.outcome
        joined = time.perf_counter()
        if indexed != self.build.searchable:
            raise PluginError(f"静态检索索引收录了 {indexed} 个页面，应为 {self.build.searchable} 个。")
        try:
            silent = pagefind.silent_titles(self.site_dir, pagefind.canaries(self.build.data))
        except pagefind.StaticSearchError as error:
            raise PluginError(str(error)) from None
        if silent:
            raise PluginError("静态检索索引查不到应有的结果：" + "、".join(silent))
        for folder in pagefind.bundle_dirs(self.site_dir):
            for pattern in _UNUSED_PAGEFIND_FILES:
                for path in folder.glob(pattern):
                    path.unlink()
        changed = f"（改动的 {fresh} 个页面单独建了一个小分包）" if fresh else ""
        _log.info(
            f"静态检索索引耗时：Pagefind 分包 {bundled - self.started:.1f} 秒{changed}（读取了 {len(self.read)} 个页面；"
            f"与导出同时进行，导出和核对之后又等了 {max(joined - waited, 0):.1f} 秒），"
            f"核对 {time.perf_counter() - joined:.1f} 秒。"
        )
        return indexed


def check_titles(titles: TitleCheck) -> None:
    """The first pass's check (started by start_title_check) passed: every title finds its record.
    Waited for last, after the link check: it runs on the other core all the while."""
    try:
        unfound = titles.result()
    except TitleCheckError as error:
        raise PluginError(str(error)) from None
    if unfound:
        raise PluginError(f"标题检索索引查不到 {len(unfound)} 条记录的标题：" + "、".join(unfound[:5]))


def no_searchable_written(written: dict[str, bytes]) -> None:
    """The pages the build writes itself (the 索引号 redirect pages, …; {site path: bytes}) are not
    searchable: Pagefind was given MkDocs's pages only (StaticSearch), before these were written."""
    searchable = sorted(rel for rel, content in written.items() if rel.endswith(".html") and pagefind.searchable(content))
    if searchable:
        raise PluginError(f"构建写出的 {len(searchable)} 个页面带有检索标记，却不在静态检索索引中：" + "、".join(searchable[:10]))


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
