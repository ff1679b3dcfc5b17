"""The build's last step (MkDocs's post_build): exports and the other written files, the theme's
scripts made local, the verification that nothing was lost, the search indexes and the link check."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from mkdocs.exceptions import PluginError

from zwgk.build.keep import Written, sweep
from zwgk.build.linkcheck import broken_links, site_files
from zwgk.build.lock import release_lock
from zwgk.build.outputs import cached_annual, cached_exports, cached_lookups, cached_workbooks
from zwgk.build.search import StaticSearch, check_listed, check_titles, no_searchable_written, start_title_check, wait_search_index
from zwgk.build.sitemap import add_pages as add_to_sitemap
from zwgk.build.state import STATE_KEY, SiteBuild
from zwgk.build.verify import verify
from zwgk.catalog.cache import default_cache_dir
from zwgk.monitoring import scorecards
from zwgk.site import pagefind, title_check


def finish(config, log: logging.Logger) -> None:
    started = time.perf_counter()
    build: SiteBuild = config[STATE_KEY]
    site_dir = Path(config.site_dir)
    release_pages(build)
    # Pagefind indexes MkDocs's pages beside the exports (StaticSearch); without MkDocs's list of
    # files (a build driven otherwise) it walks the site after the exports.
    searching = StaticSearch(build, site_dir, _mkdocs_pages(config, build)) if build.files is not None else None
    titles = None
    try:
        written = cached_exports(build)
        written.update(cached_workbooks(build))
        written.update(cached_lookups(build, config["extra"]["zwgk_search_shards"]))
        written["exports/scores.csv"] = scorecards.scores_csv(build.data, build.cards)
        written.update(cached_annual(build))
        written.update(build.chart_files)  # the flowcharts, linked from the item pages
        files = Written(default_cache_dir(), site_dir)
        # The files the first pass's check reads go first: the check (in a process of its own, on the
        # other core) starts as soon as they are written, and is waited for last.
        read_by_check = [path for path in written if title_check.reads(path)]
        for path in read_by_check:
            files.write(path, written[path])
        titles = start_title_check(build, site_dir)
        for path, content in written.items():
            if not title_check.reads(path):
                files.write(path, content)
        files.store()
        no_searchable_written(written)
        recomputed = build.counts.get("lookup_parts")
        exported_files = len(written) - len(build.chart_files)
        produced = set(written)
        del written
        localise_theme_scripts(site_dir)
        add_to_sitemap(site_dir, build.copied, build.data.site_url)
        # Files left from the last build and not produced by this one go before anything checks the site.
        trash, listed = None, None
        if build.files is not None:
            produced.update(file.dest_uri for file in build.files if file.inclusion.is_included())
            produced.update(config.theme.static_templates)
            produced.update(f"{name}.gz" for name in config.theme.static_templates if name == "sitemap.xml")
            build.counts["stale"], trash = sweep(site_dir, produced, leave=frozenset({pagefind.BUNDLE_DIR}))
            listed = produced  # what the site holds now: check_listed holds Pagefind's pages to it
        exported = time.perf_counter()
        build.counts = verify(build, site_dir)
        build.pages = []
        build.cache.store()
        verified = time.perf_counter()
        searching = searching or StaticSearch(build, site_dir, None)
        build.counts["search_pages"] = searching.result()
        static = time.perf_counter()
        check_links(site_dir, build, log, listed)
        linked = time.perf_counter()
        check_titles(titles)
    except BaseException:  # nothing left running behind a failed build
        if titles is not None:
            titles.cancel()
        if searching is not None:
            searching.wait()
        raise
    counts = build.counts
    log.info(
        f"耗时：导出 {exported - started:.1f} 秒（{files.skipped} 个文件内容未变、留在原处，{files.linked} 个从缓存链接"
        + (f"，重算 {recomputed} 个部门的检索数据" if recomputed else "")
        + f"），核对 {verified - exported:.1f} 秒，"
        f"静态检索索引 {static - verified:.1f} 秒（{counts['search_pages']} 个页面"
        + f"，{counts['search_bundles']} 个分包中 {counts['search_bundles_cached']} 个沿用上次的结果），"
        + f"核对链接 {linked - static:.1f} 秒，等待标题检索索引的核对 {time.perf_counter() - linked:.1f} 秒。"
    )
    if build.index is not None:
        index = wait_search_index(build, site_dir)
        log.info(f"检索索引：更新 {index.added} 条，删除 {index.removed} 条，等待后台写入 {time.perf_counter() - static:.1f} 秒。")
    if trash is not None:
        trash.wait()
    release_lock(config)
    log.info(
        f"生成完成：{counts['departments']} 个部门、{counts['items']} 个权力事项、{counts['entries']} 条目录条目、"
        f"{counts['flowcharts']} 张流程图（本次新绘制 {build.charts.rendered} 张）、{counts['pages']} 个页面、{exported_files} 个导出文件。"
    )


def _mkdocs_pages(config, build: SiteBuild) -> set[str]:
    """The HTML files MkDocs wrote: its pages and the theme's static templates (404.html)."""
    pages = {file.dest_uri for file in build.files if file.inclusion.is_included() and file.dest_uri.endswith(".html")}
    return pages | {name for name in config.theme.static_templates if name.endswith(".html")}


def release_pages(build: SiteBuild) -> None:
    """The pages' HTML blocks and MkDocs's copies of their HTML (hundreds of MB at province scale) are
    written by now: let them go before the exports and Pagefind, whose memory adds to this process's."""
    build.blocks = {}
    for page in build.rendered:  # MkDocs keeps every page's HTML until the build ends; it is written
        page.content = None
    build.rendered = []  # freed by reference counting at once: no collection pass over the whole heap


def check_links(site_dir: Path, build: SiteBuild, log: logging.Logger, listed: set[str] | None = None) -> None:
    """Every internal href and src of every built page resolves to a file (国办秘函〔2019〕19号 scores
    broken links): the build fails otherwise. The same walk of the site checks that the static search
    was given every page (`listed`, see static_search)."""
    files = site_files(site_dir)
    check_listed(listed, files)
    broken, checked_pages, checked_links = broken_links(site_dir, build.data.site_url, build.facts, files)
    build.facts.store()
    build.counts["links"] = checked_links
    if broken:
        shown = "\n".join(f"{link.page}：{link.target}" for link in broken[:50])
        raise PluginError(f"生成的网站中有 {len(broken)} 个链接指向不存在的文件（共核对 {checked_pages} 个页面）：\n{shown}")
    log.info(f"链接核对：{checked_pages} 个页面中的 {checked_links} 个站内链接都能打开。")


# Material's bundle can load scripts from a CDN: a ResizeObserver polyfill in browsers without one (old
# browsers are common on government networks) and mermaid on pages with diagrams (ours have none). Both
# are pointed at local copies, resolved against the bundle's own URL so that any page depth works.
_CDN_SCRIPTS = {
    '"https://unpkg.com/resize-observer-polyfill"': "resize-observer-polyfill.js",
    '"https://unpkg.com/mermaid@11/dist/mermaid.min.js"': "mermaid.min.js",
}


def localise_theme_scripts(site_dir: Path) -> None:
    for bundle in (site_dir / "assets" / "javascripts").glob("bundle.*.js"):
        text = bundle.read_text(encoding="utf-8")
        for remote, local in _CDN_SCRIPTS.items():
            text = text.replace(
                remote, f'new URL("vendor/{local}",document.querySelector(\'script[src*="javascripts/bundle."]\').src).href'
            )
        bundle.write_text(text, encoding="utf-8")
