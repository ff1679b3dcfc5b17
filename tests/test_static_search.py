"""The static search's own files, read back without a browser (tests/test_browser.py searches them in
Chromium): the exact-code shards and Pagefind's index."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import SAMPLE

from zwgk.catalog.codes import implementation_code
from zwgk.rules.run import check
from zwgk.site import pagefind, record_chunks, search_data, search_tokens, static_search, title_index, urls
from zwgk.site.data import site_data


def _lookup(site, code: str) -> list[dict]:
    shards = json.loads((site / static_search.SETTINGS_FILE).read_text(encoding="utf-8"))["shards"]
    assert shards == len(list((site / static_search.CODES_DIR).glob("*.json"))) - 1
    key = search_tokens.normalise_code(code)
    table = json.loads((site / static_search.CODES_DIR / f"{search_tokens.shard_of(key, shards)}.json").read_text(encoding="utf-8"))
    return record_chunks.resolved(site, table.get(key, []))


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
    indexed = 0
    for folder in pagefind.bundle_dirs(sample_site):
        meta, _ = pagefind._cbor(pagefind.read_bundle_file(next(folder.glob("*.pf_meta"))))
        indexed += len(meta[1])
    assert indexed == len(pages) > 300
    # Listings (home, types, topics) stay out: their records have pages of their own.
    assert "data-pagefind-body" not in (sample_site / "index.html").read_text(encoding="utf-8")
    assert "data-pagefind-body" not in (sample_site / "types/01/index.html").read_text(encoding="utf-8")


def test_the_index_is_split_into_parts_the_browser_merges(sample_site):
    bundles = pagefind.bundle_dirs(sample_site)
    assert len(bundles) == pagefind.PART_COUNT  # parts.json lists every other part
    seen: dict[str, Path] = {}
    for folder in bundles:
        assert (folder / "pagefind-entry.json").is_file()
        for path in (folder / "fragment").glob("*.pf_fragment"):
            url = json.loads(pagefind.read_bundle_file(path))["url"]
            assert url not in seen, (url, folder, seen.get(url))  # each page in one part only
            seen[url] = folder
    item_url = "/items/" + "/".join(next((sample_site / "items").glob("*/*/")).relative_to(sample_site / "items").parts) + "/"
    assert item_url in seen
    assert seen[item_url] == bundles[pagefind.part_names().index(pagefind.part_of(item_url[1:] + "index.html"))]


def test_known_titles_are_found_and_unknown_ones_are_not(sample_site):
    data = site_data(check(SAMPLE))
    assert pagefind.silent_titles(sample_site, pagefind.canaries(data)) == []
    assert pagefind.silent_titles(sample_site, [("不存在的标题", "items/x/")]) == ["不存在的标题"]
    item = next(i for i in data.items if i.name == "食品经营许可")
    found = pagefind.pages_for_token(sample_site, search_tokens.gram_tokens("营许")[0])
    assert "/" + urls.item(item.dept_id, item.basic_code) in found


def test_bigram_tokens_and_codes():
    # 营 U+8425, 许 U+8BB8: places 0x5025 and 0x57B8 of the Chinese ranges, `ftx` and `hbs` in base 36.
    assert search_tokens.gram_tokens("营许 A食品") == ["zgftxhbs", "zgjxb6gx"]
    assert search_tokens.gram_tokens("人民防空人民") == search_tokens.gram_tokens("人民防空人")  # each bigram once
    assert search_tokens.normalise_code("皖交通运[2026]9号") == search_tokens.normalise_code("皖交通运〔２０２６〕９号")
    assert static_search.shard_count(10) == 1 and static_search.shard_count(212_000) == 1024


def test_the_search_settings_carry_the_synonyms_and_departments(sample_site):
    data = site_data(check(SAMPLE))
    settings = json.loads((sample_site / static_search.SETTINGS_FILE).read_text(encoding="utf-8"))
    assert settings["synonyms"] == data.scheme.synonyms and ["开饭店", "开餐馆", "餐饮"] in settings["synonyms"]
    assert {d[5] for d in settings["departments"]} == {urls.department(d) for d in data.departments}


def test_a_partial_index_number_has_tokens_of_its_publisher():
    assert search_tokens.index_tokens("11340000002500113R/202501-00003") == ["zi11340000002500113r", "zi11340000002500113ry2025"]
    assert search_tokens.index_tokens("022500022/2026-00004") == ["zi022500022", "zi022500022y2026"]
    assert search_tokens.index_tokens("不是索引号") == []
    # a catalogue page's tokens: each of its entries' once
    page = ["11340000002500113R/202501-00003", "11340000002500113R/202501-00004", "022500022/2026-00004"]
    assert search_tokens.page_index_tokens(page) == [
        "zi11340000002500113r",
        "zi11340000002500113ry2025",
        "zi022500022",
        "zi022500022y2026",
    ]


def test_a_catalogue_page_states_the_start_of_its_index_numbers_once(sample_site, sample_data):
    """The 索引号 before the serial, and its search tokens, once per catalogue page, not once per entry;
    an entry whose 索引号 is not the page's start + its serial keeps it whole."""
    import html
    import re

    pages = {}
    for entry in sample_data.entries:
        pages.setdefault(sample_data.entry_url(entry).split("#")[0], []).append(entry)
    assert len(pages) > 20
    for page, entries in pages.items():
        text = (sample_site / page / "index.html").read_text(encoding="utf-8")
        meta = json.loads(html.unescape(re.search(r'data-pagefind-meta="zwgk">(.*?)</span>', text).group(1)))
        for entry in entries:
            fields = meta["entries"][sample_data.entry_url(entry).split("#")[1]]
            assert fields[0] == "" and meta["index"] + sample_data.entry_url(entry).split("#")[1] == entry.index
        for token in search_tokens.page_index_tokens([entry.index for entry in entries]):
            assert len(re.findall(rf"\b{token}\b", text)) == 1, (page, token)
        assert text.count(entries[0].index) == 1  # in its table only
    assert search_data.shared_index_prefix({"00001": "X/2025-00001", "00002": "X/2025-00002", "00003": "Y/2025-00003"}) == "X/2025-"
    assert search_data.shared_index_prefix({"00001": "不是索引号"}) == ""
    odd = next(e for e in sample_data.entries if e.doc_number and e.keywords)
    assert static_search.entry_fields(odd, "X/2025-00001")[0] == odd.index
    assert static_search.entry_fields(odd, odd.index)[0] == ""


def test_item_pages_carry_their_record_for_the_results(sample_site, sample_data):
    """An item page's record for the results, without what the page or the settings give: its URL
    and group (the basic code), and the other departments' names and URLs (their ids, as the first
    pass's `twins`, with the status when it is not 有效)."""
    import html
    import re

    page = (sample_site / "items/340000-amr/000125001000/index.html").read_text(encoding="utf-8")
    assert 'data-pagefind-meta="zwgk"' in page and "开饭店" in page and "俗称" in page
    record = json.loads(html.unescape(re.search(r'data-pagefind-meta="zwgk">(.*?)</span>', page).group(1)))
    assert "url" not in record and "group" not in record and record["code"] == "000125001000"
    twins = [i for i in sample_data.items if i.basic_code == "000125001000" and i.dept_id != "340000-amr"]
    expected = [i.dept_id if i.status == "有效" else [i.dept_id, i.status] for i in twins]
    assert twins and sorted(map(str, record["others"])) == sorted(map(str, expected))


def test_a_catalogue_page_carries_only_its_entries_stable_fields_for_the_results(sample_site, sample_data):
    """A catalogue page's search data holds, of each entry, only what the page and the entry's
    sub-result do not ([索引号, 有效性, 生成日期, 文号, 关键词]): no 内容概述 (indexed under the
    entry's heading, Pagefind's excerpt of its sub-result), no field another record's change can
    move (a document number), and no per-cell data-pagefind-ignore (Pagefind's EXCLUDED selectors)."""
    import html
    import re

    entry = next(e for e in sample_data.entries if e.summary and e.doc_number and e.keywords)
    page = sample_data.entry_url(entry).split("#")[0]
    text = (sample_site / page / "index.html").read_text(encoding="utf-8")
    meta = json.loads(html.unescape(re.search(r'data-pagefind-meta="zwgk">(.*?)</span>', text).group(1)))
    serial = sample_data.entry_url(entry).split("#")[1]
    assert meta["entries"][serial] == ["", entry.validity, entry.date.isoformat(), entry.doc_number, list(entry.keywords)]
    assert meta["index"] + serial == entry.index
    assert entry.summary not in json.dumps(meta, ensure_ascii=False)
    assert text.count("data-pagefind-ignore") <= 1 + sum(
        1 for e in sample_data.entries if sample_data.entry_url(e).split("#")[0] == page and not e.summary
    )
    # The 内容概述 is indexed, in the entry's own sub-result; the 索引号 and the labels are not.
    fragments = {}
    for folder in pagefind.bundle_dirs(sample_site):
        for path in (folder / "fragment").glob("*.pf_fragment"):
            fragment = json.loads(pagefind.read_bundle_file(path))
            fragments[fragment["url"]] = fragment
    content = fragments["/" + page]["content"].replace("\u200b", "")  # Pagefind marks its word breaks
    assert entry.summary in content and entry.index not in content and "内容概述" not in content
    assert content.index(entry.title) < content.index(entry.summary)


def test_the_prefix_lookup_holds_the_first_records_of_every_code_beginning(sample_site):
    """For partial 文号, 索引号 and basic codes, the records the browser takes from the prefix lookup
    (the query's deepest cut, and the next cuts when that list is not complete) hold the first record
    `zwgk search` ranks, and the lists are in tier 2's order."""
    import json

    from zwgk.search.index import index_dir
    from zwgk.search.query import Searcher
    from zwgk.site.lookup import normalise_code, prefix_cuts, record_prefix_key, shard_of
    from zwgk.site.prefix_lookup import NODE_RECORDS, PREFIX_DIR

    count = json.loads((sample_site / "codes/search.json").read_text(encoding="utf-8"))["prefix_shards"]

    def node(cut: str) -> dict | None:
        return json.loads((sample_site / PREFIX_DIR / f"{shard_of(cut, count)}.json").read_text(encoding="utf-8")).get(cut)

    def browser_side(query: str) -> list[dict]:  # zwgk-search.js `prefixed`
        key = normalise_code(query)
        cut = prefix_cuts(key)[-1]
        first = node(cut)
        begins = [r for r in record_chunks.resolved(sample_site, first["r"]) if any(normalise_code(c).startswith(key) for c in r["codes"])]
        if "k" in first and cut != key and len(begins) < NODE_RECORDS:
            for lower in (k for k in first["k"] if k.startswith(key)):
                lower_records = record_chunks.resolved(sample_site, node(lower)["r"])
                begins += [r for r in lower_records if any(normalise_code(c).startswith(key) for c in r["codes"])]
        return sorted(begins, key=record_prefix_key)

    searcher = Searcher(index_dir(sample_site))
    queries = ["皖市场监〔2025〕", "皖市场监〔20", "合肥市场监〔2025〕", "皖公安厅〔2026〕", "11340000002500113R/2025"]
    queries += ["11340000002500113R/20250", "113400000025", "000125001", "0001250", "000125001000-340"]
    for query in queries:
        hits = [h for h in searcher.search(query, limit=3) if h.kind != "department"]
        assert hits and hits[0].match == "code-prefix", query
        found = browser_side(query)
        assert found and found[0]["url"] == hits[0].url, (query, found[:1], hits[0])
    searcher.close()
    for path in (sample_site / PREFIX_DIR).glob("*.json"):
        for cut, listed in json.loads(path.read_text(encoding="utf-8")).items():
            records = record_chunks.resolved(sample_site, listed["r"])
            assert records == sorted(records, key=record_prefix_key), cut
            assert len(listed["r"]) == min(listed["n"], NODE_RECORDS) and ("k" in listed) == (listed["n"] > NODE_RECORDS), cut


def test_pages_carry_the_sort_key_both_searches_take_text_matches_by(sample_site, sample_data):
    """Pagefind's sort key `q` of a page is its record's quality without the title's length (a
    catalogue page's, its best entry's; a department's page last), the order in which the Whoosh index
    takes the records only the text finds (zwgk/site/lookup.py `quality`)."""
    import re

    from zwgk.site.lookup import quality
    from zwgk.site.search_data import entry_record, item_record

    def key(rel: str) -> int:
        found = re.search(r'data-pagefind-sort="q:(\d{7})"', (sample_site / rel / "index.html").read_text(encoding="utf-8"))
        assert found, rel
        return int(found.group(1))

    for item in sample_data.items[:20]:
        assert key(urls.item(item.dept_id, item.basic_code)) == quality(item_record(sample_data, item), False)
    dept = next(iter(sample_data.departments.values()))
    assert key(urls.department(dept.dept_id)) == 0
    entry = sample_data.entries[0]
    page = sample_data.entry_url(entry).split("#")[0]
    same_page = [e for e in sample_data.entries if sample_data.entry_url(e).split("#")[0] == page]
    assert key(page) == max(quality(entry_record(sample_data, e), False) for e in same_page)
    withdrawn = next(i for i in sample_data.items if not i.is_active)
    active = next(i for i in sample_data.items if i.is_active)
    assert key(urls.item(withdrawn.dept_id, withdrawn.basic_code)) < key(urls.item(active.dept_id, active.basic_code))


def test_the_first_pass_computes_the_rankings_tiers_of_titles_names_and_keywords(sample_site, sample_data):
    """For queries of every kind (titles, aliases, parts of them, keywords, synonyms, nothing), the
    first pass's candidates and their (tier, closeness) are those ranking.match gives every lead of
    the sample in tiers 1, 3 and 4; and the docnums are in the ranking's order after the tier."""
    from zwgk.search import ranking
    from zwgk.search.hits import ranking_record

    settings = json.loads((sample_site / static_search.SETTINGS_FILE).read_text(encoding="utf-8"))
    records = title_index.numbered(sample_data)
    leads = [r for r in records if r["lead"]]
    assert settings["records"] == len(sample_data.items) + len(sample_data.entries) == len(records)
    assert settings["leads"] == len(leads) and records[: len(leads)] == leads
    # Same item in several departments: one lead with the same aliases, the others listed as its twins.
    lead = next(r for r in leads if r["title"] == "食品经营许可" and r.get("twins"))
    assert len(lead["twins"]) + 1 == sum(1 for r in records if r["title"] == "食品经营许可")
    # Rank order after (tier, closeness) is docnum order: the ranking's keys for a tied match.
    keys = [ranking.rank_key(["无关"], ranking_record(r))[1:] for r in leads]
    assert keys == sorted(keys)
    assert all(r["withdrawn"] == (n >= settings["withdrawn_from"]) for n, r in enumerate(leads))
    queries = ["食品经营许可", "食品经营", "营许", "开饭店", "行政许可", "许可", "市场监管", "营商环境", "不存在的词", "政策解读"]
    queries += [leads[5]["title"][1:4], next(r for r in leads if r.get("keywords"))["keywords"][0]]
    read = title_index.site_reader(sample_site)
    checked = 0
    for query in queries:
        variants = ranking.variants(query, sample_data.scheme.synonyms)
        if not all(title_index.first_pass_variant(v) for v in variants):
            continue
        expected = {}
        for docnum, record in enumerate(leads):
            tier, closeness = ranking.match(variants, ranking_record(record))
            if tier in (1, 3, 4):
                expected[docnum] = (tier, closeness)
        assert title_index.candidates(read, settings["title_shards"], variants) == expected, query
        checked += bool(expected)
        # Tier 5's title part: the records sharing all but two bigrams, with ranking.match's closeness.
        near, bound = title_index.sharing(read, settings["title_shards"], variants)
        for docnum, record in enumerate(leads):
            own = [ranking.bigrams(v) for v in variants]
            shares = any(
                sum(
                    g in ranking.bigrams("\n".join([record["title"], *record.get("aliases", []), *record.get("keywords", [])]))
                    for g in grams
                )
                >= max(1, len(grams) - 2)
                for grams in own
            )
            if docnum not in expected and shares:
                assert near.get(docnum) == ranking.match(variants, ranking_record(record))[1], (query, record["title"])
            else:
                assert docnum not in near, (query, record["title"])
                # No record outside them can reach the bound: those above it rank before every text match.
                if docnum not in expected:
                    assert ranking.match(variants, ranking_record(record))[1] <= bound, (query, record["title"])
    assert checked >= 9
    assert title_index.unfound_titles(sample_site, sample_data) == []
