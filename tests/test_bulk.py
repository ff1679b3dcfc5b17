"""The national engine's bulk file (zwgk/site/bulk.py, `zwgk export bulk`): its shape, read back
line by line. No search server runs here; the file and mapping are checked against the _bulk layout."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

from conftest import ROOT, SITE_URL, run_check, write_catalog

from zwgk.catalog.codes import implementation_code
from zwgk.site import bulk
from zwgk.site.data import site_data


def _parse(lines: list[str]) -> list[tuple[str, str, dict | None]]:
    """(action, _id, source or None) per record; fails on a line that breaks the layout."""
    records, at = [], 0
    while at < len(lines):
        action = json.loads(lines[at])
        assert len(action) == 1, lines[at]
        ((verb, meta),) = action.items()
        assert verb in ("index", "delete") and set(meta) == {"_id"}, lines[at]
        if verb == "index":
            source = json.loads(lines[at + 1])
            assert "index" not in source and "delete" not in source  # a source line, not another action
            assert source["code"] == meta["_id"]
            records.append((verb, meta["_id"], source))
            at += 2
        else:
            records.append((verb, meta["_id"], None))
            at += 1
    return records


def _lines(root) -> list[str]:
    return list(bulk.bulk_lines(site_data(run_check(root), site_url=SITE_URL)))


def test_every_record_once_with_tombstones_for_records_that_left(fresh_files, tmp_path):
    root = write_catalog(fresh_files, tmp_path / "catalog")
    site = site_data(run_check(root), site_url=SITE_URL)
    lines = list(bulk.bulk_lines(site))
    assert all(line.endswith("\n") and "\n" not in line[:-1] for line in lines)
    records = _parse(lines)
    ids = [record_id for _, record_id, _ in records]
    assert len(ids) == len(set(ids)) == len(site.items) + len(site.entries)
    expected = {}
    for item in site.items:
        dept = site.departments[item.dept_id]
        gone = item.status in ("已取消", "已合并")
        expected[implementation_code(item.basic_code, dept.region, dept.uscc)] = "delete" if gone else "index"
    for entry in site.entries:
        expected[entry.index] = "delete" if entry.validity in ("失效", "废止") else "index"
    assert {record_id: verb for verb, record_id, _ in records} == expected
    verbs = [verb for verb, _, _ in records]
    assert verbs.count("delete") > 0 and verbs.count("index") > 0
    kinds = {source["kind"] for _, _, source in records if source}
    assert kinds == {"item", "entry"}
    for _, _, source in records:
        if source:
            assert source["url"].startswith(SITE_URL)
            for field in ("date", "published", "updated"):
                if field in source:
                    dt.date.fromisoformat(source[field])


def test_repealed_entry_becomes_a_tombstone_and_ids_are_stable(fresh_files, tmp_path):
    first = _lines(write_catalog(fresh_files, tmp_path / "first"))
    assert first == _lines(write_catalog(fresh_files, tmp_path / "again"))  # same catalogue, same file
    rel = next(rel for rel in sorted(fresh_files) if "/disclosure/" in rel)
    entry = next(e for e in fresh_files[rel] if e.get("validity", "有效") == "有效")
    entry["validity"] = "废止"
    entry["title"] = "（已废止）" + entry["title"]
    changed = _parse(_lines(write_catalog(fresh_files, tmp_path / "changed")))
    before = {record_id: verb for verb, record_id, _ in _parse(first)}
    after = {record_id: verb for verb, record_id, _ in changed}
    assert set(before) == set(after)  # ids come from codes, not from titles or order
    assert before[entry["index"]] == "index" and after[entry["index"]] == "delete"
    assert [k for k in after if after[k] != before[k]] == [entry["index"]]


def test_mapping_names_every_field_and_a_chinese_analyzer(fresh_files, tmp_path):
    mapping = json.loads(json.dumps(bulk.mapping()))
    properties = mapping["mappings"]["properties"]
    assert mapping["mappings"]["dynamic"] == "strict"
    used = set()
    for _, _, source in _parse(_lines(write_catalog(fresh_files, tmp_path / "catalog"))):
        used |= set(source or {})
    assert used <= set(properties), used - set(properties)
    assert properties["title"]["analyzer"] == "ik_max_word" and properties["title"]["search_analyzer"] == "ik_smart"
    for field in ("code", "dept_id", "basic_code", "power_type", "topic", "genre", "validity", "status", "region"):
        assert properties[field]["type"] == "keyword", field
    for field in ("date", "published", "updated"):
        assert properties[field]["type"] == "date", field


def test_export_bulk_command_writes_both_files(fresh_files, tmp_path):
    root = write_catalog(fresh_files, tmp_path / "catalog")
    out = tmp_path / "exports"
    command = [sys.executable, "-m", "zwgk", "export", "bulk", str(root), "--output-dir", str(out), "--site-url", SITE_URL]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env={"ZWGK_CACHE_DIR": str(tmp_path / "cache"), "PATH": ""})
    assert done.returncode == 0, done.stderr
    lines = (out / "bulk.ndjson").read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines == _lines(root)
    assert json.loads((out / "bulk-mapping.json").read_text(encoding="utf-8")) == bulk.mapping()
