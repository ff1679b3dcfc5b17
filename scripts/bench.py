#!/usr/bin/env python3
"""Benchmarks at province scale, printed as JSON. Measure, don't guess: the figures go in the notes.

    python scripts/bench.py [--catalog DIR] [--work DIR] [--runs N] [--only PART]

Without --catalog it generates the default province (58 departments, 6,000 items, 100,000 entries)
into the work folder. Each measurement runs the real command in a subprocess; peak memory is the
largest proportional set size (PSS) summed over the command's whole process tree (workers
included), sampled every 200 ms (reading smaps_rollup of a multi-GiB tree every 50 ms cost the
benchmark itself about a tenth of a core).

The parts live beside this file: how a command is measured (bench_measure.py), the build with its
plain-MkDocs baseline and the pull-request workflow's steps (bench_build.py), the searches
(bench_search.py), the spreadsheets (bench_spreadsheets.py). Every figure carries the one-minute
load average at its end: the machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_build import add_ratios, bench_baseline, bench_build, build_table
from bench_measure import ROOT, ZWGK, measure, run_script
from bench_search import bench_search, bench_static, change_one_percent


def bench_check(catalog: Path, work: Path, runs: int) -> dict:
    cache = work / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    command = [*ZWGK, "check", str(catalog), "--cache-dir", str(cache), "--as-of", "2026-11-26"]
    cold = measure(command)
    warm = [measure(command) for _ in range(runs)]
    return {
        "cold": cold,
        "warm": warm[-1]
        | {"wall_s_runs": [run["wall_s"] for run in warm], "wall_s_median": statistics.median(run["wall_s"] for run in warm)},
        "targets": {"cold_s": 20, "warm_s": 5, "peak_pss_mib": 1536},
    }


SCORECARD_TIMER = """
import datetime as dt, json, sys, time
from pathlib import Path
from zwgk.monitoring import annual as annual_pages, pages as scorecard_pages, scorecards, trend
from zwgk.rules.run import check
from zwgk.site.data import site_data
result = check(Path(sys.argv[1]), cache_dir=Path(sys.argv[2]))
data = site_data(result)
started = time.perf_counter()
cards = scorecards.scorecards(data, result.findings)
points = trend.history(Path(sys.argv[1]), dt.date.today(), {c.dept_id: c.score for c in cards}, Path(sys.argv[2]))
built = scorecard_pages.monitoring_pages(data, cards, points)
built += [scorecard_pages.score_section(c, "departments/x/") for c in cards]
built.append(annual_pages.province_page(data, result.catalog.annual))
seconds = time.perf_counter() - started
print(json.dumps({"scorecards_and_pages_s": round(seconds, 2), "departments": len(cards), "months_with_history": sum(p.average is not None for p in points)}))
"""


def bench_scorecards(catalog: Path, work: Path) -> dict:
    """What the scorecards, their trend and the annual tables add to a build: computing them and their
    pages from a checked catalogue (MkDocs then renders about 60 more pages)."""
    cache = work / "build-cache"
    return run_script(SCORECARD_TIMER, str(catalog), str(cache)) | {"targets": {"scorecards_and_pages_s": 15}}


def bench_diff(catalog: Path, work: Path) -> dict:
    """`zwgk diff` of the province and a copy with 1% of its records changed, with an empty cache."""
    changed_catalog = work / "province-1pct"
    changed = change_one_percent(catalog, changed_catalog)
    env = dict(os.environ, ZWGK_CACHE_DIR=str(work / "diff-cache"))
    shutil.rmtree(work / "diff-cache", ignore_errors=True)
    result = measure([*ZWGK, "diff", str(catalog), str(changed_catalog)], env)
    return {"records_changed": changed, **result, "targets": {"wall_s": 20}}


def bench_spreadsheets(catalog: Path, work: Path) -> dict:
    """`zwgk import powers` of a 6,000-row workbook and `zwgk export xlsx` of the catalogue (scripts/bench_spreadsheets.py)."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts/bench_spreadsheets.py"), "--catalog", str(catalog), "--work", str(work / "xlsx")],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_monitoring(catalog: Path, work: Path) -> dict:
    """What the monitoring adds to a build: its rules, pages and exports (scripts/bench_monitoring.py),
    and the link check over the built site when the build benchmark left one."""
    site = work / "repo" / "site"
    command = [sys.executable, str(ROOT / "scripts/bench_monitoring.py"), str(catalog)] + (["--site", str(site)] if site.is_dir() else [])
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return {"steps": done.stdout.strip().splitlines(), "load_1min": round(os.getloadavg()[0], 2), "targets": {"wall_s": 10}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--catalog", type=Path, help="an existing catalogue (default: generate the province)")
    parser.add_argument("--work", type=Path, help="folder for the generated catalogue and caches (default: a temporary one)")
    parser.add_argument("--keep-cache", action="store_true", help="build: keep the work folder's build cache (the first build is not cold)")
    parser.add_argument("--runs", type=int, default=3, help="warm runs (the median is reported)")
    parser.add_argument(
        "--only",
        choices=["check", "build", "search", "static", "diff", "scorecards", "spreadsheets", "monitoring"],
        help="run one part only",
    )
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="zwgk-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    result: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}}
    catalog = args.catalog
    if catalog is None:
        catalog = work / "province"
        generation = measure([sys.executable, str(ROOT / "scripts/generate_catalog.py"), str(catalog)])
        result["generate"] = {"wall_s": generation["wall_s"]}
    files = [path for path in catalog.rglob("*.yml")]
    result["catalog"] = {"path": str(catalog), "files": len(files), "bytes": sum(path.stat().st_size for path in files)}
    if args.only in (None, "check"):
        result["check"] = bench_check(catalog, work, args.runs)
    if args.only in (None, "build"):
        result["build"] = bench_build(catalog, work, args.keep_cache)
        result["baseline"] = bench_baseline(result["build"]["rendered_pages"], work)
        add_ratios(result["build"], result["baseline"]["wall_s"])
        print(build_table(result["build"], result["baseline"]), file=sys.stderr)
    if args.only in (None, "search"):
        result["search"] = bench_search(catalog, work)
    if args.only in (None, "static"):
        result["static_search"] = bench_static(work)
    if args.only in (None, "diff"):
        result["diff"] = bench_diff(catalog, work)
    if args.only in (None, "scorecards"):
        result["scorecards"] = bench_scorecards(catalog, work)
    if args.only in (None, "monitoring"):
        result["monitoring"] = bench_monitoring(catalog, work)
    if args.only == "spreadsheets":
        result["spreadsheets"] = bench_spreadsheets(catalog, work)
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
