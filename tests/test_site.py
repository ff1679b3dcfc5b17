"""The MkDocs build runs the same check: a catalogue with errors fails the build, warnings do not."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT, write_catalog
from mutations import MUTATIONS

from zwgk import rules


def build(site_dir, catalog=None):
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", ZWGK_CACHE_DIR=str(site_dir.parent / "cache"))
    if catalog is not None:
        env["ZWGK_CATALOG"] = str(catalog)
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(site_dir)]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)


def test_sample_site_builds_with_the_rules_reference(tmp_path):
    result = build(tmp_path / "site")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site/contributing/rules/index.html").read_text(encoding="utf-8")
    for rule in rules.all_rules():
        assert rule.id in page


def test_errors_fail_the_build_with_the_findings(fresh_files, tmp_path):
    MUTATIONS["index.duplicate"](fresh_files)
    catalog = write_catalog(fresh_files, tmp_path / "catalog")
    result = build(tmp_path / "site", catalog)
    assert result.returncode != 0
    assert "index.duplicate" in result.stderr + result.stdout
    assert not (tmp_path / "site/index.html").exists()


def test_warnings_do_not_fail_the_build(fresh_files, tmp_path):
    MUTATIONS["entry.doc-number"](fresh_files)
    result = build(tmp_path / "site", write_catalog(fresh_files, tmp_path / "catalog"))
    assert result.returncode == 0, result.stderr
    assert "entry.doc-number" in result.stderr + result.stdout
