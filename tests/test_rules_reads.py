"""Whole-catalogue rules kept by what they read (zwgk.rules.reads): after any change, a check on the
caches of an earlier one gives exactly the findings of a check without any cache, including the
cross-record findings the change creates or removes, and runs again only the rules that can see it."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from conftest import AS_OF, write_catalog

from zwgk import rules
from zwgk.catalog import codeowners
from zwgk.catalog.loader import load_catalog
from zwgk.rules.reads import READS
from zwgk.rules.run import check
from zwgk.sample import generate as synth


def _write(root: Path, files: dict) -> None:
    for rel, value in files.items():
        (root / rel).write_text(synth.dump(value), encoding="utf-8")


def _disclosure(files: dict) -> str:
    return next(rel for rel in sorted(files) if "/disclosure/" in rel and len(files[rel]) >= 4)


def _same_as_cold(root: Path, cache: Path) -> list:
    incremental = check(root, as_of=AS_OF, cache_dir=cache, workers=1).findings
    cold = check(root, as_of=AS_OF, cache_dir=None, workers=1).findings
    assert incremental == cold
    return incremental


def _kept(cache: Path) -> set[Path]:
    return set((cache / "catalogue-rules").rglob("*.pickle"))


def test_every_whole_catalogue_rule_says_what_it_reads():
    catalogue = {rule.id for rule in rules.all_rules() if rule.scope == "catalog"}
    assert set(READS) == catalogue


def test_a_gap_made_and_filled_and_a_title_changed_under_a_rule_that_does_not_read_titles(fresh_files, tmp_path):
    root, cache = write_catalog(fresh_files, tmp_path / "catalog"), tmp_path / "cache"
    assert not [f for f in _same_as_cold(root, cache) if f.rule == "index.serial-gap"]
    rel = _disclosure(fresh_files)
    changed = copy.deepcopy(fresh_files)
    prefix, _, serial = changed[rel][1]["index"].rpartition("-")
    changed[rel][1]["index"] = f"{prefix}-{int(serial) + 2:05d}"  # two serials of its period skipped
    _write(root, changed)
    gaps = [f for f in _same_as_cold(root, cache) if f.rule == "index.serial-gap"]
    assert gaps, "skipping serials makes a gap"
    # The entry the gap is reported on gets a new title: index.serial-gap does not read titles, so
    # it is not run again, yet its finding names the entry by its new title.
    gap = ([f for f in gaps if f.file == rel] or gaps)[0]
    number = next(n for n, entry in enumerate(changed[gap.file]) if entry["index"] in gap.record)
    changed[gap.file][number]["title"] = "关于序号核对的通知（修订）"
    before = _kept(cache)
    _write(root, changed)
    findings = _same_as_cold(root, cache)
    assert any(f.rule == "index.serial-gap" and "关于序号核对的通知（修订）" in f.record for f in findings)
    assert len(_kept(cache) - before) == 1  # index.duplicate reads titles and ran again; nothing else did
    _write(root, fresh_files)
    assert not [f for f in _same_as_cold(root, cache) if f.rule == "index.serial-gap"]


def test_a_duplicate_made_renamed_and_removed(fresh_files, tmp_path):
    root, cache = write_catalog(fresh_files, tmp_path / "catalog"), tmp_path / "cache"
    _same_as_cold(root, cache)
    rel = _disclosure(fresh_files)
    changed = copy.deepcopy(fresh_files)
    changed[rel][3]["index"] = changed[rel][0]["index"]
    _write(root, changed)
    (duplicate,) = [f for f in _same_as_cold(root, cache) if f.rule == "index.duplicate"]
    assert changed[rel][0]["title"] in duplicate.message
    # The earlier entry's title is in the message: a new title must show.
    changed[rel][0]["title"] = "关于重复索引号核对的通知"
    _write(root, changed)
    (duplicate,) = [f for f in _same_as_cold(root, cache) if f.rule == "index.duplicate"]
    assert "关于重复索引号核对的通知" in duplicate.message
    _write(root, fresh_files)
    assert not [f for f in _same_as_cold(root, cache) if f.rule == "index.duplicate"]


@pytest.mark.parametrize("field", ["interprets", "publisher", "genre"])
def test_cross_record_fields_changed_and_restored(fresh_files, tmp_path, field):
    root, cache = write_catalog(fresh_files, tmp_path / "catalog"), tmp_path / "cache"
    base = _same_as_cold(root, cache)
    rel = _disclosure(fresh_files)
    changed = copy.deepcopy(fresh_files)
    value = {"interprets": "1134000000010001XX/202501-09999", "publisher": "３４００００-fgw", "genre": "０６"}[field]
    changed[rel][2][field] = value
    _write(root, changed)
    assert _same_as_cold(root, cache) != base
    _write(root, fresh_files)
    assert _same_as_cold(root, cache) == base


def test_item_names_across_departments(fresh_files, tmp_path):
    """Two departments' items of one basic code: a new name in one makes item.name-conflict."""
    root, cache = write_catalog(fresh_files, tmp_path / "catalog"), tmp_path / "cache"
    assert not [f for f in _same_as_cold(root, cache) if f.rule == "item.name-conflict"]
    by_code: dict[str, list[str]] = {}
    for rel in sorted(fresh_files):
        if "/powers/" in rel:
            by_code.setdefault(rel.rsplit("/", 1)[1], []).append(rel)
    rel = next(rels for rels in by_code.values() if len(rels) > 1)[0]
    changed = copy.deepcopy(fresh_files)
    changed[rel] = dict(changed[rel], name=changed[rel]["name"] + "（另名）")
    _write(root, changed)
    assert [f.file for f in _same_as_cold(root, cache) if f.rule == "item.name-conflict"] == [rel]
    _write(root, fresh_files)
    assert not [f for f in _same_as_cold(root, cache) if f.rule == "item.name-conflict"]


def test_a_merged_items_successor_cancelled_in_its_own_file(fresh_files, tmp_path):
    """item.successor-unknown is a per-file rule that reads another file's item: changing only the
    successor's file must still bring the merged item's finding, as a check without cache does."""
    root, cache = write_catalog(fresh_files, tmp_path / "catalog"), tmp_path / "cache"
    by_dept: dict[str, list[str]] = {}
    for rel, value in sorted(fresh_files.items()):
        if "/powers/" in rel and isinstance(value, dict) and value.get("status", "有效") == "有效" and value["basic_code"].endswith("000"):
            by_dept.setdefault(rel.split("/")[1], []).append(rel)
    merged, successor = next(rels for rels in by_dept.values() if len(rels) >= 2)[:2]
    changed = copy.deepcopy(fresh_files)
    changed[merged] |= {"status": "已合并", "replaced_by": changed[successor]["basic_code"]}
    _write(root, changed)
    assert not [f for f in _same_as_cold(root, cache) if f.rule == "item.successor-unknown" and f.file == merged]
    changed[successor]["status"] = "已取消"
    _write(root, {successor: changed[successor]})
    (finding,) = [f for f in _same_as_cold(root, cache) if f.rule == "item.successor-unknown" and f.file == merged]
    assert "本身已取消" in finding.message


def test_the_same_catalogue_in_folders_of_other_names_shares_no_codeowners_result(fresh_files, tmp_path):
    """CODEOWNERS lines name the catalogue's folder (/catalog/departments/…): a catalogue under
    another name, checked with the same cache, is held to its own lines."""
    cache, lines = tmp_path / "cache", None
    for repo, name in (("a", "catalog"), ("b", "catalogx")):
        root = write_catalog(fresh_files, tmp_path / repo / name)
        lines = lines or codeowners.render(root, load_catalog(root).departments)  # written for /catalog/
        (tmp_path / repo / ".github").mkdir()
        (tmp_path / repo / ".github" / "CODEOWNERS").write_text(lines, encoding="utf-8")
        for whole in (True, False):
            incremental = check(root, as_of=AS_OF, cache_dir=cache, workers=1, records=whole).findings
            assert incremental == check(root, as_of=AS_OF, cache_dir=None, workers=1, records=whole).findings
    stale = [f for f in incremental if f.rule == "dept.codeowners-stale"]
    assert stale, "the lines written for /catalog/ are stale under /catalogx/"
