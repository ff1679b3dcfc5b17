"""Every generated page's source, in groups that are each built again only when something they read
has changed (their keys are in zwgk.build.reuse): the item pages, each department's catalogue pages,
each department's own page, each topic's pages, the annual reports, the power types, and the rest
(home, monitoring, furniture), which read the whole catalogue and the day."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import zwgk.build.reuse as keys
from zwgk.monitoring import annual as annual_pages
from zwgk.monitoring import inspection
from zwgk.monitoring import pages as scorecard_pages
from zwgk.rules.run import CheckResult
from zwgk.site import urls
from zwgk.site.data import SiteData
from zwgk.site.flowchart import ChartFile, figure
from zwgk.site.pages.audience import audience_pages
from zwgk.site.pages.catalogue import catalogue_pages
from zwgk.site.pages.common import root
from zwgk.site.pages.department import department
from zwgk.site.pages.furniture import furniture_pages
from zwgk.site.pages.home import home
from zwgk.site.pages.item import item_page
from zwgk.site.pages.lists import entries_by_topic, one_topic_pages, topic_index, type_pages
from zwgk.site.pages.scheme import scheme_page

# Set just before forking (as zwgk.rules.run does): the workers inherit the site's data and call these.
_forked_builders: list[Callable[[], list[tuple[str, str]]]] = []
PARALLEL_MIN_GROUPS = 16  # forking the build (gigabytes at province scale) costs more than a few groups


def _build_forked(number: int) -> list[tuple[str, str]]:
    return _forked_builders[number]()


def _build_all(builders: list[Callable[[], list[tuple[str, str]]]]) -> list[list[tuple[str, str]]]:
    """Run the builders, in forked workers on every core when there are several (a cold build at
    province scale spends over a minute here with the second core idle: the Whoosh writer and
    Pagefind start later)."""
    global _forked_builders
    workers = os.cpu_count() or 1
    if workers < 2 or len(builders) < PARALLEL_MIN_GROUPS or "fork" not in multiprocessing.get_all_start_methods():
        return [build() for build in builders]
    _forked_builders = builders
    gc.freeze()  # the workers' collector leaves the inherited objects alone: fewer pages copied
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_build_forked, range(len(builders))))
    finally:
        _forked_builders = []
        gc.unfreeze()


@dataclass
class Sources:
    pages: list[tuple[str, str | keys.Kept]] = field(default_factory=list)  # kept pages' sources are read on demand
    reused: dict[str, list[bool]] = field(default_factory=dict)  # group name -> reused or not, per part
    planned: list[tuple[str, str, Callable]] = field(default_factory=list)

    def add(self, group: str, key: str, build: Callable[[], list[tuple[str, str]]]) -> None:
        self.planned.append((group, key, build))

    def build(self, keep: int) -> None:
        """Every planned group's pages, from the cache (zwgk.build.reuse) or built, in the planned order."""
        groups = [(group, key, build, keys.cached(key)) for group, key, build in self.planned]
        missing = [(key, build) for _, key, build, pages in groups if pages is None]
        built = dict(zip([key for key, _ in missing], _build_all([build for _, build in missing]), strict=True))
        for key, pages in built.items():
            keys.store(key, pages)
        keys.prune(keep)
        for group, key, _, pages in groups:
            self.pages += pages if pages is not None else built[key]
            self.reused.setdefault(group, []).append(pages is not None)
        self.planned = []

    def texts(self) -> list[tuple[str, str]]:
        """Every page with its source (a kept page's read from the cache)."""
        return [(uri, source.text if isinstance(source, keys.Kept) else source) for uri, source in self.pages]

    def summary(self) -> str:
        """What was reused, for the build's timing line ("" when nothing was)."""
        parts = []
        for group, flags in self.reused.items():
            if all(flags):
                parts.append(group if len(flags) == 1 else f"全部{group}")
            elif any(flags):
                parts.append(f"{sum(flags)}/{len(flags)} 组{group}")
        return "，沿用上次的" + "、".join(parts) + "源文件" if parts else ""


def page_sources(
    data: SiteData, result: CheckResult, cards: list, points: list, charts: dict, inputs: dict, charts_key: str, today
) -> Sources:
    catalog = result.catalog
    by_topic = entries_by_topic(data)
    by_dept = {card.dept_id: card for card in cards}
    annual: dict[str, list] = {}
    for report in catalog.annual:
        annual.setdefault(report.dept_id, []).append(report)

    def section(dept_id: str):
        return scorecard_pages.score_section(by_dept[dept_id], urls.department(dept_id)) + annual_pages.department_section(
            data, dept_id, annual.get(dept_id, [])
        )

    sections = {dept_id: section(dept_id) for dept_id in catalog.departments}
    catalogue_keys = keys.catalogue_keys(inputs, data)
    department_keys = keys.department_keys(inputs, data, sections)
    topic_keys = keys.topic_keys(inputs, data, by_topic)
    sources = Sources()
    sources.add(
        "其他页面",
        keys.other_key(inputs, catalog.file_keys, today, result.findings, points),
        lambda: _whole_catalogue_pages(data, result, cards, points, by_topic),
    )
    sources.add("年度报告页面", keys.annual_key(inputs, catalog.file_keys), lambda: _annual_pages(data, catalog.annual))
    sources.add("事项页面", keys.item_key(inputs, catalog.file_keys, charts_key), lambda: _item_pages(data, charts))
    sources.add("权力类型页面", keys.types_key(inputs, catalog.file_keys), lambda: type_pages(data))
    for dept_id, key in department_keys.items():
        sources.add("部门页面", key, lambda dept_id=dept_id: [department(data, catalog.departments[dept_id], sections[dept_id])])
    for code, key in topic_keys.items():
        sources.add("主题页面", key, lambda code=code: one_topic_pages(data, code, by_topic.get(code, [])))
    for dept_id, key in catalogue_keys.items():
        sources.add("部门目录页面", key, lambda dept_id=dept_id: catalogue_pages(data.department_view(dept_id)))
    sources.build(keep=2 * len(sources.planned) + 8)
    return sources


def _whole_catalogue_pages(data, result: CheckResult, cards: list, points: list, by_topic: dict) -> list[tuple[str, str]]:
    """The pages that read the whole catalogue (counts, the latest entries, the scores)."""
    built = [home(data), scheme_page(result.catalog.scheme), topic_index(data, by_topic)]
    built += scorecard_pages.monitoring_pages(data, cards, points)
    built.append(inspection.inspection_page(data, result.findings))
    built += furniture_pages(data)
    built += audience_pages(data)
    return built


def _annual_pages(data, reports: list) -> list[tuple[str, str]]:
    return [annual_pages.province_page(data, reports), *annual_pages.region_pages(data, reports), *annual_pages.report_pages(data, reports)]


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
