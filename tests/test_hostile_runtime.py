"""The threat model for history, files, processes and outputs (issue 10, classes 1, 3, 4, 9, 13-18).

A contributor's folder is untrusted, the built site is published, and builds run unattended in CI and
on a shared server. Each test is named after its class of the issue and fails without the fix: nothing
a pull request writes, and no fault of the machine (a killed build, a damaged file, a second build),
may break the build, a later build, the CI log or a reader's computer.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import AS_OF, ROOT, SAMPLE, run_check, write_catalog

from zwgk.catalog.findings import Finding, Severity, Summary, format_github, format_text
from zwgk.cli import cli
from zwgk.monitoring import trend

GIT_ENV = dict(
    os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org"
)


def _git(repo: Path, *args: str, day: dt.date | None = None) -> None:
    env = dict(GIT_ENV)
    if day:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{day.isoformat()}T12:00:00+08:00"
    subprocess.run(["git", "-C", str(repo), *args], check=True, env=env, capture_output=True)


def _commit(repo: Path, day: dt.date, message: str) -> str:
    _git(repo, "add", "-A", day=day)
    _git(repo, "commit", "-qm", message, day=day)
    return subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()


def _sample_copy(folder: Path) -> Path:
    shutil.copytree(SAMPLE, folder)
    return folder


AMR = "departments/340000-amr"
CRASHING_VALUE = "\nbroken: !!int abc\n"  # a value the loader's conversion once raised on


# ---- 1. History that cannot be checked ------------------------------------------------------------


@pytest.fixture(scope="module")
def bad_history(tmp_path_factory):
    """A repository whose past month-ends hold a symlink, no scheme.yml, and a file that trips the
    loader; its last commit carries a forged older date."""
    repo = tmp_path_factory.mktemp("history") / "repo"
    root = _sample_copy(repo / "catalog")
    _git(repo, "init", "-q", "-b", "main")
    commits = {"clean": _commit(repo, dt.date(2026, 5, 10), "clean")}
    (root / AMR / "powers/000125999000.yml").symlink_to("/etc/passwd")
    commits["symlink"] = _commit(repo, dt.date(2026, 6, 10), "a symlink")
    (root / AMR / "powers/000125999000.yml").unlink()
    scheme = (root / "scheme.yml").read_bytes()
    (root / "scheme.yml").unlink()
    commits["no-scheme"] = _commit(repo, dt.date(2026, 7, 10), "no scheme")
    (root / "scheme.yml").write_bytes(scheme)
    commits["restored"] = _commit(repo, dt.date(2026, 8, 5), "restored")
    item = next((root / AMR / "powers").glob("*.yml"))
    item.write_text(item.read_text(encoding="utf-8") + CRASHING_VALUE, encoding="utf-8")
    commits["crash"] = _commit(repo, dt.date(2026, 8, 20), "a file that trips the loader")
    (root / AMR / "powers/000125998000.yml").symlink_to("../../../scheme.yml")
    commits["forged"] = _commit(repo, dt.date(2026, 9, 20), "forged older date, and a link inside")
    return repo, root, commits


def test_class_01_uncheckable_past_months_are_gaps_in_the_trend(bad_history, tmp_path):
    repo, root, _ = bad_history
    points = trend.history(root, AS_OF, {"x": 50.0}, tmp_path / "cache")
    by_month = {point.month: point for point in points}
    assert by_month["2026-04"].average is None and not by_month["2026-04"].gap  # before any commit: no record
    assert by_month["2026-05"].scores and not by_month["2026-05"].gap
    assert by_month["2026-06"].gap and "符号链接" in by_month["2026-06"].gap and not by_month["2026-06"].scores
    assert by_month["2026-07"].gap and "scheme.yml" in by_month["2026-07"].gap
    assert by_month["2026-08"].gap or by_month["2026-08"].scores  # a gap while the loader trips on the file
    # The forged commit (dated 2026-09-20, committed last) is the catalogue from September on.
    for month in ("2026-09", "2026-10"):
        assert "符号链接" in by_month[month].gap
    chart = trend.svg(points, "测试")
    assert chart.count(trend.GAP_LABEL) >= 4 and "无记录" in chart
    # A second computation comes from the cache, gaps included.
    assert trend.history(root, AS_OF, {"x": 50.0}, tmp_path / "cache") == points


def test_class_01_zwgk_diff_on_uncheckable_revisions_says_so_in_chinese(bad_history, monkeypatch):
    repo, _, commits = bad_history
    monkeypatch.chdir(repo)
    runner = CliRunner()
    for base, head, expected in (
        ("clean", "symlink", "符号链接"),
        ("restored", "no-scheme", "scheme.yml"),
        ("restored", "forged", "符号链接"),
    ):
        result = runner.invoke(cli, ["diff", commits[base], commits[head]])
        assert result.exit_code == 2 and isinstance(result.exception, SystemExit), (head, result.output)
        assert "错误：" in result.output and expected in result.output and "Traceback" not in result.output
    crash = runner.invoke(cli, ["diff", commits["restored"], commits["crash"]])
    assert isinstance(crash.exception, SystemExit) and crash.exit_code in (0, 1, 2), crash.output


def test_class_01_a_build_over_bad_history_succeeds_and_shows_the_gaps(bad_history, tmp_path):
    from conftest import build

    repo, root, commits = bad_history
    work = tmp_path / "repo"
    shutil.copytree(repo, work, symlinks=True)
    _git(work, "checkout", "-q", commits["restored"], "--", "catalog")  # the working tree checks clean
    (work / "catalog" / AMR / "powers/000125998000.yml").unlink()
    result = build(tmp_path / "site", work / "catalog")
    assert result.returncode == 0, result.stderr[-3000:]
    page = (tmp_path / "site/monitoring/index.html").read_text(encoding="utf-8")
    assert trend.GAP_LABEL in page


# ---- 4. Symlinks, devices and unbounded files --------------------------------------------------------


def test_class_04_symlinks_are_refused_and_named(tmp_path):
    root = _sample_copy(tmp_path / "catalog")
    outside = tmp_path / "outside"
    outside.mkdir()
    item = next((root / AMR / "powers").glob("*.yml"))
    secret = item.read_text(encoding="utf-8").replace(item.stem, "000125997000").replace("name: ", "name: 外部机密事项", 1)
    (outside / "000125997000.yml").write_text(secret, encoding="utf-8")
    (outside / "SECRET-FILE-NAME.yml").write_text("x: 1\n", encoding="utf-8")
    (root / AMR / "powers/000125997000.yml").symlink_to(outside / "000125997000.yml")
    (root / AMR / "powers/linked").symlink_to(outside)
    (root / AMR / "disclosure/2030.yml").symlink_to("/dev/zero")
    (root / "departments/340000-linked").symlink_to(root / AMR)
    (root / AMR / "annual/2031.yml").symlink_to("/etc/passwd")
    os.mkfifo(root / AMR / "disclosure/2029.yml")
    with open(root / AMR / "disclosure/2028.yml", "wb") as huge:  # sparse: over the limit, costs nothing
        huge.truncate(64 * 1024 * 1024 + 1)
    started = time.monotonic()
    result = run_check(root)
    assert time.monotonic() - started < 120
    by_rule: dict[str, set[str]] = {}
    for finding in result.findings:
        by_rule.setdefault(finding.rule, set()).add(finding.file)
    assert {
        f"{AMR}/powers/000125997000.yml",
        f"{AMR}/powers/linked",
        f"{AMR}/disclosure/2030.yml",
        "departments/340000-linked",
        f"{AMR}/annual/2031.yml",
    } <= by_rule["file.symlink"]
    assert f"{AMR}/disclosure/2029.yml" in by_rule["file.unreadable"]
    assert f"{AMR}/disclosure/2028.yml" in by_rule["file.too-large"]
    text = "\n".join(f.text() for f in result.findings)
    assert "SECRET-FILE-NAME" not in text and "外部机密事项" not in text and "root:" not in text
    assert all(item.name != "外部机密事项" for item in result.catalog.items)
    assert result.errors and all(f.is_error for f in result.findings if f.rule == "file.symlink")
    # The command line's cached path (fingerprint) and zwgk diff read the same files: bounded too.
    command = [sys.executable, "-m", "zwgk", "check", str(root), "--cache-dir", str(tmp_path / "cache")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 1 and "file.symlink" in done.stdout and "SECRET-FILE-NAME" not in done.stdout
    diffed = subprocess.run([sys.executable, "-m", "zwgk", "diff", str(SAMPLE), str(root)], capture_output=True, text=True, timeout=120)
    assert diffed.returncode in (0, 1) and "外部机密事项" not in diffed.stdout, diffed.stderr


def test_class_04_codeowners_and_new_never_go_through_a_link(tmp_path):
    repo = tmp_path / "repo"
    root = _sample_copy(repo / "catalog")
    (repo / ".github").mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_text("outside\n", encoding="utf-8")
    (repo / ".github/CODEOWNERS").symlink_to("/dev/zero")
    command = [sys.executable, "-m", "zwgk", "check", str(root), "--no-cache"]
    assert subprocess.run(command, capture_output=True, timeout=120, cwd=ROOT).returncode in (0, 1)
    (repo / ".github/CODEOWNERS").unlink()
    (repo / ".github/CODEOWNERS").symlink_to(outside)
    written = CliRunner().invoke(cli, ["codeowners", str(root)])
    assert written.exit_code == 0, written.output
    assert outside.read_text(encoding="utf-8") == "outside\n" and not (repo / ".github/CODEOWNERS").is_symlink()
    year = root / AMR / "disclosure/2027.yml"
    year.symlink_to(outside)
    result = CliRunner().invoke(
        cli, ["new", "entry", "--dept", "340000-amr", "--date", "2027-01-05", "--title", "链接测试", "--catalog", str(root)]
    )
    assert result.exit_code == 2 and "符号链接" in result.output, result.output
    assert outside.read_text(encoding="utf-8") == "outside\n"


# ---- 15. zwgk new entry on year files of every valid shape ----------------------------------------


def _new_entry(root: Path, title: str):
    args = ["new", "entry", "--dept", "340000-amr", "--date", "2026-11-20", "--title", title, "--catalog", str(root)]
    return CliRunner().invoke(cli, args)


def test_class_15_new_entry_writes_through_the_yaml_structure(tmp_path):
    import yaml

    from zwgk.catalog.loader import load_catalog

    source = (SAMPLE / AMR / "disclosure/2026.yml").read_text(encoding="utf-8")
    entries = yaml.safe_load(source)
    flow = json.dumps([{k: str(v) if isinstance(v, dt.date) else v for k, v in e.items()} for e in entries], ensure_ascii=False)
    indented = "".join("  " + line for line in source.splitlines(keepends=True))
    shapes = {
        "empty-flow": "[]\n",
        "empty-flow-no-newline": "[]",
        "flow": flow + "\n",
        "flow-trailing-comma": flow[:-1] + ",\n]\n",
        "document-end": "---\n" + source + "...\n",
        "indented": indented,
        "comments-only": "# 本年度目录\n",
        "no-final-newline": source.rstrip("\n"),
    }
    for name, text in shapes.items():
        root = _sample_copy(tmp_path / name)
        year = root / AMR / "disclosure/2026.yml"
        year.write_text(text, encoding="utf-8")
        before = [e.index for e in load_catalog(root, workers=1).entries_of("340000-amr")]
        result = _new_entry(root, f"形状测试{name}")
        assert result.exit_code == 0, (name, result.output)
        catalog = load_catalog(root, workers=1)
        assert not [r for r in catalog.reports if r.file.endswith("2026.yml")], (name, year.read_text(encoding="utf-8"))
        after = catalog.entries_of("340000-amr")
        assert [e.index for e in after][: len(before)] == before and after[-1].title == f"形状测试{name}", name
        if name in ("document-end", "no-final-newline", "comments-only"):
            kept = year.read_text(encoding="utf-8")
            assert kept.startswith(text.removesuffix("...\n")), name  # what was there is untouched
        if name in ("flow", "document-end", "indented"):
            assert run_check(root).errors == 0, name


def test_class_15_new_entry_refuses_what_it_cannot_write_safely(tmp_path):
    root = _sample_copy(tmp_path / "catalog")
    year = root / AMR / "disclosure/2026.yml"
    for text in ("index: 1\ntitle: 不是列表\n", "- index: [\n", "- a\n...\n- b\n"):
        year.write_text(text, encoding="utf-8")
        result = _new_entry(root, "拒绝测试")
        assert result.exit_code == 2 and "错误：" in result.output, (text, result.output)
        assert year.read_text(encoding="utf-8") == text
