"""The exports assembled from department parts (zwgk.site.export_parts, cached per department by the
build) are byte for byte the files exports.build_exports writes, and a part depends only on its
department: changing one entry changes one part."""

from __future__ import annotations

import gzip
import json
import shutil

from conftest import SAMPLE

from zwgk.build.outputs import EXPORT_MODULES, _department_keys, _shared_key, cached_annual
from zwgk.build.state import SiteBuild
from zwgk.monitoring import annual_export
from zwgk.monitoring.annual_export import ANNUAL_RESOURCE
from zwgk.rules.run import check
from zwgk.site import export_parts, exports
from zwgk.site.data import site_data
from zwgk.site.flowchart import RenderStats


def _data(root, site_url="https://example.org/zwgk/"):
    result = check(root)
    return result, site_data(result, site_url=site_url)


def test_parts_assemble_into_the_same_files_as_the_whole_export():
    _, data = _data(SAMPLE)
    whole = exports.build_exports(data, (ANNUAL_RESOURCE,))
    parts = [export_parts.department_part(data, dept_id) for dept_id in reversed(sorted(data.departments))]
    assembled = export_parts.assemble(data, parts, (ANNUAL_RESOURCE,))
    assert sorted(assembled) == sorted(whole)
    different = [path for path in whole if assembled[path] != whole[path]]
    # The JSON is packed in members, one per department's items and entries: the same JSON.
    assert different == [exports.JSON_EXPORT]
    assert gzip.decompress(assembled[exports.JSON_EXPORT]) == gzip.decompress(whole[exports.JSON_EXPORT])
    assert assembled[exports.JSON_EXPORT].count(b"\x1f\x8b\x08") > len(data.departments)


def test_the_packed_json_holds_the_entries_in_order_also_when_departments_interleave():
    _, data = _data(SAMPLE)
    parts = [export_parts.department_part(data, dept_id) for dept_id in sorted(data.departments)]
    first, second = [n for n, part in enumerate(parts) if len(part.entry_json) > 1][:2]  # 索引号 before all others, interleaved
    a, b = parts[first].entry_json, parts[second].entry_json
    parts[first] = parts[first]._replace(entry_json=[("!0", a[0][1]), ("!2", a[1][1])])
    parts[second] = parts[second]._replace(entry_json=[("!1", b[0][1]), ("!3", b[1][1])])
    assert export_parts._in_turn([part.entry_json for part in parts]) is None  # the ranges overlap
    written = json.loads(gzip.decompress(export_parts._packed_json(parts)))
    assert written["entries"][:4] == [json.loads(text) for text in (a[0][1], b[0][1], a[1][1], b[1][1])]
    assert len(written["entries"]) == sum(len(part.entry_json) for part in parts)
    assert len(written["items"]) == len(data.items) and len(written["departments"]) == len(data.departments)


def test_one_changed_entry_changes_one_department_key(tmp_path):
    import shutil

    shutil.copytree(SAMPLE, tmp_path / "catalog")
    result, data = _data(tmp_path / "catalog")
    before = _department_keys(result.catalog, _shared_key(result.catalog, EXPORT_MODULES, data.site_url), sorted(data.departments))
    path = sorted((tmp_path / "catalog").glob("departments/*/disclosure/*.yml"))[0]
    text = path.read_text(encoding="utf-8")
    assert "  title: " in text
    path.write_text(text.replace("  title: ", "  title: （修订）", 1), encoding="utf-8")
    result, data = _data(tmp_path / "catalog")
    after = _department_keys(result.catalog, _shared_key(result.catalog, EXPORT_MODULES, data.site_url), sorted(data.departments))
    assert [dept for dept in before if before[dept] != after[dept]] == [path.relative_to(tmp_path / "catalog").parts[1]]
    part = export_parts.department_part(data, path.relative_to(tmp_path / "catalog").parts[1])
    assert any("（修订）" in line for _, line in part.entry_lines)


def test_lists_by_index_merge_whether_or_not_their_ranges_overlap():
    disjoint = [[("b1", "B1"), ("b2", "B2")], [], [("a1", "A1"), ("a2", "A2")]]
    assert export_parts._by_index(disjoint) == ["A1", "A2", "B1", "B2"]
    overlapping = [[("a1", "A1"), ("c1", "C1")], [("b1", "B1"), ("d1", "D1")]]
    assert export_parts._by_index(overlapping) == ["A1", "B1", "C1", "D1"]
    touching = [[("a1", "A1"), ("b1", "B1x")], [("b1", "B1y"), ("c1", "C1")]]  # the same 索引号 twice: merged in list order
    assert export_parts._by_index(touching) == ["A1", "B1x", "B1y", "C1"]


def test_the_annual_exports_from_the_cache_are_the_fresh_ones_and_follow_a_changed_report(tmp_path, monkeypatch):
    monkeypatch.setenv("ZWGK_CACHE_DIR", str(tmp_path / "cache"))
    shutil.copytree(SAMPLE, tmp_path / "catalog")

    def build():
        result, data = _data(tmp_path / "catalog")
        return SiteBuild(result, data, [], RenderStats(charts=0, rendered=0)), data

    first, data = build()
    assert cached_annual(first) == annual_export.annual_files(data.annual)
    assert cached_annual(first) == annual_export.annual_files(data.annual)  # from the cache now
    path = sorted((tmp_path / "catalog").glob("departments/*/annual/*.yml"))[0]
    text = path.read_text(encoding="utf-8")
    assert "  summary: " in text
    path.write_text(text.replace("  summary: ", "  summary: 本年度补充说明。", 1), encoding="utf-8")
    changed, data = build()
    fresh = annual_export.annual_files(data.annual)
    assert "本年度补充说明".encode() in fresh["exports/annual.json"]
    assert cached_annual(changed) == fresh  # the changed report's files, not the kept ones


def test_a_feed_lists_the_newest_entries_in_the_order_of_the_pages():
    from zwgk.site.pages.common import latest

    _, data = _data(SAMPLE)
    feeds = exports.build_feeds(data)
    for path, entries in [("feeds/all.xml", data.entries), *((f"feeds/departments/{d}.xml", e) for d, e in data.entries_by_dept.items())]:
        shown = [
            line[len("<id>urn:zwgk:index:") : -len("</id>")]
            for line in feeds[path].decode().splitlines()
            if line.startswith("<id>urn:zwgk:index:")
        ]
        assert shown == [exports.escape(entry.index) for entry in latest(entries, exports.FEED_SIZE)]
        assert shown
