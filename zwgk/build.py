"""The MkDocs build of the catalogue. The hooks in hooks/ only call these functions, in event order:
`prepare` (check, arrange, render flowcharts, build pages), `add_pages` (hand the pages to MkDocs),
`finish` (exports, 索引号 redirects, and the check that nothing was lost).

The build's state travels on the MkDocs config object (one per build), never in module globals, so
`mkdocs serve` starts every rebuild afresh."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import logging
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel

from zwgk.catalog.cache import PickleCache, code_version, default_cache_dir
from zwgk.catalog.findings import log_safe_lines
from zwgk.catalog.loader import CatalogError
from zwgk.monitoring import annual as annual_pages
from zwgk.monitoring import annual_export, annual_xlsx, inspection, scorecards, trend
from zwgk.monitoring import pages as scorecard_pages
from zwgk.rules.run import CheckResult, check
from zwgk.site import exports, links, pagefind, static_search, urls, xlsx
from zwgk.site.data import SiteData, site_data
from zwgk.site.flowchart import FlowchartError, RenderStats, dot_source, render_all, responsive
from zwgk.site.pages.audience import audience_pages
from zwgk.site.pages.catalogue import catalogue_pages, index_resolvers
from zwgk.site.pages.department import department
from zwgk.site.pages.furniture import furniture_pages
from zwgk.site.pages.home import home
from zwgk.site.pages.item import item_page
from zwgk.site.pages.lists import topic_pages, type_pages
from zwgk.site.pages.scheme import scheme_page
from zwgk.site.rendered import STUB, RenderedPages

STATE_KEY = "zwgk_build"
# Generated pages that the navigation in mkdocs.yml lists; every other generated page stays out of the
# navigation (Material renders the whole navigation into every page).
NAV_PAGES = {"index.md", "types/index.md", "topics/index.md", "scheme/index.md", "monitoring/index.md", "annual/index.md"}


@dataclass
class SiteBuild:
    result: CheckResult
    data: SiteData
    pages: list[tuple[str, str]]
    charts: RenderStats
    counts: dict[str, int] = field(default_factory=dict)
    blocks: dict[str, list[str]] = field(default_factory=dict)  # page source -> its raw HTML blocks
    searchable: int = 0  # pages rendered with data-pagefind-body (see overrides/main.html)
    index: object = None  # the Whoosh index update running beside the build (search.writer.BackgroundUpdate)
    cards: list = field(default_factory=list)  # the departments' scorecards
    rendered: list = field(default_factory=list)  # MkDocs pages whose HTML holds restored blocks
    cache: RenderedPages | None = None  # rendered pages kept between builds (zwgk.site.rendered)


# A generated page's HTML blocks (see zwgk.site.templating.block) need no Markdown processing, yet Python-Markdown and
# MkDocs would each parse them again with an HTML parser, which at province scale costs minutes. They
# are taken out before rendering, leaving a placeholder, and put back into the rendered page.
_BLOCK = re.compile(r'^<div class="zwgk">.*</div>$', re.M)
_PLACEHOLDER = "<!-- zwgk-block {} -->"
_PLACEHOLDER_RE = re.compile(r"<!-- zwgk-block (\d+) -->")


def _take_blocks(content: str) -> tuple[str, list[str]]:
    blocks: list[str] = []

    def keep(match: re.Match) -> str:
        blocks.append(match.group(0))
        return _PLACEHOLDER.format(len(blocks) - 1)

    return _BLOCK.sub(keep, content), blocks


def catalog_dir(config) -> Path:
    """The catalogue to build: $ZWGK_CATALOG, else `extra.zwgk.catalog` in mkdocs.yml (default ./catalog)."""
    configured = os.environ.get("ZWGK_CATALOG") or _settings(config).get("catalog", "catalog")
    return (Path(config.config_file_path).parent / configured).resolve()


def _settings(config) -> dict:
    return (config.get("extra") or {}).get("zwgk") or {}


def check_for_build(config, log: logging.Logger) -> CheckResult:
    """Check the catalogue as `zwgk check` does. Errors fail the build with the same findings;
    warnings are printed (at info level, so that `--strict` does not turn them into failures)."""
    root = catalog_dir(config)
    try:
        result = check(root, cache_dir=default_cache_dir())
    except CatalogError as error:
        raise PluginError(f"无法读取目录：{error}") from None
    for finding in result.findings:
        if not finding.is_error:
            log.info(finding.text())
    if result.errors:
        lines = [finding.text() for finding in result.findings if finding.is_error]
        raise PluginError("目录检查发现错误，网站未生成：\n" + "\n".join(lines) + "\n" + result.summary.text())
    log.info(result.summary.text())
    return result


# Site folders this process holds the build lock of (path -> open lock file). A lock is a property of
# the process, not of one build's state: a build that failed keeps it until `release_lock` or exit.
_LOCKS: dict[str, object] = {}


def lock_path(site_dir: Path) -> Path:
    return site_dir.with_name(site_dir.name + ".lock")


def take_lock(config) -> None:
    """One build at a time into a site folder: an flock on a file beside it, for the whole build (the
    kernel releases it if the build dies). A second build fails at once, before MkDocs cleans the folder."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        return
    path = lock_path(Path(config.site_dir).resolve())
    if str(path) in _LOCKS:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 (held until release_lock)
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.seek(0)
        holder = handle.read().strip()
        handle.close()
        who = f"（进程 {holder}）" if holder.isdigit() else ""
        raise PluginError(f"另一个构建{who}正在写入 {config.site_dir}：请等它结束后再构建（锁文件 {path}）。") from None
    handle.truncate(0)
    handle.write(str(os.getpid()))
    handle.flush()
    _LOCKS[str(path)] = handle


def release_lock(config) -> None:
    handle = _LOCKS.pop(str(lock_path(Path(config.site_dir).resolve())), None)
    if handle is not None:
        handle.close()  # closing the file releases the flock


def release_all_locks() -> None:
    """After a failed build (MkDocs's build_error event names no config): release what this process holds."""
    while _LOCKS:
        _LOCKS.popitem()[1].close()


class _LogSafe(logging.Filter):
    """Every line MkDocs prints passes here: catalogue text in it (a title in a warning, a label in an
    error) cannot forge a workflow command in the CI log (see findings.log_safe)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        safe = log_safe_lines(message)
        if safe != message:
            record.msg, record.args = safe, None
        return True


def guard_logs() -> None:
    for logger in (logging.getLogger("mkdocs"), logging.getLogger()):
        for handler in logger.handlers:
            if not any(isinstance(existing, _LogSafe) for existing in handler.filters):
                handler.addFilter(_LogSafe())


def prepare(config, log: logging.Logger, search_index: bool = True) -> SiteBuild:
    guard_logs()
    take_lock(config)
    started = time.perf_counter()
    result = check_for_build(config, log)
    checked = time.perf_counter()
    catalog = result.catalog
    scheme = catalog.scheme
    data = site_data(result, _settings(config).get("report_url", ""), config.get("site_url") or "")
    data.site_name = (_settings(config).get("site") or {}).get("name") or config.get("site_name") or ""
    charts = {}
    for item in catalog.items:
        if item.is_active and item.flow:
            # Two drawings: lanes side by side, and a narrow one for phones (flowchart.dot_source).
            charts[f"{item.dept_id}/{item.basic_code}"] = (item.label, dot_source(item))
            charts[f"{item.dept_id}/{item.basic_code}#narrow"] = (item.label, dot_source(item, narrow=True))
    try:
        svgs, stats = render_all(charts, default_cache_dir())
    except FlowchartError as error:
        raise PluginError(str(error)) from None
    drawn = time.perf_counter()
    built = [home(data), scheme_page(scheme), *type_pages(data), *topic_pages(data)]
    cards = scorecards.scorecards(data, result.findings, dt.date.today())
    points = trend.history(catalog_dir(config), dt.date.today(), {card.dept_id: card.score for card in cards}, default_cache_dir())
    built += scorecard_pages.monitoring_pages(data, cards, points)
    by_dept = {card.dept_id: card for card in cards}
    annual: dict[str, list] = {}
    for report in catalog.annual:
        annual.setdefault(report.dept_id, []).append(report)
    built.append(annual_pages.province_page(data, catalog.annual))
    built += annual_pages.region_pages(data, catalog.annual)
    built += annual_pages.report_pages(data, catalog.annual)
    built.append(inspection.inspection_page(data, result.findings))
    built += [
        department(
            data,
            dept,
            scorecard_pages.score_section(by_dept[dept_id], urls.department(dept_id))
            + annual_pages.department_section(data, dept_id, annual.get(dept_id, [])),
        )
        for dept_id, dept in catalog.departments.items()
    ]
    built += catalogue_pages(data)
    built += furniture_pages(data)
    built += audience_pages(data)
    for item in catalog.items:
        key = f"{item.dept_id}/{item.basic_code}"
        svg = svgs.get(key, "")
        built.append(item_page(data, item, responsive(svg, svgs.get(f"{key}#narrow", ""), f"{item.name}运行流程图") if svg else ""))
    config["extra"]["zwgk_notice"] = scheme.notice or ""
    config["extra"]["zwgk_search_shards"] = static_search.shard_count(len(catalog.items) * 2 + len(catalog.entries) * 2)
    log.info(f"耗时：检查 {checked - started:.1f} 秒，流程图 {drawn - checked:.1f} 秒，生成页面 {time.perf_counter() - drawn:.1f} 秒。")
    build = SiteBuild(result, data, built, stats, index=_start_search_index(config, data) if search_index else None, cards=cards)
    if build.index is not None and build.index.update.repaired:
        log.info(build.index.update.repaired)
    config[STATE_KEY] = build
    return build


def add_pages(files: Files, config) -> Files:
    """Hand the generated pages to MkDocs; a page whose rendered HTML is cached goes in as a stub."""
    build: SiteBuild = config[STATE_KEY]
    build.cache = cache = RenderedPages(default_cache_dir(), config)
    for uri, content in build.pages:
        if uri in NAV_PAGES:
            markdown, build.blocks[uri] = _take_blocks(content)
            files.append(File.generated(config, uri, content=markdown, inclusion=InclusionLevel.UNDEFINED))
        elif cache.lookup(uri, content):
            files.append(File.generated(config, uri, content=STUB, inclusion=InclusionLevel.NOT_IN_NAV))
        else:
            markdown, build.blocks[uri] = _take_blocks(content)
            files.append(File.generated(config, uri, content=markdown, inclusion=InclusionLevel.NOT_IN_NAV))
    # The blank workbooks the contributor guide links to (MkDocs checks those links in --strict).
    for uri, content in xlsx.template_workbooks(build.data.scheme).items():
        files.append(File.generated(config, uri, content=content))
    return files


def restore_blocks(html: str, page, config) -> str:
    """Put a generated page's HTML blocks back in place of their placeholders."""
    build: SiteBuild = config[STATE_KEY]
    uri = page.file.src_uri
    if uri in build.cache.hits:
        return html  # counted in cached_output, from its cached HTML
    if not (page.meta.get("search") or {}).get("exclude"):
        build.searchable += 1
    blocks = build.blocks.get(uri)
    if uri in build.cache.misses:
        build.cache.written[uri] = Path(page.file.abs_dest_path)
    if not blocks:
        return html
    build.rendered.append(page)
    return _PLACEHOLDER_RE.sub(lambda match: blocks[int(match.group(1))], html)


def cached_output(output: str, page, config) -> str:
    """A stub page's output replaced by its cached HTML (see zwgk.site.rendered)."""
    build: SiteBuild = config[STATE_KEY]
    cached = build.cache.output(page.file.src_uri)
    if cached is None:
        return output
    if "data-pagefind-body" in cached:
        build.searchable += 1
    return cached


def watch(server, config) -> None:
    """`mkdocs serve` rebuilds when anything under the catalogue changes."""
    server.watch(str(catalog_dir(config)))


def finish(config, log: logging.Logger) -> None:
    started = time.perf_counter()
    build: SiteBuild = config[STATE_KEY]
    site_dir = Path(config.site_dir)
    written = _cached_exports(build)
    written.update(_cached_workbooks(build))
    written.update({path: html.encode() for path, html in index_resolvers(build.data).items()})
    written.update(static_search.code_shards(build.data, config["extra"]["zwgk_search_shards"]))
    written["exports/scores.csv"] = scorecards.scores_csv(build.data, build.cards)
    written.update(annual_export.annual_files(build.data.annual))
    for path, content in written.items():
        target = site_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    exported_files = len(written)
    del written
    exported = time.perf_counter()
    _localise_theme_scripts(site_dir)
    build.counts = verify(build, site_dir)
    # The pages' sources and HTML blocks (hundreds of MB at province scale) are written by now: let them
    # go before Pagefind, whose memory adds to this process's.
    build.pages, build.blocks = [], {}
    for page in build.rendered:  # MkDocs keeps every page's HTML until the build ends; it is written
        page.content = None
    build.rendered = []  # freed by reference counting at once: no collection pass over the whole heap
    build.cache.store()
    verified = time.perf_counter()
    build.counts["search_pages"] = _static_search(build, site_dir)
    static = time.perf_counter()
    _check_links(site_dir, build, log)
    counts = build.counts
    log.info(
        f"耗时：导出 {exported - started:.1f} 秒，核对 {verified - exported:.1f} 秒，"
        f"静态检索索引 {static - verified:.1f} 秒（{counts['search_pages']} 个页面"
        + f"，{counts['search_bundles']} 个分包中 {counts['search_bundles_cached']} 个沿用上次的结果），"
        + f"核对链接 {time.perf_counter() - static:.1f} 秒。"
    )
    if build.index is not None:
        index = _search_index(build, site_dir)
        log.info(f"检索索引：更新 {index.added} 条，删除 {index.removed} 条，等待后台写入 {time.perf_counter() - static:.1f} 秒。")
    release_lock(config)
    log.info(
        f"生成完成：{counts['departments']} 个部门、{counts['items']} 个权力事项、{counts['entries']} 条目录条目、"
        f"{counts['flowcharts']} 张流程图（本次新绘制 {build.charts.rendered} 张）、{counts['pages']} 个页面、{exported_files} 个导出文件。"
    )


def _check_links(site_dir: Path, build: SiteBuild, log: logging.Logger) -> None:
    """Every internal href and src of every built page resolves to a file (国办秘函〔2019〕19号 scores
    broken links): the build fails otherwise."""
    broken, checked_pages, checked_links = links.broken_links(site_dir, build.data.site_url)
    build.counts["links"] = checked_links
    if broken:
        shown = "\n".join(f"{link.page}：{link.target}" for link in broken[:50])
        raise PluginError(f"生成的网站中有 {len(broken)} 个链接指向不存在的文件（共核对 {checked_pages} 个页面）：\n{shown}")
    log.info(f"链接核对：{checked_pages} 个页面中的 {checked_links} 个站内链接都能打开。")


def _start_search_index(config, data: SiteData):
    """Start updating the Whoosh index beside the site (for `zwgk search` and `zwgk serve`): changed
    records are written by a separate process while MkDocs renders the pages."""
    from zwgk.search.index import index_dir, plan_update
    from zwgk.search.writer import BackgroundUpdate

    return BackgroundUpdate(plan_update(index_dir(Path(config.site_dir)), data))


def _search_index(build: SiteBuild, site_dir: Path):
    """Wait for the index update, then check it holds every record and finds what it must."""
    from zwgk.search.index import SearchIndexError, index_dir, verify_index

    try:
        return verify_index(index_dir(site_dir), build.data, build.index.wait())
    except SearchIndexError as error:
        raise PluginError(str(error)) from None


# Pagefind writes its own ready-made interfaces too; the site uses its search API only.
_UNUSED_PAGEFIND_FILES = ("pagefind-ui.*", "pagefind-modular-ui.*", "pagefind-component-ui.*", "pagefind-highlight.js")


def _static_search(build: SiteBuild, site_dir: Path) -> int:
    """Index the built pages with Pagefind; fails unless every page meant for the search is in it."""
    try:
        indexed, build.counts["search_bundles"], build.counts["search_bundles_cached"] = pagefind.bundle(site_dir, default_cache_dir())
    except pagefind.StaticSearchError as error:
        raise PluginError(str(error)) from None
    if indexed != build.searchable:
        raise PluginError(f"静态检索索引收录了 {indexed} 个页面，应为 {build.searchable} 个。")
    try:
        silent = pagefind.silent_titles(site_dir, pagefind.canaries(build.data))
    except pagefind.StaticSearchError as error:
        raise PluginError(str(error)) from None
    if silent:
        raise PluginError("静态检索索引查不到应有的结果：" + "、".join(silent))
    for folder in pagefind.bundle_dirs(site_dir):
        for pattern in _UNUSED_PAGEFIND_FILES:
            for path in folder.glob(pattern):
                path.unlink()
    return indexed


# Material's bundle can load scripts from a CDN: a ResizeObserver polyfill in browsers without one (old
# browsers are common on government networks) and mermaid on pages with diagrams (ours have none). Both
# are pointed at local copies, resolved against the bundle's own URL so that any page depth works.
_CDN_SCRIPTS = {
    '"https://unpkg.com/resize-observer-polyfill"': "resize-observer-polyfill.js",
    '"https://unpkg.com/mermaid@11/dist/mermaid.min.js"': "mermaid.min.js",
}


def _localise_theme_scripts(site_dir: Path) -> None:
    for bundle in (site_dir / "assets" / "javascripts").glob("bundle.*.js"):
        text = bundle.read_text(encoding="utf-8")
        for remote, local in _CDN_SCRIPTS.items():
            text = text.replace(
                remote, f'new URL("vendor/{local}",document.querySelector(\'script[src*="javascripts/bundle."]\').src).href'
            )
        bundle.write_text(text, encoding="utf-8")


EXPORT_MODULES = (
    "site/exports.py",
    "site/pages/common.py",
    "site/urls.py",
    "site/data.py",
    "catalog/*model.py",
    "catalog/codes.py",
    "monitoring/scorecards.py",
    "monitoring/annual_export.py",
)


def _cached_exports(build: SiteBuild) -> dict[str, bytes]:
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


WORKBOOK_MODULES = ("site/xlsx.py", "site/exports.py", "catalog/*model.py", "monitoring/annual_xlsx.py", "monitoring/annual_layout.py")


def _cached_workbooks(build: SiteBuild) -> dict[str, bytes]:
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
    annual_sheets = annual_xlsx.sheets_by_department(data.annual)
    cache = PickleCache(default_cache_dir(), "workbooks")
    files = {}
    for dept_id in sorted(data.departments):
        key = hashlib.sha256(shared.digest() + "".join(own.get(dept_id, [])).encode()).hexdigest()
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


ENTRY_ANCHOR = re.compile(r'<h2 class="zwgk-entry" id="(\d{5})"')


def verify(build: SiteBuild, site_dir: Path) -> dict[str, int]:
    """Nothing lost: every item and entry of the loaded catalogue is on its page and in the exports."""
    data = build.data
    missing = []
    flowcharts = 0
    for item in data.items:
        path = site_dir / urls.item(item.dept_id, item.basic_code) / "index.html"
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        if item.basic_code not in text:
            missing.append(f"权力事项 {item.label}（{path.relative_to(site_dir)}）")
        elif item.is_active and item.flow:
            if 'role="img"' in text and "<svg" in text:
                flowcharts += 1
            else:
                missing.append(f"权力事项 {item.label} 的运行流程图")
    by_page: dict[str, list] = {}
    for entry in data.entries:
        by_page.setdefault(data.entry_url(entry).split("#")[0], []).append(entry)
    for url, entries in by_page.items():
        path = site_dir / url / "index.html"
        ids = set(ENTRY_ANCHOR.findall(path.read_text(encoding="utf-8"))) if path.is_file() else set()
        for entry in entries:
            if f"{data.numbers[id(entry)].serial:05d}" not in ids:
                missing.append(f"目录条目 {entry.label}（{url}）")
    exported = (site_dir / "exports/entries.csv").read_bytes().decode("utf-8-sig")
    limit = csv.field_size_limit(max(csv.field_size_limit(), len(exported) + 1))  # no cell may be too long to count
    try:
        exported_rows = sum(1 for _ in csv.reader(io.StringIO(exported))) - 1
    finally:
        csv.field_size_limit(limit)
    if exported_rows != len(data.entries):
        missing.append(f"导出文件 entries.csv 有 {exported_rows} 条，目录有 {len(data.entries)} 条")
    for dept_id in data.departments:  # the row counts are checked as each workbook is written
        if not (site_dir / f"exports/departments/{dept_id}/{dept_id}.xlsx").is_file():
            missing.append(f"部门 {dept_id} 的 Excel 工作簿")
    if missing:
        shown = "\n".join(missing[:50])
        raise PluginError(f"有 {len(missing)} 个记录没有出现在生成的网站中：\n{shown}")
    return {
        "departments": len(data.departments),
        "items": len(data.items),
        "entries": len(data.entries),
        "flowcharts": flowcharts,
        "pages": len(build.pages),
    }
