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
    return {"wall_s": round(wall, 2), "peak_pss_mib": round(peak / 2**20), "output_tail": stdout.decode().strip().splitlines()[-1:]}


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--catalog", type=Path, help="an existing catalogue (default: generate the province)")
    parser.add_argument("--work", type=Path, help="folder for the generated catalogue and caches (default: a temporary one)")
    parser.add_argument("--runs", type=int, default=3, help="warm runs (the median is reported)")
    parser.add_argument("--only", choices=["check", "build"], help="run one part only")
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
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
