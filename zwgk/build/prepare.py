"""The build's first step (MkDocs's pre_build): check the catalogue, arrange it, draw the flowcharts
and build every generated page's source."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import logging
import time

from mkdocs.exceptions import PluginError

from zwgk.build.lock import guard_logs, take_lock
from zwgk.build.reuse import catalogue_keys, item_key, other_key, reuse
from zwgk.build.search import start_search_index
from zwgk.build.state import STATE_KEY, SiteBuild, catalog_dir, settings
from zwgk.catalog.cache import PickleCache, code_version, default_cache_dir
from zwgk.catalog.loader import CatalogError
from zwgk.monitoring import annual as annual_pages
from zwgk.monitoring import inspection, scorecards, trend
from zwgk.monitoring import pages as scorecard_pages
from zwgk.rules.run import CheckResult, check
from zwgk.site import static_search, urls
from zwgk.site.data import site_data
from zwgk.site.flowchart import ChartFile, FlowchartError, RenderStats, _dot_version, chart_files, dot_source, figure, render_all
from zwgk.site.pages.audience import audience_pages
from zwgk.site.pages.catalogue import catalogue_pages
from zwgk.site.pages.common import root
from zwgk.site.pages.department import department
from zwgk.site.pages.furniture import furniture_pages
from zwgk.site.pages.home import home
from zwgk.site.pages.item import item_page
from zwgk.site.pages.lists import topic_pages, type_pages
from zwgk.site.pages.scheme import scheme_page


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
    # Page sources are reused when nothing they read has changed (zwgk.build.reuse).
    inputs = {"zwgk": settings(config), "site_url": data.site_url, "site_name": data.site_name}
    groups = catalogue_keys(inputs, data)
    kept = 2 * (len(groups) + 2) + 8
    others, others_reused = reuse(
        other_key(inputs, catalog.file_keys, today, result.findings, points), lambda: _other_pages(data, result, cards, points), kept
    )
    items, items_reused = reuse(item_key(inputs, catalog.file_keys, charts_key), lambda: _item_pages(data, charts), kept)
    built = others + items
    rebuilt = 0
    for dept_id, key in groups.items():
        pages, reused_group = reuse(key, lambda dept_id=dept_id: catalogue_pages(_department_view(data, dept_id)), kept)
        built += pages
        rebuilt += not reused_group
    config["extra"]["zwgk_notice"] = scheme.notice or ""
    config["extra"]["zwgk_search_shards"] = static_search.shard_count(len(catalog.items) * 2 + len(catalog.entries) * 2)
    reused = [
        "事项页面" if items_reused else "",
        "其他页面" if others_reused else "",
        f"{len(groups) - rebuilt} 个部门的目录页面" if len(groups) > rebuilt else "",
    ]
    reused = "，沿用上次的" + "、".join(part for part in reused if part) + "源文件" if any(reused) else ""
    log.info(
        f"耗时：检查 {checked - started:.1f} 秒，流程图 {drawn - checked:.1f} 秒，生成页面 {time.perf_counter() - drawn:.1f} 秒{reused}。"
    )
    build = SiteBuild(
        result,
        data,
        built,
        stats,
        index=start_search_index(config, data) if search_index else None,
        cards=cards,
        chart_files=chart_contents,
    )
    if build.index is not None and build.index.update.repaired:
        log.info(build.index.update.repaired)
    config[STATE_KEY] = build
    return build


def _other_pages(data, result: CheckResult, cards: list, points: list) -> list[tuple[str, str]]:
    """Every generated page but the item pages."""
    catalog = result.catalog
    built = [home(data), scheme_page(catalog.scheme), *type_pages(data), *topic_pages(data)]
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
    built += furniture_pages(data)
    built += audience_pages(data)
    return built


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


def _department_view(data, dept_id: str):
    """The site's data with only one department's entries in `entries` (what catalogue_pages lists);
    every lookup across departments (related entries, names, the newest date) stays the whole site's."""
    data.entry_by_index, data.interpretations  # noqa: B018 (computed on the whole site, then shared by the copy)
    view = copy.copy(data)
    view.entries = data.entries_by_dept.get(dept_id, [])
    return view


def _item_pages(data, charts: dict[str, ChartFile]) -> list[tuple[str, str]]:
    built = []
    for item in data.items:
        key = f"{item.dept_id}/{item.basic_code}"
        wide = charts.get(key)
        shown = (
            figure(wide, charts.get(f"{key}#narrow"), f"{item.name}运行流程图", root(urls.item(item.dept_id, item.basic_code)))
            if wide
            else ""
        )
        built.append(item_page(data, item, shown))
    return built
