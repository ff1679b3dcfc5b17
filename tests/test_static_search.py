"""The static search's own files, read back without a browser (tests/test_browser.py searches them in
Chromium): the exact-code shards and Pagefind's index."""

from __future__ import annotations

import json

from conftest import SAMPLE

from zwgk.catalog.codes import implementation_code
from zwgk.rules.run import check
from zwgk.site import static_search, urls
from zwgk.site.data import site_data


def _lookup(site, code: str) -> list[dict]:
    shards = json.loads((site / static_search.SETTINGS_FILE).read_text(encoding="utf-8"))["shards"]
    assert shards == len(list((site / static_search.CODES_DIR).glob("*.json"))) - 1
    key = static_search.normalise_code(code)
    table = json.loads((site / static_search.CODES_DIR / f"{static_search.shard_of(key, shards)}.json").read_text(encoding="utf-8"))
    return table.get(key, [])


def test_every_code_leads_to_its_record(sample_site):
    data = site_data(check(SAMPLE))
    for item in data.items:
        dept = data.departments[item.dept_id]
        for code in (item.basic_code, implementation_code(item.basic_code, dept.region, dept.uscc)):
            assert urls.item(item.dept_id, item.basic_code) in [r["url"] for r in _lookup(sample_site, code)], code
    for entry in data.entries:
        typed = [entry.index, f" {entry.index.lower()} "] + (
            [entry.doc_number, entry.doc_number.replace("〔", "[").replace("〕", "]")] if entry.doc_number else []
        )
        for code in typed:
            assert data.entry_url(entry) in [r["url"] for r in _lookup(sample_site, code)], code


def test_every_searchable_page_is_in_the_static_index(sample_site):
    pages = [p for p in sample_site.rglob("index.html") if "data-pagefind-body" in p.read_text(encoding="utf-8")]
    meta, _ = static_search._cbor(static_search._read(next((sample_site / "pagefind").glob("*.pf_meta"))))
    assert len(meta[1]) == len(pages) > 300
    # Listings (home, types, topics) stay out: their records have pages of their own.
    assert "data-pagefind-body" not in (sample_site / "index.html").read_text(encoding="utf-8")
    assert "data-pagefind-body" not in (sample_site / "types/01/index.html").read_text(encoding="utf-8")


def test_known_titles_are_found_and_unknown_ones_are_not(sample_site):
    data = site_data(check(SAMPLE))
    assert static_search.silent_titles(sample_site, static_search.canaries(data)) == []
    assert static_search.silent_titles(sample_site, [("不存在的标题", "items/x/")]) == ["不存在的标题"]
    item = next(i for i in data.items if i.name == "食品经营许可")
    found = static_search.pages_for_token(sample_site, static_search.gram_tokens("营许")[0])
    assert "/" + urls.item(item.dept_id, item.basic_code) in found


def test_bigram_tokens_and_codes():
    assert static_search.gram_tokens("营许 A食品") == ["zg84258bb8", "zg98df54c1"]
    assert static_search.normalise_code("皖交通运[2026]9号") == static_search.normalise_code("皖交通运〔２０２６〕９号")
    assert static_search.shard_count(10) == 1 and static_search.shard_count(212_000) == 1024


def test_the_search_settings_carry_the_synonyms_and_departments(sample_site):
    data = site_data(check(SAMPLE))
    settings = json.loads((sample_site / static_search.SETTINGS_FILE).read_text(encoding="utf-8"))
    assert settings["synonyms"] == data.scheme.synonyms and ["开饭店", "开餐馆", "餐饮"] in settings["synonyms"]
    assert {d[5] for d in settings["departments"]} == {urls.department(d) for d in data.departments}


def test_a_partial_index_number_has_tokens_of_its_publisher():
    assert static_search.index_tokens("11340000002500113R/202501-00003") == ["zi11340000002500113r", "zi11340000002500113ry2025"]
    assert static_search.index_tokens("022500022/2026-00004") == ["zi022500022", "zi022500022y2026"]
    assert static_search.index_tokens("不是索引号") == []


def test_item_pages_carry_their_record_for_the_results(sample_site):
    page = (sample_site / "items/340000-amr/000125001000/index.html").read_text(encoding="utf-8")
    assert 'data-pagefind-meta="zwgk"' in page and "开饭店" in page and "俗称" in page
