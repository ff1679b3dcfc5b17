"""Property-based: generated catalogues pass clean; a single mutation is reported at the right place."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

from conftest import SMALL_PLAN, run_check, write_catalog
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mutations import MUTATIONS, expected_line

from zwgk.sample import generate as synth

# Mutations whose target the small generated catalogues always contain, and that write only inside
# the catalogue (dept.codeowners-stale writes beside it, outside a temporary folder's catalogue).
SAFE = sorted(rule for rule in MUTATIONS if rule not in ("file.too-large", "dept.codeowners-stale"))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), items=st.integers(40, 70), entries=st.integers(40, 120))
def test_generated_catalogues_pass_clean(seed, items, entries):
    plan = dataclasses.replace(SMALL_PLAN, seed=seed, items=items, entries=entries)
    with tempfile.TemporaryDirectory() as folder:
        result = run_check(write_catalog(synth.generate(plan), Path(folder)))
    assert [f.text() for f in result.findings] == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), rule_id=st.sampled_from(SAFE))
def test_single_mutation_is_reported_at_its_file_and_line(seed, rule_id):
    files = synth.generate(dataclasses.replace(SMALL_PLAN, seed=seed))
    rel, sentinel, occurrence = MUTATIONS[rule_id](files)
    with tempfile.TemporaryDirectory() as folder:
        root = write_catalog(files, Path(folder))
        line = expected_line(root, rel, sentinel, occurrence)
        findings = run_check(root).findings
    assert any(f.rule == rule_id and f.file == rel and f.line == line for f in findings), [f.text() for f in findings]
