"""The threat model for history, files, processes and outputs (issue 10, classes 1, 3, 4, 9, 13-18).

A contributor's folder is untrusted, the built site is published, and builds run unattended in CI and
on a shared server. Each test is named after its class of the issue and fails without the fix: nothing
a pull request writes, and no fault of the machine (a killed build, a damaged file, a second build),
may break the build, a later build, the CI log or a reader's computer.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
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
from conftest import AS_OF, ROOT, SAMPLE, run_check

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
    _, root, _ = bad_history
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
    # A file that once crashed the loader is a finding now: the diff runs, or says in Chinese why not.
    assert (crash.exception is None or isinstance(crash.exception, SystemExit)) and crash.exit_code in (0, 1, 2), crash.output
    assert "Traceback" not in crash.output


def test_class_01_a_build_over_bad_history_succeeds_and_shows_the_gaps(bad_history, tmp_path):
    from conftest import build

    repo, _, commits = bad_history
    work = tmp_path / "repo"
    shutil.copytree(repo, work, symlinks=True)
    _git(work, "checkout", "-q", commits["restored"], "--", "catalog")  # the working tree checks clean
    (work / "catalog" / AMR / "powers/000125998000.yml").unlink()
    result = build(tmp_path / "site", work / "catalog")
    assert result.returncode == 0, result.stderr[-3000:]
    page = (tmp_path / "site/monitoring/index.html").read_text(encoding="utf-8")
    assert trend.GAP_LABEL in page


# ---- 4. Symlinks, devices and unbounded files --------------------------------------------------------


def _bounded(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    """A command that must finish quickly and in bounded memory (a file read without end would not)."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))

    return subprocess.run(command, capture_output=True, text=True, timeout=120, preexec_fn=limit, **kwargs)


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
    (root / "departments/340000-linked").symlink_to(root / AMR)
    (root / AMR / "annual/2031.yml").symlink_to("/etc/passwd")
    with open(root / AMR / "disclosure/2028.yml", "wb") as huge:  # sparse: over the limit, costs nothing
        huge.truncate(64 * 1024 * 1024 + 1)
    result = run_check(root)
    by_rule: dict[str, set[str]] = {}
    for finding in result.findings:
        by_rule.setdefault(finding.rule, set()).add(finding.file)
    assert {
        f"{AMR}/powers/000125997000.yml",
        f"{AMR}/powers/linked",
        "departments/340000-linked",
        f"{AMR}/annual/2031.yml",
    } <= by_rule.get("file.symlink", set()), by_rule
    assert f"{AMR}/disclosure/2028.yml" in by_rule["file.too-large"]
    text = "\n".join(f.text() for f in result.findings)
    assert "SECRET-FILE-NAME" not in text and "外部机密事项" not in text and "root:" not in text
    assert all(item.name != "外部机密事项" for item in result.catalog.items)
    assert result.errors and all(f.is_error for f in result.findings if f.rule == "file.symlink")
    # A link to a device and a named pipe: never read (in a bounded process, as they would hang).
    (root / AMR / "disclosure/2030.yml").symlink_to("/dev/zero")
    os.mkfifo(root / AMR / "disclosure/2029.yml")
    for cache in (["--no-cache"], ["--cache-dir", str(tmp_path / "cache")]):  # the cached path fingerprints every file
        done = _bounded([sys.executable, "-m", "zwgk", "check", str(root), *cache], cwd=ROOT)
        assert done.returncode == 1 and "SECRET-FILE-NAME" not in done.stdout, done.stderr[-2000:]
        assert f"{AMR}/disclosure/2030.yml:1:1: error file.symlink" in done.stdout
        assert f"{AMR}/disclosure/2029.yml:1:1: error file.unreadable" in done.stdout
    diffed = _bounded([sys.executable, "-m", "zwgk", "diff", str(SAMPLE), str(root)], cwd=ROOT)
    assert diffed.returncode in (0, 1) and "外部机密事项" not in diffed.stdout, diffed.stderr[-2000:]


def test_class_04_codeowners_and_new_never_go_through_a_link(tmp_path):
    repo = tmp_path / "repo"
    root = _sample_copy(repo / "catalog")
    (repo / ".github").mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_text("outside\n", encoding="utf-8")
    (repo / ".github/CODEOWNERS").symlink_to("/dev/zero")
    assert _bounded([sys.executable, "-m", "zwgk", "check", str(root), "--no-cache"], cwd=ROOT).returncode in (0, 1)
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


# ---- 3. CSV formula injection ------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example/","点这里")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\t=1+1", "\r=1+1"]


def _csv_cells(payload: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(payload.decode("utf-8-sig"), newline="")))


def test_class_03_every_csv_cell_is_neutralised_and_numbers_stay_numbers(tmp_path):
    import yaml

    from zwgk.monitoring.scorecards import SCORES_RESOURCE, scorecards, scores_csv
    from zwgk.site import exports
    from zwgk.site.data import site_data

    root = _sample_copy(tmp_path / "catalog")
    year = root / AMR / "disclosure/2026.yml"
    entries = yaml.safe_load(year.read_text(encoding="utf-8"))
    for entry, formula in zip(entries, FORMULAS, strict=False):
        entry["title"] = formula + "标题"
        entry["summary"] = formula
    year.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")
    dept = yaml.safe_load((root / AMR / "department.yml").read_text(encoding="utf-8"))
    dept["name"], dept["short_name"] = "=1+1市场监督管理局", "@市场监管局"
    (root / AMR / "department.yml").write_text(yaml.safe_dump(dept, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = run_check(root)
    site = site_data(result)
    files = exports.build_exports(site, (SCORES_RESOURCE,))
    files["exports/scores.csv"] = scores_csv(site, scorecards(site, result.findings))
    csvs = {path: _csv_cells(payload) for path, payload in files.items() if path.endswith(".csv")}
    assert len(csvs) > 3 and "exports/scores.csv" in csvs
    number = r"-?\d+(\.\d+)?"
    import re

    for path, rows in csvs.items():
        for row in rows:
            for cell in row:
                assert not cell.startswith(tuple("=+-@\t\r")) or re.fullmatch(number, cell), (path, cell)
    entry_cells = {cell for row in csvs["exports/entries.csv"] for cell in row}
    assert {"'" + f for f in FORMULAS} <= entry_cells  # kept whole, shown as text
    assert any("'@市场监管局" in row for row in csvs["exports/scores.csv"])
    assert any("'=1+1市场监督管理局" in row for row in csvs["exports/departments.csv"])
    # The build's check that nothing is lost counts the rows as it did.
    assert len(csvs["exports/entries.csv"]) - 1 == len(site.entries)
    # Numbers are not text: a negative number stays a number, a count stays digits.
    assert _csv_cells(exports.to_csv([("n", "n", "number")], [{"n": -5}, {"n": 2.5}])) == [["n"], ["-5"], ["2.5"]]
    # JSON and Atom are not spreadsheets: the text is published as written.
    titles = {entry["title"] for entry in json.loads(gzip.decompress(files["exports/catalogue.json.gz"]))["entries"]}
    assert {f + "标题" for f in FORMULAS} <= titles
    from xml.etree import ElementTree

    atom = "{http://www.w3.org/2005/Atom}"
    feed_titles = {
        title.text
        for path, payload in files.items()
        if path.startswith("feeds/") and "340000-amr" in path
        for title in ElementTree.fromstring(payload).iter(f"{atom}title")
    }
    assert FORMULAS[0] + "标题" in feed_titles and not any(title.startswith("'") for title in feed_titles)


# ---- 9. Forged workflow commands ---------------------------------------------------------------------

FORGED = "x\n::error file=scheme.yml,line=1::伪造的错误\r\n::stop-commands::token\n##[set-env name=A;]b\x1b[2J"


def _commands(output: str) -> list[str]:
    """Lines a GitHub runner would read as workflow commands."""
    lines = output.replace("\r", "\n").split("\n")
    return [line for line in lines if line.strip().startswith("::") or "##[" in line]


def test_class_09_text_output_never_forms_a_workflow_command(tmp_path):
    finding = Finding("departments/340000-amr/department.yml", 3, 1, "schema.unknown-key", Severity.WARNING, FORGED, FORGED)
    summary = Summary(1, 1, 0, 0, 0, 1)
    text = format_text([finding], summary)
    assert not _commands(text) and text.count("\n") == 2
    github = format_github([finding], summary, "catalog:x,y")
    command_lines = _commands(github)
    assert len(command_lines) == 1 and github.count("\n") == 2
    assert "file=catalog%3Ax%2Cy/departments/340000-amr/department.yml" in github
    assert "%0A::error file=scheme.yml" in github and "%0D%0A::stop-commands" in github
    assert "100%25" in format_github([Finding("a.yml", 1, 1, "r", Severity.ERROR, "", "100%")], summary)
    # Through the command line, with the text in a key of a real file.
    root = _sample_copy(tmp_path / "catalog")
    item = next((root / AMR / "powers").glob("*.yml"))
    forged_key = json.dumps(FORGED, ensure_ascii=True)
    item.write_text(item.read_text(encoding="utf-8") + f"{forged_key}: 1\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(root), "--no-cache"])
    assert "schema.unknown-key" in result.output and not _commands(result.output), result.output


# ---- 13. A damaged search index -------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_data():
    from zwgk.rules.run import check
    from zwgk.site.data import site_data

    return site_data(check(SAMPLE, cache_dir=None, workers=1))


def test_class_13_a_damaged_index_is_said_in_chinese_and_rebuilt(sample_data, tmp_path):
    from zwgk.search import index as search
    from zwgk.search import writer

    site = tmp_path / "site"
    site.mkdir()
    folder = search.index_dir(site)
    runner = CliRunner()
    missing = runner.invoke(cli, ["serve", "--site-dir", str(site), "--port", "0"])
    assert missing.exit_code == 2 and "没有检索索引" in missing.output, missing.output
    search.update_index(folder, sample_data)
    # A segment's files (one compound .seg, or the separate files zwgk writes: terms, postings, columns).
    for segment in [*folder.glob("*.seg"), *folder.glob("MAIN_*.trm"), *folder.glob("MAIN_*.pst"), *folder.glob("MAIN_*.col")]:
        os.truncate(segment, segment.stat().st_size // 2)
    searched = runner.invoke(cli, ["search", "许可", "--site-dir", str(site)])
    assert searched.exit_code == 2 and "已损坏" in searched.output and "zwgk index" in searched.output, searched.output
    assert "Aborted" not in searched.output
    served = runner.invoke(cli, ["serve", "--site-dir", str(site), "--port", "0"])
    assert served.exit_code == 2 and "已损坏" in served.output, served.output
    # What every build does (plan, write in the background, verify) rebuilds it.
    update = search.plan_update(folder, sample_data)
    assert "已损坏" in update.repaired and len(update.fresh) == len(sample_data.items) + len(sample_data.entries) + len(
        sample_data.departments
    )
    stats = writer.BackgroundUpdate(update).wait(timeout=300)
    assert search.verify_index(folder, sample_data, stats).documents == len(update.fresh)
    assert search.Searcher(folder).search("企业投资项目核准")[0].code == "000101001000"
    (folder / "zwgk-digests.pickle").write_bytes(b"\x80\x04damaged")
    indexed = runner.invoke(cli, ["index", str(SAMPLE), "--site-dir", str(site)])
    assert indexed.exit_code == 0 and f"更新 {len(update.fresh)} 条" in indexed.output, indexed.output


# ---- 14 and 9. Two builds into one site folder; the build log ------------------------------------


def _build_command(site: Path) -> list[str]:
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(site)]


def _build_env(folder: Path, catalog: Path) -> dict:
    return dict(os.environ, NO_MKDOCS_2_WARNING="1", ZWGK_CACHE_DIR=str(folder / "cache"), ZWGK_CATALOG=str(catalog))


def _locked(path: Path) -> bool:
    import fcntl

    if not path.exists():
        return False
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    return False


def test_class_14_a_second_build_into_the_same_site_is_refused_and_the_log_forges_nothing(tmp_path):
    root = _sample_copy(tmp_path / "catalog")
    item = next((root / AMR / "powers").glob("*.yml"))
    # One line of text may not hold a line break (an error since text.control-char), so the key that
    # tries to forge workflow commands here is one line: a warning that the build log echoes.
    forged = FORGED.replace("\n", " ").replace("\r", " ").replace("\x1b", " ")
    item.write_text(item.read_text(encoding="utf-8") + f"{json.dumps(forged, ensure_ascii=False)}: 1\n", encoding="utf-8")  # a warning
    site = tmp_path / "site"
    env = _build_env(tmp_path, root)
    first = subprocess.Popen(_build_command(site), env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        while not _locked(tmp_path / "site.lock") and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        second = subprocess.run(_build_command(site), env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
        output, _ = first.communicate(timeout=600)
    finally:
        first.kill()
    assert first.returncode == 0, output[-3000:]
    assert second.returncode == 1 and "另一个构建" in second.stderr and "正在写入" in second.stderr, second.stderr[-3000:]
    assert "Traceback" not in second.stderr
    assert "schema.unknown-key" in output and not _commands(output), [line for line in output.splitlines() if "::" in line]
    third = subprocess.run(_build_command(site), env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert third.returncode == 0, third.stderr[-3000:]  # the lock went with the first build


# ---- 16. SIGKILL of the build while the index writer runs ------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _writer_of(pid: int) -> int | None:
    for child in _children(pid):
        try:
            if b"zwgk.search.writer" in Path(f"/proc/{child}/cmdline").read_bytes():
                return child
        except OSError:
            continue
    return None


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_class_16_the_index_writer_dies_with_a_killed_build(tmp_path):
    import dataclasses
    import tempfile

    from zwgk.sample import generate as synth
    from zwgk.sample.plan import SAMPLE_PLAN

    # Many entries and few items: the writer has seconds of work while the build is short, so the
    # test sees it running (with the small sample it can finish before a loaded machine looks).
    plan = dataclasses.replace(SAMPLE_PLAN, provincial=2, cities=1, items=40, entries=8000)
    catalog = tmp_path / "catalog"
    synth.write(synth.generate(plan), catalog, "")
    site = tmp_path / "site"
    env = _build_env(tmp_path, catalog)
    log = tmp_path / "build.log"
    with open(log, "wb") as output:
        build = subprocess.Popen(_build_command(site), env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
    writer = None
    deadline = time.monotonic() + 300
    while writer is None and build.poll() is None and time.monotonic() < deadline:
        writer = _writer_of(build.pid)
        time.sleep(0.02)
    assert writer, f"the build never started its index writer (exit {build.poll()}):\n{log.read_text(errors='replace')[-3000:]}"
    time.sleep(0.5)  # into the writer's work
    os.kill(build.pid, signal.SIGKILL)
    build.wait()
    gone_by = time.monotonic() + 3
    while _running(writer) and time.monotonic() < gone_by:
        time.sleep(0.05)
    alive = _running(writer)
    if alive:
        os.kill(writer, signal.SIGKILL)
    assert not alive, "the index writer outlived its build"
    again = subprocess.run(_build_command(site), env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-3000:]
    assert not list(Path(tempfile.gettempdir()).glob(f"zwgk-index-{build.pid}-*.pickle"))  # its plan is removed


# ---- 17. Flowchart cache files ------------------------------------------------------------------------


def test_class_17_damaged_flowchart_cache_files_are_rendered_again(tmp_path):
    from zwgk.catalog.loader import load_catalog
    from zwgk.site.flowchart import dot_source, is_svg, render_all

    distinct = {dot_source(i): i for i in load_catalog(SAMPLE, workers=1).items if i.flow}  # one file per distinct chart
    charts = {f"{i.dept_id}/{i.basic_code}": (i.label, source) for source, i in list(distinct.items())[:3]}
    first, stats = render_all(charts, tmp_path)
    cached = sorted((tmp_path / "flowcharts").glob("*/*.svg"))
    assert stats.rendered == len(cached) == 3 and all(is_svg(svg) for svg in first.values())
    assert not list((tmp_path / "flowcharts").glob("*/.*"))  # no temporary file left behind
    half = cached[0].read_text(encoding="utf-8")
    cached[0].write_text(half[: len(half) // 2], encoding="utf-8")  # as a build killed mid-write left it
    cached[1].write_text("", encoding="utf-8")
    cached[2].write_text("<html>不是 SVG</html>", encoding="utf-8")
    second, stats = render_all(charts, tmp_path)
    assert stats.rendered == 3 and set(second) == set(first) and all(is_svg(svg) and "</svg>" in svg for svg in second.values())
    assert all(is_svg(path.read_text(encoding="utf-8")) for path in cached)


# ---- 18. zwgk serve against hostile clients ------------------------------------------------------------


@pytest.fixture(scope="module")
def server(sample_data, tmp_path_factory):
    import threading

    from zwgk.search import index as search
    from zwgk.search.server import make_server

    site = tmp_path_factory.mktemp("served") / "site"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>首页</title>", encoding="utf-8")
    search.update_index(search.index_dir(site), sample_data)
    served = make_server(site, port=0, timeout=1.0)
    thread = threading.Thread(target=served.serve_forever, daemon=True)
    thread.start()
    yield served.server_address[1]
    served.shutdown()


def _exchange(port: int, request: bytes, timeout: float = 5.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(request)
        chunks = []
        while True:
            chunk = connection.recv(65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def test_class_18_hostile_requests_get_a_chinese_400_and_idle_clients_are_dropped(server, capfd):
    english = ("Traceback", "invalid literal", "embedded null", "Bad request", "Max number", "Error code")
    for request in (
        b"GET /%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"GET /a%00b/index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"GET /api/search?q=%E8%AE%B8%E5%8F%AF&limit=abc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"GET /api/search?" + b"&".join(b"a%d=1" % n for n in range(40)) + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"GARBAGE\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
    ):
        answer = _exchange(server, request).decode("utf-8", errors="replace")
        head, _, body = answer.partition("\r\n\r\n") if answer.startswith("HTTP/") else ("HTTP/0.9 400", "", answer)
        assert head.split(" ")[1] in ("400", "505"), (request, answer)
        assert any("\u4e00" <= char <= "\u9fff" for char in body) and not any(word in answer for word in english), (request, answer)
    started = time.monotonic()
    assert _exchange(server, b"GET / HT") == b""  # half a request, then silence: disconnected
    assert _exchange(server, b"") == b""
    assert time.monotonic() - started < 4
    assert b"200 OK" in _exchange(server, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")  # still serving
    assert "Traceback" not in capfd.readouterr().err
