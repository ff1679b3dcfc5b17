"""The search benchmarks (scripts/bench.py --only search / static): the Whoosh index beside a site and
its queries, and the static search of the built site in headless Chromium."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench_measure import ROOT, ZWGK, du, measure, run_script

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
times, cpu = [], []
for _ in range(3):
    for query in queries:
        started, started_cpu = time.perf_counter(), time.process_time()
        searcher.search(query, limit=10)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
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
# CPU time: what a shared machine's load distorts least (the wall-clock figures wait for the cores).
print(json.dumps(summary(times) | {"cpu_median_ms": round(statistics.median(cpu), 1), "api": summary(api)}))
"""


def _command_times(site: Path, query: str, runs: int = 5) -> dict:
    """`zwgk search` as a whole command (a new interpreter each time): median and slowest wall time."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([*ZWGK, "search", query, "--site-dir", str(site), "--format", "json"], capture_output=True, check=True, cwd=ROOT)
        times.append(time.perf_counter() - started)
    return {"query": query, "median_s": round(sorted(times)[runs // 2], 3), "max_s": round(max(times), 3)}


def change_one_percent(catalog: Path, copy: Path) -> int:
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
    changed = change_one_percent(catalog, changed_catalog)
    update = measure([*ZWGK, "index", str(changed_catalog), "--site-dir", str(site)], env)
    timing = run_script(QUERY_TIMER, str(index), json.dumps(QUERY_SET, ensure_ascii=False))
    # Whole commands, on the built site when there is one (its code shards answer exact codes).
    built = work / "site" if (work / "site.search").is_dir() else site
    code = next(catalog.glob("departments/*/powers/*.yml")).stem
    commands = {"exact_code": _command_times(built, code), "text": _command_times(built, "食品经营许可")}
    return {
        "index_cold": cold,
        "index_after_1pct_change": update | {"records_changed": changed},
        "index_mib": round(du(index) / 2**20),
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
# The first results can come from the first pass (titles and names) while the text's matches are still
# looked for ("正在正文中查找"): `done` waits for those too.
done = "q => new URLSearchParams(location.search).get('q') === q && /找到/.test(document.getElementById('zwgk-search-status').textContent) && !/正在/.test(document.getElementById('zwgk-search-status').textContent)"
result = {}
with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"])
    for run in ("arrival", "typing"):
        page = browser.new_page()  # a new page: nothing cached in memory
        fetched = []
        page.on("requestfinished", lambda request: fetched.append((request.url, request.sizes()["responseBodySize"])))
        search_bytes = lambda: sum(size for url, size in fetched if "/pagefind/" in url or "/codes/" in url)
        def breakdown():
            # What the search bytes are made of: Pagefind's script and WebAssembly, each bundle's metadata,
            # index chunks and fragments, and our own code shards and settings (KB by kind of file).
            kinds = {}
            for url, size in fetched:
                path = url.split("?")[0]
                if "/pagefind/" not in path and "/codes/" not in path:
                    continue
                kind = ("codes" if "/codes/" in path else path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else path)
                kind = {"pagefind": "wasm", "js": "pagefind.js", "json": "pagefind-entry.json"}.get(kind, kind)
                kinds[kind] = kinds.get(kind, 0) + size
            return {kind: round(size / 1024, 1) for kind, size in sorted(kinds.items())}
        if run == "arrival":
            # A visitor arrives with a query (from the header box of any page): time from the start of
            # navigation to the first results, and every search byte downloaded for them.
            page.goto(base + "search/?q=" + quote(queries[0]))
            page.wait_for_function(answered, arg=queries[0], timeout=60_000)
            result["arrival_results_ms_from_navigation"] = round(page.evaluate("performance.now()"))
            result["first_query_kb"] = round(search_bytes() / 1024)
            result["first_query_kb_by_file"] = breakdown()
            page.wait_for_function(done, arg=queries[0], timeout=60_000)
            result["arrival_complete_ms_from_navigation"] = round(page.evaluate("performance.now()"))
            result["first_query_complete_kb"] = round(search_bytes() / 1024)
            result["first_query_complete_kb_by_file"] = breakdown()
        else:
            # A visitor on the search page types a query and presses Enter: time to the first results.
            page.goto(base + "search/", wait_until="networkidle")
            before = search_bytes()
            page.fill("#zwgk-q", queries[0])
            started = time.perf_counter()
            page.press("#zwgk-q", "Enter")
            page.wait_for_function(answered, arg=queries[0], timeout=60_000)
            result["typed_results_ms"] = round((time.perf_counter() - started) * 1000)
            page.wait_for_function(done, arg=queries[0], timeout=60_000)
            result["typed_complete_ms"] = round((time.perf_counter() - started) * 1000)
            result["page_load_search_kb"] = round(before / 1024)
        # The next query on the same page: only what it adds.
        first = search_bytes()
        page.fill("#zwgk-q", queries[1])
        started = time.perf_counter()
        page.press("#zwgk-q", "Enter")
        page.wait_for_function(answered, arg=queries[1], timeout=60_000)
        result[f"{run}_next_results_ms"] = round((time.perf_counter() - started) * 1000)
        result["next_query_kb"] = round((search_bytes() - first) / 1024)
        page.wait_for_function(done, arg=queries[1], timeout=60_000)
        result[f"{run}_next_complete_ms"] = round((time.perf_counter() - started) * 1000)
        result["next_query_complete_kb"] = round((search_bytes() - first) / 1024)
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
            "import sys; from zwgk.site.pagefind import run_pagefind; print(run_pagefind(__import__('pathlib').Path(sys.argv[1])))",
            str(site),
        ]
    )
    browser = run_script(STATIC_TIMER, str(site), json.dumps(STATIC_QUERIES, ensure_ascii=False))
    return {
        "pagefind_index": indexing,
        "bundle_mib": round(du(site / "pagefind") / 2**20, 1),
        "code_shards_mib": round(du(site / "codes") / 2**20, 1),
        "browser": browser,
        "targets": {"first_query_kb": 300, "next_query_kb": 150, "typed_results_ms": 300},
    }
