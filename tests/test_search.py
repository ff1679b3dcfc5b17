"""Search quality and contracts: the Whoosh index that the build writes beside the site."""

from __future__ import annotations

import json
import shutil
import threading
import urllib.error
import urllib.request

import pytest
from click.testing import CliRunner
from conftest import SAMPLE
from search_cases import QUERIES, judge

from zwgk.catalog.codes import parse_index
from zwgk.cli import cli
from zwgk.rules.run import check
from zwgk.search import index as search
from zwgk.search import writer
from zwgk.site.data import SiteData


def test_the_quality_set_is_broad():
    assert len(QUERIES) >= 70
    kinds = {q["kind"] for q in QUERIES}
    assert {
        "两字词",
        "索引号",
        "文号",
        "错一个字",
        "部门名称",
        "基本编码",
        "跨词的子串",
        "俗称",
        "同义词",
        "部分文号",
        "部分索引号",
    } <= kinds
    assert sum(1 for q in QUERIES if q.get("rank") == 1 and q.get("status")) >= 5  # active-before-withdrawn cases


@pytest.mark.parametrize("case", QUERIES, ids=[q["query"] for q in QUERIES])
def test_query_finds_its_record_in_the_top_5_through_zwgk_search(case, sample_site):
    result = CliRunner().invoke(cli, ["search", case["query"], "--site-dir", str(sample_site), "--limit", "5", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert judge(case, json.loads(result.output)["results"]) is None


def test_exact_codes_come_first(sample_site):
    searcher = search.Searcher(search.index_dir(sample_site))
    for case in QUERIES:
        if case["kind"] in ("基本编码", "索引号", "文号"):
            assert searcher.search(case["query"], limit=5)[0].code == case["code"]


def test_json_contract_and_filters(sample_site):
    result = CliRunner().invoke(cli, ["search", "许可", "--site-dir", str(sample_site), "--type", "01", "--format", "json"])
    results = json.loads(result.output)["results"]
    contract = {"kind", "code", "title", "department", "url", "score", "status", "department_name", "date", "type"}
    assert results and all(contract <= set(r) for r in results)
    assert all(r["type"] == "行政许可" and r["status"] and r["department_name"] and r["date"] for r in results)
    assert all(r["kind"] == "item" and r["code"][2:4] == "01" for r in results)
    years = CliRunner().invoke(cli, ["search", "通知", "--site-dir", str(sample_site), "--year", "2026", "--format", "json"])
    assert all(r["kind"] == "entry" for r in json.loads(years.output)["results"])


def test_every_indexed_field_filters(sample_site):
    """Region, genre, mode and validity are fields of the index too, and narrow the results."""
    data = _site_data(SAMPLE)
    entry = next(e for e in data.entries if e.genre and e.mode)
    region = data.departments[entry.dept_id].region
    options = ["--region", region, "--genre", entry.genre, "--mode", entry.mode, "--validity", entry.validity]
    result = CliRunner().invoke(cli, ["search", entry.title, "--site-dir", str(sample_site), *options, "--format", "json"])
    codes = [r["code"] for r in json.loads(result.output)["results"]]
    assert entry.index in codes
    by_code = {e.index: e for e in data.entries}
    for code in codes:
        assert (by_code[code].genre, by_code[code].mode, data.departments[by_code[code].dept_id].region) == (
            entry.genre,
            entry.mode,
            region,
        )
    other = "依申请公开" if entry.mode != "依申请公开" else "主动公开"
    result = CliRunner().invoke(cli, ["search", entry.title, "--site-dir", str(sample_site), "--mode", other, "--format", "json"])
    assert entry.index not in [r["code"] for r in json.loads(result.output)["results"]]


def test_search_without_an_index_is_a_usage_error(tmp_path):
    assert CliRunner().invoke(cli, ["search", "许可", "--site-dir", str(tmp_path / "nowhere")]).exit_code == 2


def _site_data(root) -> SiteData:
    catalog = check(root, workers=1).catalog
    numbers = {id(e): parse_index(e.index, catalog.scheme.index_formats) for e in catalog.entries}
    return SiteData(scheme=catalog.scheme, departments=catalog.departments, items=catalog.items, entries=catalog.entries, numbers=numbers)


def test_index_updates_only_changed_records(tmp_path):
    data = _site_data(SAMPLE)
    first = search.update_index(tmp_path / "idx", data)
    assert first.added == len(data.items) + len(data.entries) + len(data.departments)
    assert search.update_index(tmp_path / "idx", data).added == 0
    data.entries[0] = data.entries[0].model_copy(update={"title": "一个全新的标题"})
    data.entries[0].place(data.entries[1].origin._replace(at=(0,)))
    data.numbers[id(data.entries[0])] = parse_index(data.entries[0].index, data.scheme.index_formats)
    changed = search.update_index(tmp_path / "idx", data)
    assert (changed.added, changed.removed) == (1, 1)
    assert search.Searcher(tmp_path / "idx").search("一个全新的标题", limit=1)[0].code == data.entries[0].index


@pytest.fixture(scope="module")
def api(sample_site):
    from zwgk.search.server import make_server

    server = make_server(sample_site, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _get(url: str) -> tuple[int, dict | bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            body = response.read()
            return response.status, json.loads(body) if "json" in response.headers["Content-Type"] else body
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_api_search(api):
    status, payload = _get(f"{api}/api/search?q=" + urllib.parse.quote("企业投资项目核准"))
    assert status == 200 and payload["results"][0]["code"] == "000101001000"
    status, page = _get(f"{api}/")
    assert status == 200 and b"<html" in page


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=",
        "q=" + urllib.parse.quote("长" * 300),
        "q=%E4%BD%A0&limit=abc",
        "q=%E4%BD%A0&limit=999",
        "q=%00%01",
        "q=)))(((",
        "q=*:*",
        "q=AND%20OR%20NOT",
        "q=%ff%fe",
    ],
)
def test_api_refuses_bad_queries_with_400_never_500(api, query):
    status, payload = _get(f"{api}/api/search?{query}")
    assert status in (200, 400), (query, status)
    if status == 400:
        assert payload["error"]


def test_parallel_writer(tmp_path):
    """At province scale the index is written by Whoosh's parallel writer (one process per core)."""
    data = _site_data(SAMPLE)
    stats = search.update_index(tmp_path / "idx", data, procs=2, parallel_above=0)
    assert stats.documents == len(data.items) + len(data.entries) + len(data.departments)
    assert search.Searcher(tmp_path / "idx").search("企业投资项目核准")[0].code == "000101001000"


def test_the_build_writes_the_index_and_zwgk_index_finds_nothing_to_do(sample_site):
    from whoosh import index as whoosh_index

    data = _site_data(SAMPLE)
    with whoosh_index.open_dir(str(search.index_dir(sample_site))).searcher() as searcher:
        assert searcher.doc_count() == len(data.items) + len(data.entries) + len(data.departments)
    result = CliRunner().invoke(cli, ["index", str(SAMPLE), "--site-dir", str(sample_site)])
    assert result.exit_code == 0, result.output
    assert "更新 0 条，删除 0 条" in result.output


def test_an_interrupted_update_never_indexes_a_record_twice(tmp_path):
    """Digests are written after the commit; if they are older than the index, records are replaced."""
    from whoosh import index as whoosh_index

    data = _site_data(SAMPLE)
    search.update_index(tmp_path / "idx", data)
    old_digests = (tmp_path / "idx" / "zwgk-digests.pickle").read_bytes()
    data.entries[0] = data.entries[0].model_copy(update={"title": "一个全新的标题"})
    data.entries[0].place(data.entries[1].origin._replace(at=(0,)))
    data.numbers[id(data.entries[0])] = parse_index(data.entries[0].index, data.scheme.index_formats)
    search.update_index(tmp_path / "idx", data)
    (tmp_path / "idx" / "zwgk-digests.pickle").write_bytes(old_digests)  # as if killed before writing them
    search.update_index(tmp_path / "idx", data)
    with whoosh_index.open_dir(str(tmp_path / "idx")).searcher() as searcher:
        assert searcher.doc_count() == len(data.items) + len(data.entries) + len(data.departments)


def test_the_background_writer_builds_the_same_index_and_reports_failure(tmp_path):
    data = _site_data(SAMPLE)
    stats = writer.BackgroundUpdate(search.plan_update(tmp_path / "idx", data)).wait(timeout=300)
    assert stats.added == len(data.items) + len(data.entries) + len(data.departments)
    assert search.verify_index(tmp_path / "idx", data, stats) == stats
    assert writer.BackgroundUpdate(search.plan_update(tmp_path / "idx", data)).wait().added == 0
    doomed = search.plan_update(tmp_path / "other", data)
    shutil.rmtree(tmp_path / "other")  # the writer cannot open the index: the build must hear of it
    with pytest.raises(search.SearchIndexError, match="写检索索引失败"):
        writer.BackgroundUpdate(doomed).wait(timeout=300)


def test_a_writer_nobody_waits_for_is_stopped_and_the_index_stays_usable(tmp_path):
    data = _site_data(SAMPLE)
    abandoned = writer.BackgroundUpdate(search.plan_update(tmp_path / "idx", data))
    plan = abandoned.plan_file
    abandoned.close()  # what happens at exit when a build failed before waiting
    assert abandoned.process.poll() is not None and not plan.exists()
    stats = writer.BackgroundUpdate(search.plan_update(tmp_path / "idx", data)).wait(timeout=300)
    assert search.verify_index(tmp_path / "idx", data, stats).documents == len(data.items) + len(data.entries) + len(data.departments)


def _json_search(sample_site, *args) -> dict:
    result = CliRunner().invoke(cli, ["search", *args, "--site-dir", str(sample_site), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_results_are_grouped_paged_sorted_and_highlighted(sample_site):
    food = _json_search(sample_site, "食品经营许可", "--limit", "3")
    first = food["results"][0]
    assert first["code"] == "000125001000" and first["status"] == "有效" and first["match"] == "name"
    assert len(first["others"]) >= 2 and all(o["url"].startswith("items/") for o in first["others"])
    assert "<mark>食品经营许可</mark>" in first["excerpt"] and "开饭店" in first["aliases"]
    # The item's twins in other departments are one result: the page still holds as many results as asked.
    assert food["total"] >= 3 and len(food["results"]) == 3, [r["title"] for r in food["results"]]
    everything = _json_search(sample_site, "通知", "--limit", "20")
    assert everything["total"] >= len(everything["results"]) == 20
    second = _json_search(sample_site, "通知", "--limit", "10", "--offset", "10")["results"]
    assert [r["url"] for r in second] == [r["url"] for r in everything["results"][10:20]]
    by_date = _json_search(sample_site, "通知", "--sort", "date", "--kind", "entry", "--limit", "30")["results"]
    dates = [r["date"] for r in by_date]
    assert dates == sorted(dates, reverse=True) and all(r["kind"] == "entry" for r in by_date)
    cancelled = _json_search(sample_site, "许可", "--validity", "已取消")["results"]
    assert cancelled and all(r["status"] == "已取消" for r in cancelled)


def test_excerpts_escape_what_contributors_wrote():
    from zwgk.search import ranking

    assert ranking.excerpt("<b>开饭店</b>要办食品经营许可", ["开饭店"]) == "&lt;b&gt;<mark>开饭店</mark>&lt;/b&gt;要办食品经营许可"


def test_the_ranking_puts_active_exact_and_newer_first():
    from zwgk.search import ranking

    def key(query, **record):
        record.setdefault("url", record["title"])
        return ranking.rank_key(ranking.variants(query, [["开饭店", "餐饮"]]), ranking.Record(**record))

    active = key("食品经营许可", kind="item", title="食品经营许可", date="2025-01-01")
    assert active < key("食品经营许可", kind="item", title="食品经营许可", withdrawn=True, date="2026-01-01")
    assert key("食品经营许可", kind="item", title="食品经营许可（新办）") > active  # exact name first
    assert key("餐饮", kind="item", title="食品经营许可", names=["开饭店"])[0] == 1  # a synonym of an alias
    prefix = key("皖市场监〔2025〕", kind="entry", title="通知", codes=["皖市场监〔2025〕3号"], date="2025-03-01")
    other = key("皖市场监〔2025〕", kind="entry", title="皖市场监通知", codes=["合肥市场监〔2025〕3号"], date="2025-09-01")
    assert prefix < other and prefix[0] == 2
    newer = key("皖市场监〔2025〕", kind="entry", title="通知", codes=["皖市场监〔2025〕4号"], date="2025-06-01")
    assert newer < prefix  # equal relevance: the newer first
    assert key("000125001000", kind="item", title="x", codes=["000125001000"])[0] == 0


def test_whoosh_finds_each_stages_best_candidates_in_the_rankings_order(sample_site):
    """A posting weighs its document's quality (the ranking's keys after the tier, exact in a 32-bit
    float), documents are written in that order, and Whoosh's top candidates of a common word are the
    best of all its matches by that order, although it skips blocks rather than scoring every match."""
    import struct

    from whoosh.query import Term

    from zwgk.site.lookup import KIND_ORDER, quality

    records = [
        {"kind": "item", "title": "食品经营许可", "date": "2026-11-09", "withdrawn": False},
        {"kind": "item", "title": "食品经营许可", "date": "2026-11-10", "withdrawn": True},
        {"kind": "entry", "title": "食品经营许可", "date": "2026-12-01", "withdrawn": False},
        {"kind": "item", "title": "食品经营许可（新办）", "date": "2026-12-01", "withdrawn": False},
        {"kind": "department", "title": "省市场监管局", "date": "", "withdrawn": False},
        {"kind": "entry", "title": "关于食品经营许可的通知" * 8, "date": "2099-01-01", "withdrawn": True},
    ]
    for with_length in (True, False):
        for record in records:
            value = quality(record, with_length)
            assert struct.unpack("f", struct.pack("f", value))[0] == value  # exact as a posting's weight

        def static(record, with_length=with_length):
            length = min(len(record["title"]), 63) if with_length else 0
            return (record["withdrawn"], length, KIND_ORDER[record["kind"]], record["date"] and -int(record["date"].replace("-", "")))

        assert sorted(records, key=lambda r, w=with_length: -quality(r, w)) == sorted(records, key=static)

    searcher = search.Searcher(search.index_dir(sample_site))
    whoosh = searcher._searcher
    for field in ("title_grams", "text"):
        query = Term(field, "许可")
        every = sorted(whoosh.docs_for_query(query), key=lambda n: -quality(whoosh.stored_fields(n)["info"], field == "title_grams"))
        assert len(every) > 20
        top = [hit.docnum for hit in whoosh.search(query, limit=10)]
        best = {quality(whoosh.stored_fields(n)["info"], field == "title_grams") for n in every[:10]}
        assert {quality(whoosh.stored_fields(n)["info"], field == "title_grams") for n in top} == best
    searcher.close()


def test_block_skipping_survives_deleted_documents(sample_site, tmp_path):
    """After an incremental update a segment holds deleted documents, and Whoosh's matcher that hides
    them never reports a new block: without zwgk's collector checking block quality at every step, a
    common word scored every match again (the province's median query went from 8 to 32 ms). The best
    candidates must stay the best live ones, with blocks skipped, and never a deleted document."""
    import shutil

    from whoosh import index as whoosh_index
    from whoosh.query import Term

    from zwgk.search import query as search_query
    from zwgk.site.lookup import quality

    folder = tmp_path / "site.search"
    shutil.copytree(search.index_dir(sample_site), folder)
    ix = whoosh_index.open_dir(str(folder))
    with ix.searcher() as whoosh:
        (_, word), *_ = whoosh.reader().most_frequent_terms("text", 1)  # the sample's commonest word
        every = sorted(whoosh.docs_for_query(Term("text", word)), key=lambda n: -quality(whoosh.stored_fields(n)["info"], False))
        gone = every[0]  # the best match is deleted: the next ten must come in its place
        gone_key = whoosh.stored_fields(gone)["key"]
    writer = ix.writer()
    writer.delete_document(gone)
    writer.commit(merge=False)
    with ix.searcher(weighting=search_query.WEIGHTING) as whoosh:
        assert whoosh.reader().has_deletions()
        live = [n for n in every if n != gone]
        assert len(live) > 300  # several posting blocks
        collector = search_query._Best(limit=10)
        whoosh.search_with_collector(Term("text", word), collector)
        top = [hit.docnum for hit in collector.results()]
        assert gone not in top and all(whoosh.stored_fields(n)["key"] != gone_key for n in top)
        best = sorted(quality(whoosh.stored_fields(n)["info"], False) for n in live[:10])
        assert sorted(quality(whoosh.stored_fields(n)["info"], False) for n in top) == best
        assert collector.skipped_times > 0


def test_a_writer_commits_a_segment_before_its_pool_would_spill_and_queries_stay_the_same(tmp_path, monkeypatch):
    """A single writer starts a new segment when its posting pool is nearly full (no pickled runs to
    merge): the index then has several segments, and every query of the quality set ranks the same."""
    from whoosh import index as whoosh_index

    data = _site_data(SAMPLE)
    search.update_index(tmp_path / "one", data)
    monkeypatch.setattr(search, "POOL_MB", 0.05)
    stats = search.update_index(tmp_path / "many", data)
    expected = len(data.items) + len(data.entries) + len(data.departments)
    assert stats.documents == expected
    counts = {}
    for name in ("one", "many"):
        ix = whoosh_index.open_dir(str(tmp_path / name))
        counts[name] = (len(ix._segments()), ix.doc_count())
    assert counts["one"] == (1, expected) and counts["many"][0] > 3 and counts["many"][1] == expected
    one, many = search.Searcher(tmp_path / "one"), search.Searcher(tmp_path / "many")
    for case in QUERIES:
        assert [h.code for h in one.search(case["query"], limit=5)] == [h.code for h in many.search(case["query"], limit=5)], case
    # Queries score by the postings' weights alone: no field keeps per-document lengths.
    assert not [p.name for p in (tmp_path / "many").iterdir() if p.name.endswith("_len.col")]
