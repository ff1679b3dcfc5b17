"""Every rule has a test that triggers it (at the right file, line and column) and a clean twin."""

from __future__ import annotations

import pytest
from conftest import run_check, write_catalog
from mutations import MUTATIONS, expected_line

from zwgk import rules


def test_generated_catalogue_is_clean(fresh_files, tmp_path):
    result = run_check(write_catalog(fresh_files, tmp_path))
    assert [finding.text() for finding in result.findings] == []
    assert result.summary.items == 40 and result.summary.entries == 80


def test_every_rule_has_a_triggering_case():
    assert sorted(MUTATIONS) == sorted(rule.id for rule in rules.all_rules())


@pytest.mark.parametrize("rule_id", sorted(MUTATIONS))
def test_rule_triggers_at_the_right_place(rule_id, fresh_files, tmp_path):
    rel, sentinel, occurrence = MUTATIONS[rule_id](fresh_files)
    root = write_catalog(fresh_files, tmp_path / "repo" / "catalog")
    result = run_check(root)
    line = expected_line(root, rel, sentinel, occurrence)
    hits = [f for f in result.findings if f.rule == rule_id]
    assert hits, f"{rule_id} not reported; got {[f.text() for f in result.findings]}"
    placed = [f for f in hits if f.file == rel and f.line == line]
    assert placed, f"{rule_id} expected at {rel}:{line}, got {[f.text() for f in hits]}"
    finding = placed[0]
    assert finding.severity is rules.get(rule_id).severity
    assert finding.column >= (0 if line == 0 else 1)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in finding.message), "messages are in Chinese"


@pytest.mark.parametrize("rule_id", sorted(MUTATIONS))
def test_rule_is_silent_on_the_clean_twin(rule_id, small_files, tmp_path):
    # The clean twin of every case is the unmutated catalogue: this rule must not fire on it.
    result = run_check(write_catalog(small_files, tmp_path))
    assert not [f for f in result.findings if f.rule == rule_id]


def test_rule_docs_have_every_part():
    for rule in rules.all_rules():
        doc = rule.doc
        assert doc.what and doc.why and doc.example and doc.fix, f"{rule.id} lacks a documentation part"


def test_column_points_at_the_value(fresh_files, tmp_path):
    rel, sentinel, _occurrence = MUTATIONS["code.uscc-checksum"](fresh_files)
    root = write_catalog(fresh_files, tmp_path)
    finding = next(f for f in run_check(root).findings if f.rule == "code.uscc-checksum")
    text = (root / rel).read_text(encoding="utf-8").split("\n")[finding.line - 1]
    assert text[finding.column - 1 :].startswith(sentinel)
