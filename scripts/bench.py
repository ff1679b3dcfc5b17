#!/usr/bin/env python3
"""Benchmarks at province scale, printed as JSON. Measure, don't guess: the figures go in the notes.

    python scripts/bench.py [--catalog DIR] [--work DIR] [--runs N]

Without --catalog it generates the default province (58 departments, 6,000 items, 100,000 entries)
into the work folder. Each measurement runs the real command in a subprocess; peak memory is the
largest proportional set size (PSS) summed over the command's whole process tree (workers
included), sampled every 50 ms.
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
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ZWGK = [sys.executable, "-m", "zwgk"]


def _tree_memory(pid: int) -> int:
    """Proportional set size (PSS) of a process and all its descendants, from /proc: pages that forked
    workers share with their parent are counted once, not once per process as RSS would."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            total += next(int(line.split()[1]) * 1024 for line in rollup.splitlines() if line.startswith("Pss:"))
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


def measure(command: list[str], env: dict | None = None) -> dict:
    """Wall time and peak tree memory of one command; fails loudly if the command fails."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    peak = 0

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, _tree_memory(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    stdout, stderr = process.communicate()
    sampler.join()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"command failed ({process.returncode}): {' '.join(command)}\n{stderr.decode()[-2000:]}")
    # The last line of output, and the build's own timing lines (MkDocs logs to stderr).
    timings = [line.split("zwgk: ", 1)[-1] for line in stderr.decode().splitlines() if "耗时" in line or "检索索引：" in line]
    tail = stdout.decode().strip().splitlines()[-1:] + timings
    return {"wall_s": round(wall, 2), "peak_pss_mib": round(peak / 2**20), "output_tail": tail}


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


def _du(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def bench_build(catalog: Path, work: Path) -> dict:
    """The full site build (zwgk build = MkDocs + hooks), cold (empty caches, empty site folder) and
    warm (caches kept, nothing changed)."""
    cache, site = work / "build-cache", work / "site"
    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(site, ignore_errors=True)
    env = dict(os.environ, ZWGK_CACHE_DIR=str(cache), NO_MKDOCS_2_WARNING="1")
    command = [*ZWGK, "build", "--catalog", str(catalog), "--site-dir", str(site)]
    cold = measure(command, env)
    warm = measure(command, env)
    pages = sum(1 for _ in site.rglob("index.html"))
    return {
        "cold": cold,
        "warm": warm,
        "html_pages": pages,
        "site_mib": round(_du(site) / 2**20),
        "targets": {"cold_s": 180, "warm_s": 90, "peak_pss_mib": 4096, "site_mib": 1024},
    }


def bench_baseline(pages: int, work: Path) -> dict:
    """Plain MkDocs + Material rendering the same number of simple pages, kept out of the navigation
    as ours are, without search (our generated pages are excluded from Material's search too)."""
    project = work / "baseline"
    shutil.rmtree(project, ignore_errors=True)
    docs = project / "docs" / "p"
    docs.mkdir(parents=True)
    (project / "docs" / "index.md").write_text("# 首页\n", encoding="utf-8")
    for number in range(pages):
        (docs / f"{number}.md").write_text(f"# 页面 {number}\n\n一段简单的文字，第 {number} 页。\n", encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        "site_name: baseline\ntheme:\n  name: material\n  font: false\nplugins: []\nnav:\n  - index.md\nnot_in_nav: |\n  /p/\n",
        encoding="utf-8",
    )
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    result = measure([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml")], env)
    return {"pages": pages, **result}


QUERY_SET = [
    "食品经营",
    "许可",
    "行政处罚",
    "营商环境",
    "安全生产",
    "数字化转型",
    "政策解读",
    "实施方案",
    "排污许可证",
    "营许",
    "道路运输",
    "医疗机构",
    "省市场监管局",
    "合肥市",
    "2025年",
    "标准化",
    "食品经宫许可",
    "放管服改革",
    "信用体系",
    "通知",
]

QUERY_TIMER = """
import json, statistics, sys, threading, time, urllib.parse, urllib.request
from pathlib import Path
from zwgk.search.query import Searcher
from zwgk.search.server import make_server
searcher = Searcher(Path(sys.argv[1]))
queries = json.loads(sys.argv[2])
searcher.search(queries[0])
times = []
for _ in range(3):
    for query in queries:
        started = time.perf_counter()
        searcher.search(query, limit=10)
        times.append((time.perf_counter() - started) * 1000)
# GET /api/search on loopback, as a deployment's clients call it (the server beside the site).
server = make_server(Path(sys.argv[1]).with_name(Path(sys.argv[1]).name.removesuffix(".search")), port=0)
threading.Thread(target=server.serve_forever, daemon=True).start()
base = f"http://127.0.0.1:{server.server_address[1]}/api/search?q="
api = []
for _ in range(3):
    for query in queries:
        started = time.perf_counter()
        urllib.request.urlopen(base + urllib.parse.quote(query), timeout=30).read()
        api.append((time.perf_counter() - started) * 1000)
server.shutdown()
def summary(values):
    return {"median_ms": round(statistics.median(values), 1), "p90_ms": round(sorted(values)[int(len(values) * 0.9)], 1), "queries": len(values)}
print(json.dumps(summary(times) | {"api": summary(api)}))
"""


def _command_times(site: Path, query: str, runs: int = 5) -> dict:
    """`zwgk search` as a whole command (a new interpreter each time): median and slowest wall time."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([*ZWGK, "search", query, "--site-dir", str(site), "--format", "json"], capture_output=True, check=True, cwd=ROOT)
        times.append(time.perf_counter() - started)
    return {"query": query, "median_s": round(sorted(times)[runs // 2], 3), "max_s": round(max(times), 3)}


def _run_script(script: str, *args: str) -> dict:
    """Run a timing script in a fresh interpreter; its last line of output is its JSON result."""
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _change_one_percent(catalog: Path, copy: Path) -> int:
    """A copy of the catalogue with 1% of its records changed (titles of entries)."""
    import yaml

    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(catalog, copy)
    files = sorted(copy.glob("departments/*/disclosure/*.yml"))
    records = sum(1 for _ in catalog.glob("departments/*/powers/*.yml"))
    records += sum(path.read_text(encoding="utf-8").count("\n- index:") + 1 for path in files)
    target, changed = records // 100, 0
    for path in files:
        entries = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        for entry in entries[: max(0, min(len(entries), target - changed))]:
            entry["title"] = "（修订）" + str(entry["title"])
            changed += 1
        path.write_text(yaml.dump(entries, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False), encoding="utf-8")
        if changed >= target:
            break
    return changed


def bench_search(catalog: Path, work: Path) -> dict:
    """The Whoosh index beside a site: cold, after a 1% change, its size, and query times."""
    site = work / "search-site"
    index = site.with_name(site.name + ".search")
    shutil.rmtree(index, ignore_errors=True)
    env = dict(os.environ, ZWGK_CACHE_DIR=str(work / "build-cache"))
    measure([*ZWGK, "check", str(catalog)], env)  # the index is timed, not a cold check before it
    cold = measure([*ZWGK, "index", str(catalog), "--site-dir", str(site)], env)
    changed_catalog = work / "province-1pct"
    changed = _change_one_percent(catalog, changed_catalog)
    update = measure([*ZWGK, "index", str(changed_catalog), "--site-dir", str(site)], env)
    timing = _run_script(QUERY_TIMER, str(index), json.dumps(QUERY_SET, ensure_ascii=False))
    # Whole commands, on the built site when there is one (its code shards answer exact codes).
    built = work / "site" if (work / "site.search").is_dir() else site
    code = next(catalog.glob("departments/*/powers/*.yml")).stem
    commands = {"exact_code": _command_times(built, code), "text": _command_times(built, "食品经营许可")}
    return {
        "index_cold": cold,
        "index_after_1pct_change": update | {"records_changed": changed},
        "index_mib": round(_du(index) / 2**20),
        "queries": timing,
        "commands": commands | {"site": str(built)},
        "targets": {
            "index_cold_s": 90,
            "index_update_s": 10,
            "median_query_ms": 20,
            "api_median_ms": 20,
            "command_code_s": 0.4,
            "command_text_s": 0.8,
        },
    }


STATIC_QUERIES = ["食品经营许可", "道路运输"]

STATIC_TIMER = """
import functools, http.server, json, sys, threading, time
from urllib.parse import quote
from playwright.sync_api import sync_playwright

site, queries = sys.argv[1], json.loads(sys.argv[2])
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=site)
http.server.SimpleHTTPRequestHandler.log_message = lambda *args: None
httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
threading.Thread(target=httpd.serve_forever, daemon=True).start()
base = f"http://127.0.0.1:{httpd.server_address[1]}/"
answered = "q => new URLSearchParams(location.search).get('q') === q && /找到/.test(document.getElementById('zwgk-search-status').textContent)"
result = {}
with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"])
    for run in ("arrival", "typing"):
        page = browser.new_page()  # a new page: nothing cached in memory
        fetched = []
        page.on("requestfinished", lambda request: fetched.append((request.url, request.sizes()["responseBodySize"])))
        search_bytes = lambda: sum(size for url, size in fetched if "/pagefind/" in url or "/codes/" in url)
        if run == "arrival":
            # A visitor arrives with a query (from the header box of any page): time from the start of
            # navigation to the first results, and every search byte downloaded for them.
            page.goto(base + "search/?q=" + quote(queries[0]))
            page.wait_for_function(answered, arg=queries[0], timeout=60_000)
            result["arrival_results_ms_from_navigation"] = round(page.evaluate("performance.now()"))
            result["first_query_kb"] = round(search_bytes() / 1024)
        else:
            # A visitor on the search page types a query and presses Enter: time to the first results.
            page.goto(base + "search/", wait_until="networkidle")
            before = search_bytes()
            page.fill("#zwgk-q", queries[0])
            started = time.perf_counter()
            page.press("#zwgk-q", "Enter")
            page.wait_for_function(answered, arg=queries[0], timeout=60_000)
            result["typed_results_ms"] = round((time.perf_counter() - started) * 1000)
            result["page_load_search_kb"] = round(before / 1024)
        # The next query on the same page: only what it adds.
        first = search_bytes()
        page.fill("#zwgk-q", queries[1])
        started = time.perf_counter()
        page.press("#zwgk-q", "Enter")
        page.wait_for_function(answered, arg=queries[1], timeout=60_000)
        result[f"{run}_next_results_ms"] = round((time.perf_counter() - started) * 1000)
        result["next_query_kb"] = round((search_bytes() - first) / 1024)
        page.close()
    browser.close()
print(json.dumps({"queries": queries} | result))
"""


def bench_static(work: Path) -> dict:
    """The static search of the site that bench_build wrote: Pagefind's indexing time and bundle size,
    and in headless Chromium on loopback, the bytes and time of a first and a next query."""
    site = work / "site"
    if not (site / "pagefind" / "pagefind-entry.json").is_file():
        raise SystemExit(f"{site} has no static search bundle: run the build benchmark first (--only build).")
    indexing = measure(
        [
            sys.executable,
            "-c",
            "import sys; from zwgk.site.static_search import run_pagefind; print(run_pagefind(__import__('pathlib').Path(sys.argv[1])))",
            str(site),
        ]
    )
    browser = _run_script(STATIC_TIMER, str(site), json.dumps(STATIC_QUERIES, ensure_ascii=False))
    return {
        "pagefind_index": indexing,
        "bundle_mib": round(_du(site / "pagefind") / 2**20, 1),
        "code_shards_mib": round(_du(site / "codes") / 2**20, 1),
        "browser": browser,
        "targets": {"first_query_kb": 300, "next_query_kb": 150, "typed_results_ms": 300},
    }


SCORECARD_TIMER = """
import datetime as dt, json, sys, time
from pathlib import Path
from zwgk import scorecard_pages, scorecards, trend, annual_pages
from zwgk.check import check
from zwgk.site import site_data
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
    return _run_script(SCORECARD_TIMER, str(catalog), str(cache)) | {"targets": {"scorecards_and_pages_s": 15}}


def bench_diff(catalog: Path, work: Path) -> dict:
    """`zwgk diff` of the province and a copy with 1% of its records changed, with an empty cache."""
    changed_catalog = work / "province-1pct"
    changed = _change_one_percent(catalog, changed_catalog)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--catalog", type=Path, help="an existing catalogue (default: generate the province)")
    parser.add_argument("--work", type=Path, help="folder for the generated catalogue and caches (default: a temporary one)")
    parser.add_argument("--runs", type=int, default=3, help="warm runs (the median is reported)")
    parser.add_argument(
        "--only", choices=["check", "build", "search", "static", "diff", "scorecards", "spreadsheets"], help="run one part only"
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
        result["build"] = bench_build(catalog, work)
        result["baseline"] = bench_baseline(result["build"]["html_pages"], work)
    if args.only in (None, "search"):
        result["search"] = bench_search(catalog, work)
    if args.only in (None, "build", "static"):
        result["static_search"] = bench_static(work)
    if args.only in (None, "diff"):
        result["diff"] = bench_diff(catalog, work)
    if args.only in (None, "scorecards"):
        result["scorecards"] = bench_scorecards(catalog, work)
    if args.only == "spreadsheets":
        result["spreadsheets"] = bench_spreadsheets(catalog, work)
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
