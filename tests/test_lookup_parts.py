"""The code lookups, the browser's first pass and the 索引号 redirect pages are assembled from parts
kept per department (zwgk.build.outputs.cached_lookups): one changed entry recomputes one part, and
the assembled files are byte for byte those computed from scratch, although the document numbers
after the changed record move."""

from __future__ import annotations

import json
import shutil
import sys
from collections import defaultdict
from typing import NamedTuple

from conftest import SAMPLE

from zwgk.build.outputs import cached_lookups
from zwgk.build.state import SiteBuild
from zwgk.catalog.cache import PickleCache
from zwgk.rules.run import check
from zwgk.site import lookup_parts, prefix_lookup, record_chunks, static_search, title_index, urls
from zwgk.site.data import site_data
from zwgk.site.flowchart import RenderStats
from zwgk.site.lookup import normalise_code, shard_of
from zwgk.site.pages.catalogue import index_resolvers


def _build(root) -> SiteBuild:
    result = check(root)
    return SiteBuild(result, site_data(result, site_url="https://example.org/zwgk/"), [], RenderStats(charts=0, rendered=0))


def _plain_code_shards(site, shards: int) -> dict[str, bytes]:
    """The files of codes/ as the plain functions compute them, record by record over the whole
    catalogue (title_index.numbered and title_files, prefix_lookup.prefix_shards): what the parts'
    assembly must equal."""
    records = title_index.numbered(site)
    grouped: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    named = [(normalise_code(code), docnum) for docnum, record in enumerate(records) for code in record["codes"]]
    named += [(key, record) for dept_id in site.departments for key, _, record in lookup_parts._named(site, dept_id)]
    for key, value in named:
        grouped[shard_of(key, shards)][key].append(value)
    dumps = lookup_parts.compact_json
    files = {f"codes/{n}.json": dumps(grouped.get(n, {})).encode() for n in range(shards)}
    departments = [[d.dept_id, d.name, d.short_name, d.level, d.uscc, urls.department(d.dept_id)] for d in site.departments.values()]
    prefixes, prefix_files = prefix_lookup.prefix_shards(records)
    first_pass, title_files = title_index.title_files(site, records)
    settings = {"shards": shards, "prefix_shards": prefixes, "synonyms": site.scheme.synonyms, "departments": departments}
    settings["rows_per_page"] = urls.ROWS_PER_PAGE
    return files | prefix_files | title_files | {"codes/search.json": dumps(settings | first_pass).encode()}


def _from_scratch(build: SiteBuild, shards: int) -> dict[str, bytes]:
    files = {path: html.encode() for path, html in index_resolvers(build.data).items()}
    files.update(_plain_code_shards(build.data, shards))
    return files


def _docnums(files: dict[str, bytes]) -> dict[str, int]:
    """URL -> document number, from the record chunks."""
    found = {}
    named = record_chunks.named_departments(json.loads(files["codes/search.json"])["departments"])
    for path, content in files.items():
        if path.startswith(record_chunks.RECORD_DIR + "/"):
            start = int(path.rsplit("/", 1)[1].split(".")[0]) * record_chunks.RECORDS_PER_CHUNK
            found |= {record_chunks.full_record(record, named)["url"]: start + n for n, record in enumerate(json.loads(content))}
    return found


def test_one_changed_entry_recomputes_one_department_and_the_files_equal_a_fresh_build(tmp_path, monkeypatch):
    monkeypatch.setenv("ZWGK_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "catalog"
    shutil.copytree(SAMPLE, root)
    build = _build(root)
    shards = static_search.shard_count(len(build.data.items) * 2 + len(build.data.entries) * 2)
    before = cached_lookups(build, shards)
    assert build.counts["lookup_parts"] == len(lookup_parts.part_ids(build.data)) > 5
    assert before == _from_scratch(build, shards)

    # The first entry's title of a department in the middle, made to sort after its peers: the
    # document numbers between its old and its new place move by one.
    path = sorted(root.glob("departments/*/disclosure/*.yml"))[len(list(root.glob("departments/*"))) // 2]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  title: ", "  title: （修订）", 1), encoding="utf-8")
    build = _build(root)
    after = cached_lookups(build, shards)
    assert build.counts["lookup_parts"] == 1
    expected = _from_scratch(build, shards)
    assert sorted(after) == sorted(expected)
    assert [p for p in expected if after[p] != expected[p]] == []
    old, new = _docnums(before), _docnums(after)
    assert sum(old[url] != new[url] for url in old) > 1  # the numbers did move
    # Only the first pass's files that hold a moved record were written again (zwgk.site.lookup_delta).
    first_pass = [p for p in expected if p.startswith(("codes/title/", "codes/records/"))]
    assert 0 < build.counts["first_pass_rebuilt"] < len(first_pass) / 2
    assert sum(before.get(p) != after[p] for p in first_pass) <= build.counts["first_pass_rebuilt"]

    # Nothing changed: the assembled files come back whole, no part is recomputed.
    build = _build(root)
    assert cached_lookups(build, shards) == expected and "lookup_parts" not in build.counts


def test_parts_in_any_order_give_the_files_of_the_plain_functions():
    result = check(SAMPLE)
    data = site_data(result)
    parts = [lookup_parts.lookup_part(data, dept_id) for dept_id in reversed(lookup_parts.part_ids(data))]
    whole = _plain_code_shards(data, 8)
    assert static_search.code_shards(data, 8) == whole
    assert lookup_parts.code_files(data, 8, parts) == whole
    # The plain functions give the same again (`numbered` sets the records' `lead` and `twins` afresh).
    assert _plain_code_shards(data, 8) == whole


class _Part(NamedTuple):
    records: list


def test_a_part_kept_by_another_version_of_its_class_is_a_miss(tmp_path, monkeypatch):
    """A part whose class has gained fields since it was kept cannot be unpickled: it is computed
    again, the build does not fail."""
    cache = PickleCache(tmp_path, "parts")
    cache.put("ab" * 32, _Part([1]))
    assert cache.get("ab" * 32) == _Part([1])

    class _Grown(NamedTuple):
        records: list
        packed: bytes

    monkeypatch.setattr(sys.modules[__name__], "_Part", _Grown)
    assert cache.get("ab" * 32) is None
