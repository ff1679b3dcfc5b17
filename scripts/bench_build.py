"""The build benchmark (scripts/bench.py --only build).

Everything runs in a git repository holding the province at `catalog/`, as the workflows see it:
the base commit (dated in the past, so that the scorecards' trend has a month to score) is built
cold and warm as `publish.yml` builds main; then the pull request's commit changes one entry's title
and the steps of `pull-request.yml` are timed on the caches those builds left (~/.cache/zwgk and the
Whoosh index site.search beside the site; the checkout is fresh, so there is no site folder and
every file is new to the file system, `fresh_checkout`): check,
diff, build (strict) and packing the site as the artifact upload does. The pull request's build is
the one-changed-entry figure.

A plain MkDocs + Material site with as many pages as MkDocs rendered for ours is built in the same
run, and every wall time is also given as a ratio to it (`x_baseline`): on a shared machine seconds
drift from run to run, the ratio much less."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from bench_measure import ROOT, ZWGK, du, load_average, measure

BASE_DATE = "2026-10-20T12:00:00+08:00"  # the base commit's date: one month end (October) to score
_RENDERED = re.compile(r"(\d+) 个页面、")


def _rendered_pages(run: dict) -> int:
    """The pages MkDocs rendered in a build: the generated ones (from the build's last line) and the
    Markdown files of content/."""
    generated = next(int(match.group(1)) for line in run["output_tail"] if (match := _RENDERED.search(line)))
    return generated + sum(1 for _ in (ROOT / "content").rglob("*.md"))


def change_one_title(catalog: Path) -> str:
    """One entry's title changed in place (text edit, the file's layout kept)."""
    path = sorted(catalog.glob("departments/*/disclosure/*.yml"))[len(list(catalog.glob("departments/*"))) // 2]
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(n for n, line in enumerate(lines) if line.startswith("  title: "))
    lines[number] = lines[number].replace("  title: ", "  title: （修订）", 1)
    path.write_text("".join(lines), encoding="utf-8")
    return f"{path.relative_to(catalog)}:{number + 1}"


def fresh_checkout(repo: Path) -> None:
    """Every file of the checkout written anew (new inode, change and modification times), as a
    workflow's actions/checkout leaves them: a cache keyed by a file's status cannot carry over
    from one workflow run to the next, so the bench must not let it."""
    for folder, _, files in os.walk(repo / "catalog"):
        for name in files:
            path = Path(folder, name)
            fresh = path.with_name(f".{name}.fresh")
            shutil.copyfile(path, fresh)
            os.replace(fresh, path)


def _git(repo: Path, *args: str, date: str | None = None) -> None:
    env = dict(os.environ, GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date) if date else None
    identity = ["-c", "user.name=bench", "-c", "user.email=bench@example.org"]
    subprocess.run(["git", "-C", str(repo), *identity, *args], check=True, capture_output=True, env=env)


def province_repository(catalog: Path, repo: Path) -> None:
    """A git repository whose main branch holds the province at catalog/ in one commit."""
    shutil.rmtree(repo, ignore_errors=True)
    shutil.copytree(catalog, repo / "catalog")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base", date=BASE_DATE)


def bench_build(catalog: Path, work: Path, keep_cache: bool = False) -> dict:
    """Cold (empty caches, no site folder) and warm (nothing changed) builds of the base, then the
    pull request with one entry changed (bench_pull_request). With `keep_cache` the cache folder
    already in the work folder is kept, and the first build is reported as `first`, not `cold`."""
    repo, cache = work / "repo", work / "build-cache"
    if not keep_cache:
        shutil.rmtree(cache, ignore_errors=True)
    province_repository(catalog, repo)
    env = dict(os.environ, ZWGK_CACHE_DIR=str(cache), NO_MKDOCS_2_WARNING="1")
    # publish.yml runs `mkdocs build --strict` at the repository's root; `zwgk build` is that build.
    command = [*ZWGK, "build", "--catalog", "catalog", "--site-dir", "site", "--config-file", str(ROOT / "mkdocs.yml"), "--strict"]
    cold = measure(command, env, cwd=repo)
    warm = measure(command, env, cwd=repo)  # the same checkout built again, site folder kept
    site = repo / "site"
    pages = sum(1 for _ in site.rglob("index.html"))
    site_bytes = du(site)
    biggest = sorted(((du(path), path.name) for path in site.iterdir() if path.is_dir()), reverse=True)[:6]
    pull_request = bench_pull_request(repo, env, command, work)
    return {
        "first" if keep_cache else "cold": cold,
        "warm": warm,
        "one_entry": pull_request["steps"]["build"] | {"changed": pull_request["changed"]},
        "rendered_pages": _rendered_pages(cold),
        "html_pages": pages,
        "site_mib": round(site_bytes / 2**20),
        "site_folders_mib": {name: round(size / 2**20) for size, name in biggest},
        "pull_request": pull_request,
        "targets": {"cold_x": 2.5, "warm_x": 1.0, "one_entry_x": 1.2, "peak_pss_mib": 3072, "site_mib": 500},
    }


def bench_pull_request(repo: Path, env: dict, command: list[str], work: Path) -> dict:
    """The steps of pull-request.yml after the base's builds: a branch changes one entry's title; the
    checkout is fresh (no site folder) and the caches are the base's. Check, diff, build, and packing
    the site as the artifact upload does (tar + gzip -6, upload-artifact's level)."""
    _git(repo, "checkout", "-q", "-b", "one-entry")
    changed = change_one_title(repo / "catalog")
    _git(repo, "commit", "-q", "-am", "one entry")
    shutil.rmtree(repo / "site")
    fresh_checkout(repo)
    steps = {
        "check": measure([*ZWGK, "check", "--format", "github"], env, cwd=repo),
        "diff": measure([*ZWGK, "diff", "main", "HEAD", "--format", "markdown"], env, cwd=repo),
        "build": measure(command, env, cwd=repo),
        # gzip's default level is 6, upload-artifact's default compression level too.
        "upload": measure(["tar", "-C", str(repo / "site"), "-czf", str(work / "site-preview.tar.gz"), "."], env),
    }
    steps["upload"]["artifact_mib"] = round((work / "site-preview.tar.gz").stat().st_size / 2**20)
    return {
        "changed": changed,
        "steps": steps,
        "wall_s": round(sum(step["wall_s"] for step in steps.values()), 2),
        "peak_pss_mib": max(step["peak_pss_mib"] for step in steps.values()),
        "load_1min": load_average(),
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


def add_ratios(figures: dict, baseline_s: float) -> None:
    """Beside every wall time of the build results, its ratio to the plain MkDocs build."""
    for key, value in list(figures.items()):
        if isinstance(value, dict):
            add_ratios(value, baseline_s)
        elif key == "wall_s":
            figures["x_baseline"] = round(value / baseline_s, 2)


def build_table(build: dict, baseline: dict) -> str:
    """The build figures as a Markdown table (printed to stderr, for the notes)."""
    pr = build["pull_request"]
    rows = [
        ("plain MkDocs + Material (same pages)", baseline),
        ("cold (empty caches)" if "cold" in build else "first (caches kept from an earlier run)", build.get("cold") or build["first"]),
        ("warm (nothing changed)", build["warm"]),
        *[(f"pull request (one entry's title changed): {name}", step) for name, step in pr["steps"].items()],
        ("pull request: all steps", pr),
    ]
    lines = ["| build | seconds | × plain MkDocs | CPU seconds | peak PSS MiB | load (1 min) |", "|---|---|---|---|---|---|"]
    for name, figures in rows:
        cpu = figures.get("cpu_s", sum(step["cpu_s"] for step in figures.get("steps", {}).values()))
        lines.append(
            f"| {name} | {figures['wall_s']} | {figures['wall_s'] / baseline['wall_s']:.2f} | {cpu:.1f} | {figures['peak_pss_mib']} | {figures['load_1min']} |"
        )
    lines.append(f"\nrendered pages {build['rendered_pages']}, HTML files {build['html_pages']}, site {build['site_mib']} MiB")
    lines.append(f"largest site folders (MiB): {build['site_folders_mib']}")
    return "\n".join(lines)
