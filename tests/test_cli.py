"""The `zwgk` command line, its exit codes and its output forms (a contract other tools read)."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner
from conftest import SAMPLE, write_catalog
from mutations import MUTATIONS

from zwgk.cli import cli

AS_OF = ["--as-of", "2026-11-26", "--no-cache"]


def invoke(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_sample_catalogue_has_no_errors():
    # The sample's lagging departments have warnings on purpose (tests/test_catalogues.py); no errors.
    result = invoke("check", str(SAMPLE), *AS_OF)
    assert result.exit_code == 0, result.output
    assert re.search(r"0 个错误，\d+ 个警告", result.output)


def test_exit_1_with_errors_and_text_lines(fresh_files, tmp_path):
    MUTATIONS["code.uscc-checksum"](fresh_files)
    root = write_catalog(fresh_files, tmp_path)
    result = invoke("check", str(root), *AS_OF)
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert re.match(r"^departments/[^:]+/department\.yml:\d+:\d+: error code\.uscc-checksum .+：.+", first), first


def test_warnings_alone_exit_0(fresh_files, tmp_path):
    MUTATIONS["entry.doc-number"](fresh_files)
    result = invoke("check", str(write_catalog(fresh_files, tmp_path)), *AS_OF)
    assert result.exit_code == 0 and "warning entry.doc-number" in result.output


def test_exit_2_when_it_cannot_run(tmp_path):
    assert invoke("check", str(tmp_path / "missing")).exit_code == 2
    assert invoke("check", str(tmp_path)).exit_code == 2  # no scheme.yml


def test_json_form(fresh_files, tmp_path):
    MUTATIONS["flow.unknown-target"](fresh_files)
    result = invoke("check", str(write_catalog(fresh_files, tmp_path)), "--format", "json", *AS_OF)
    payload = json.loads(result.output)
    assert set(payload) == {"findings", "summary"}
    assert set(payload["summary"]) == {"files", "departments", "items", "entries", "errors", "warnings"}
    finding = next(f for f in payload["findings"] if f["rule"] == "flow.unknown-target")
    assert set(finding) == {"rule", "severity", "file", "line", "column", "record", "message"}
    assert finding["file"].startswith("departments/") and finding["line"] > 1 and finding["record"]
    assert payload["summary"]["errors"] == len([f for f in payload["findings"] if f["severity"] == "error"])


def test_github_form(fresh_files, tmp_path, monkeypatch):
    MUTATIONS["code.uscc-checksum"](fresh_files)
    write_catalog(fresh_files, tmp_path / "catalog")
    monkeypatch.chdir(tmp_path)
    result = invoke("check", "catalog", "--format", "github", *AS_OF)
    line = result.output.splitlines()[0]
    assert re.match(r"^::error file=catalog/departments/[^,]+/department\.yml,line=\d+,col=\d+,title=code\.uscc-checksum::", line), line


def test_rule_command_prints_the_docs():
    result = invoke("rule", "index.duplicate")
    assert result.exit_code == 0 and "检查：" in result.output and "修正：" in result.output
    assert invoke("rule", "no.such-rule").exit_code == 2


def test_rules_list_json():
    payload = json.loads(invoke("rules", "--format", "json").output)
    assert len(payload) >= 60 and {"rule", "severity", "family", "title"} <= set(payload[0])


def test_python_dash_m_entry_point():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "zwgk", "--help"], capture_output=True, text=True, check=True)
    assert "check" in result.stdout


def test_unchanged_catalogue_is_answered_from_the_cache_and_a_change_is_seen(fresh_files, tmp_path):
    from zwgk.sample import generate as synth

    root = write_catalog(fresh_files, tmp_path / "catalog")
    cache = ["--cache-dir", str(tmp_path / "cache"), "--as-of", "2026-11-26"]
    assert invoke("check", str(root), *cache).exit_code == 0
    assert invoke("check", str(root), *cache).exit_code == 0
    assert list((tmp_path / "cache" / "results").rglob("*.pickle"))
    rel, _, _ = MUTATIONS["entry.url-scheme"](fresh_files)
    original = (root / rel).read_text(encoding="utf-8")
    (root / rel).write_text(synth.dump(fresh_files[rel]), encoding="utf-8")
    changed = invoke("check", str(root), *cache)
    assert changed.exit_code == 1 and "entry.url-scheme" in changed.output
    (root / rel).write_text(original, encoding="utf-8")
    assert invoke("check", str(root), *cache).exit_code == 0
