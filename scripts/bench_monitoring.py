#!/usr/bin/env python3
"""Time what the monitoring adds to a build, in-process: the inspection and annual rules, the
scorecards, the 检查指标自查 page, the annual-report pages and exports, the monitoring pages; and
the broken-link pass over a built site.

    python scripts/bench_monitoring.py CATALOG [--site BUILT_SITE]

Prints one line per step with seconds. Run it on a quiet machine for absolute figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import time
from pathlib import Path

from zwgk import rules
from zwgk.monitoring import annual, annual_export, inspection, pages, scorecards
from zwgk.rules.run import Context, check
from zwgk.site.data import site_data
from zwgk.site.links import broken_links

MONITORING_FAMILIES = ("annual", "inspection")
# The site's own URL: links the pages write as absolute paths under it (the 404 page's) resolve against it.
SITE_URL = re.search(r"^site_url:\s*(\S+)", (Path(__file__).resolve().parent.parent / "mkdocs.yml").read_text(encoding="utf-8"), re.M)


def _timed(label: str, function, *args):
    started, cpu = time.perf_counter(), time.process_time()
    value = function(*args)
    print(f"{label:<44} {time.perf_counter() - started:7.2f} s wall {time.process_time() - cpu:7.2f} s CPU")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("catalog", type=Path)
    parser.add_argument("--site", type=Path, help="a built site to run the link check over")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date.today())
    parser.add_argument("--cache", type=Path, help="the parse and rule cache to use (default: none)")
    args = parser.parse_args()
    result = _timed("check (load and every rule)", lambda: check(args.catalog, as_of=args.as_of, cache_dir=args.cache))
    context = Context(result.catalog, result.catalog.scheme, args.as_of)
    total = cpu_total = 0.0
    for rule in rules.all_rules():
        if rule.family not in MONITORING_FAMILIES:
            continue
        started, cpu = time.perf_counter(), time.process_time()
        if rule.scope == "catalog":
            list(rule.check(context))
        else:
            records = {"annual": result.catalog.annual, "entry": result.catalog.entries, "item": result.catalog.items}[rule.scope]
            for record in records:
                list(rule.check(record, context))
        total += time.perf_counter() - started
        cpu_total += time.process_time() - cpu
    print(f"{'  of which the annual and inspection rules':<44} {total:7.2f} s wall {cpu_total:7.2f} s CPU")
    data = _timed("site data", site_data, result)
    started, cpu = time.perf_counter(), time.process_time()
    cards = _timed("scorecards", scorecards.scorecards, data, result.findings, args.as_of)
    built = _timed("monitoring and scorecard pages", pages.monitoring_pages, data, cards, [])
    built += [_timed("检查指标自查 page", inspection.inspection_page, data, result.findings)]
    reports = result.catalog.annual
    built += _timed(f"annual report pages ({len(reports)})", annual.report_pages, data, reports)
    built += [_timed("annual province page", annual.province_page, data, reports)]
    built += _timed("annual region pages", annual.region_pages, data, reports)
    by_dept: dict[str, list] = {}
    for report in reports:
        by_dept.setdefault(report.dept_id, []).append(report)
    _timed(
        "annual sections of department pages", lambda: [annual.department_section(data, d, by_dept.get(d, [])) for d in data.departments]
    )
    _timed("annual exports (JSON, CSV)", annual_export.annual_files, reports)
    _timed("scores export (CSV)", scorecards.scores_csv, data, cards)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"{'monitoring computation in all':<44} {wall:7.2f} s wall {cpu:7.2f} s CPU ({len(built)} pages)")
    if args.site:
        broken, checked_pages, links = _timed(
            "link check of the built site", broken_links, args.site, SITE_URL.group(1) if SITE_URL else ""
        )
        print(f"  {checked_pages} pages, {links} internal links, {len(broken)} broken")


if __name__ == "__main__":
    main()
