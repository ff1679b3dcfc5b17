"""The build's first step (MkDocs's pre_build): check the catalogue, arrange it, draw the flowcharts
and build every generated page's source."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time

from mkdocs.exceptions import PluginError

from zwgk.build.lock import guard_logs, take_lock
from zwgk.build.search import start_search_index
from zwgk.build.sources import page_sources
from zwgk.build.state import STATE_KEY, SiteBuild, catalog_dir, settings
from zwgk.catalog.cache import PickleCache, code_version, default_cache_dir
from zwgk.catalog.loader import CatalogError
from zwgk.monitoring import scorecards, trend
from zwgk.rules.run import CheckResult, check
from zwgk.site import static_search
from zwgk.site.data import site_data
from zwgk.site.flowchart import ChartFile, FlowchartError, RenderStats, _dot_version, chart_files, dot_source, render_all


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


def prepare(config, log: logging.Logger, search_index: bool = True) -> SiteBuild:
    guard_logs()
    take_lock(config)
    started = time.perf_counter()
    result = check_for_build(config, log)
    checked = time.perf_counter()
    catalog = result.catalog
    scheme = catalog.scheme
    data = site_data(result, settings(config).get("report_url", ""), config.get("site_url") or "")
    data.site_name = (settings(config).get("site") or {}).get("name") or config.get("site_name") or ""
    try:
        charts, chart_contents, stats, charts_key = _drawn(catalog)
    except FlowchartError as error:
        raise PluginError(str(error)) from None
    drawn = time.perf_counter()
    today = dt.date.today()
    cards = scorecards.scorecards(data, result.findings, today)
    points = trend.history(catalog_dir(config), today, {card.dept_id: card.score for card in cards}, default_cache_dir())
    # Page sources are reused when nothing they read has changed (zwgk.build.sources, zwgk.build.reuse).
    inputs = {"zwgk": settings(config), "site_url": data.site_url, "site_name": data.site_name}
    sources = page_sources(data, result, cards, points, charts, inputs, charts_key, today)
    config["extra"]["zwgk_notice"] = scheme.notice or ""
    config["extra"]["zwgk_search_shards"] = static_search.shard_count(len(catalog.items) * 2 + len(catalog.entries) * 2)
    log.info(
        f"耗时：检查 {checked - started:.1f} 秒，流程图 {drawn - checked:.1f} 秒，生成页面 {time.perf_counter() - drawn:.1f} 秒{sources.summary()}。"
    )
    build = SiteBuild(
        result,
        data,
        sources.pages,
        stats,
        index=start_search_index(config, data) if search_index else None,
        cards=cards,
        chart_files=chart_contents,
    )
    if build.index is not None and build.index.update.repaired:
        log.info(build.index.update.repaired)
    config[STATE_KEY] = build
    return build


def _charts(catalog) -> dict[str, tuple[str, str]]:
    charts = {}
    for item in catalog.items:
        if item.is_active and item.flow:
            # Two drawings: lanes side by side, and a narrow one for phones (flowchart.dot_source).
            charts[f"{item.dept_id}/{item.basic_code}"] = (item.label, dot_source(item))
            charts[f"{item.dept_id}/{item.basic_code}#narrow"] = (item.label, dot_source(item, narrow=True))
    return charts


# What a chart is drawn from besides its item's own file (the model that reads it, the DOT writer).
CHART_MODULES = ("site/flowchart.py", "catalog/*model.py", "catalog/flow.py", "catalog/text.py", "site/html.py")


def _drawn(catalog) -> tuple[dict[str, ChartFile], dict[str, bytes], RenderStats, str]:
    """Every chart's file ({chart id: file}, {site path: content}, zwgk.site.flowchart.chart_files): from one pickle when every power item's file, the code and Graphviz are as
    in the last build (a chart is drawn from its item alone, and an item from its file: writing and
    hashing every DOT source took seconds, reading and checking thousands of cached SVG files one by
    one more), else from render_all (its cache per chart, Graphviz for the rest). The key is returned too:
    the item pages' key (zwgk.build.reuse.item_key) takes it for the drawings."""
    digest = hashlib.sha256(f"{code_version(CHART_MODULES)}\0{_dot_version()}\0".encode())
    for rel, file_key in sorted(catalog.file_keys.items()):
        if "/powers/" in rel:
            digest.update(f"{rel}\0{file_key}\0".encode())
    for rel in sorted(catalog.rejected):
        digest.update(f"rejected\0{rel}\0".encode())
    key = digest.hexdigest()
    cache = PickleCache(default_cache_dir(), "flowcharts-all")
    cached = cache.get(key)
    if isinstance(cached, tuple) and len(cached) == 3 and isinstance(cached[0], dict):
        return cached[0], cached[1], RenderStats(charts=cached[2], rendered=0), key
    charts = _charts(catalog)
    svgs, stats = render_all(charts, default_cache_dir())
    files, contents = chart_files(svgs)
    cache.put(key, (files, contents, len(charts)))
    cache.prune(keep=2)
    return files, contents, stats, key
