"""What the public sees, in a real browser: Debian's Chromium driven by Playwright, on loopback.

Each page opens with no console errors and no request to any host but 127.0.0.1, and axe-core finds
no serious or critical accessibility violation.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest
from search_cases import QUERIES, judge

from zwgk.site import search_tokens, urls

playwright_api = pytest.importorskip("playwright.sync_api")
axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")


def _pages(sample_site: Path) -> list[str]:
    item = next(p for p in sorted((sample_site / "items").rglob("index.html")) if 'class="zwgk-flowchart"' in p.read_text(encoding="utf-8"))
    catalogue = sorted((sample_site / "catalogue").rglob("index.html"))[0]
    return [
        "",
        "departments/340000-amr/",
        item.parent.relative_to(sample_site).as_posix() + "/",
        catalogue.parent.relative_to(sample_site).as_posix() + "/",
        "search/?q=食品经营许可",
        "monitoring/",
    ]


@pytest.mark.slow
def test_public_pages_in_chromium(browser, server, sample_site, tmp_path):
    axe = axe_module.Axe()
    for path in _pages(sample_site):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page = context.new_page()
        errors, outside = [], []
        page.on("console", lambda message, errors=errors: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
        context.on(
            "request",
            lambda request, outside=outside: (
                outside.append(request.url) if urlparse(request.url).hostname not in ("127.0.0.1", None) else None
            ),
        )
        response = page.goto(server + path, wait_until="networkidle")
        assert response and response.ok, path
        if path.startswith("search/"):
            _wait_for_results(page)
        results = axe.run(page)
        serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert serious == [], f"{path}: " + "; ".join(f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in serious)
        assert errors == [], f"{path}: {errors}"
        assert outside == [], f"{path}: {outside}"
        name = path.strip("/").replace("/", "_") or "home"
        page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
        context.close()


@pytest.mark.slow
def test_keyboard_reaches_the_content_and_the_permalink_target(browser, server, sample_site):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(server, wait_until="networkidle")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "document.activeElement && (document.activeElement.innerText || document.activeElement.getAttribute('aria-label') || '')"
    )
    assert focused.strip(), "the first Tab stop has an accessible name (skip link)"
    catalogue = sorted((sample_site / "catalogue").rglob("index.html"))[0].parent.relative_to(sample_site).as_posix()
    page.goto(f"{server}{catalogue}/#00001", wait_until="networkidle")
    assert page.evaluate("document.querySelector(':target') && document.querySelector(':target').id") == "00001"
    context.close()


@pytest.mark.slow
def test_item_pages_print_cleanly(browser, server, sample_site):
    page = browser.new_page()
    item = _pages(sample_site)[2]
    page.goto(server + item, wait_until="networkidle")
    page.emulate_media(media="print")
    hidden = page.evaluate("[...document.querySelectorAll('.md-header, .md-sidebar')].every(e => getComputedStyle(e).display === 'none')")
    assert hidden, "navigation is hidden in print"
    assert page.evaluate("getComputedStyle(document.querySelector('.zwgk-flowchart')).display") != "none"
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    page.close()


@pytest.mark.slow
def test_old_browsers_get_the_local_polyfill_not_a_cdn(browser, server):
    context = browser.new_context()
    context.add_init_script("delete window.ResizeObserver")
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.goto(server, wait_until="networkidle")
    page.wait_for_function("() => typeof ResizeObserver === 'function'", timeout=15_000)  # the bundle loads it late under load
    assert any(url.endswith("/assets/javascripts/vendor/resize-observer-polyfill.js") for url in requests), requests
    assert all(urlparse(url).hostname == "127.0.0.1" for url in requests), requests
    assert page.evaluate("typeof ResizeObserver") == "function"
    context.close()


# ---- the static search (Pagefind and the exact-code lookup) ------------------------------------


def _wait_for_results(page) -> None:
    page.wait_for_function("() => !/正在|请输入/.test(document.getElementById('zwgk-search-status').textContent)", timeout=15_000)


RESULTS = """els => els.map(li => ({
    kind: li.dataset.kind, code: li.dataset.code, department: li.dataset.department,
    status: li.dataset.status, title: li.dataset.title, tier: li.dataset.tier, url: li.querySelector('a').href}))"""


def _browser_results(page, server: str, query: str, extra: str = "") -> list[dict]:
    page.goto(f"{server}search/?q={quote(query)}{extra}")
    _wait_for_results(page)
    return page.eval_on_selector_all("#zwgk-search-results li", RESULTS)


@pytest.mark.slow
def test_quality_set_in_chromium_top_5(browser, server):
    """Every query of the quality set, typed into the static search page, finds its record in the top 5
    (ranking cases at position 1)."""
    page = browser.new_page()
    failures = [problem for case in QUERIES if (problem := judge(case, _browser_results(page, server, case["query"])))]
    page.close()
    assert failures == [], "\n".join(failures)


@pytest.mark.slow
def test_both_searches_put_the_same_record_first(browser, server, sample_site):
    """The browser and the Whoosh index rank alike: for every query of the quality set, the same first
    result (the same record, or for an item done by several departments, the same item), also where
    the best match is only in the text (tier 5, "other"): both engines take those candidates in the
    same order (zwgk/site/lookup.py `quality`: Whoosh's posting weights, Pagefind's sort key `q`)."""
    from zwgk.search.index import index_dir
    from zwgk.search.query import Searcher

    searcher = Searcher(index_dir(sample_site))
    page = browser.new_page()
    differences = []
    for case in QUERIES:
        whoosh = searcher.search(case["query"], limit=5)
        browser_top = _browser_results(page, server, case["query"])
        if not whoosh or not browser_top:
            differences.append(f"{case['query']}: {whoosh[:1]} / {browser_top[:1]}")
            continue
        first, other = whoosh[0], browser_top[0]
        same = first.url == other["url"].removeprefix(server) or (
            first.kind == "item" and (first.code, first.title) == (other["code"], other["title"])
        )
        if not same:
            differences.append(f"{case['query']}: zwgk search {first.kind} {first.code} {first.title} / browser {other}")
    page.close()
    searcher.close()
    assert differences == [], "\n".join(differences)


@pytest.mark.slow
def test_the_ranking_is_computed_alike_in_python_and_javascript(browser, server, sample_data):
    """zwgk/search/ranking.py and zwgk-search.js give the same keys, variants and highlights, and
    zwgk/site/lookup.py and zwgk-search.js the same cuts and order of a code's beginning."""
    from zwgk.search import ranking
    from zwgk.site import lookup
    from zwgk.site import search_data as ss

    records = [ss.item_record(sample_data, i) for i in sample_data.items[:60]]
    records += [ss.entry_record(sample_data, e) for e in sample_data.entries[:60]]
    records += [ss.department_record(sample_data, d) for d in sample_data.departments.values()]
    synonyms = sample_data.scheme.synonyms
    queries = [
        "开饭店",
        "食品经营许可",
        "000125001",
        "皖市场监〔2025〕",
        "许可",
        "餐饮",
        "营业执照",
        "省公安厅",
        "通知",
        "ABC 2025",
        "食品经宫许可",
    ]
    page = browser.new_page()
    page.goto(server + "search/")
    for query in queries:
        variants = ranking.variants(query, synonyms)
        assert page.evaluate("([q, s]) => zwgkSearch.variants(q, s)", [query, synonyms]) == variants
        for by_date in (False, True):
            python = [list(ranking.rank_key(variants, _ranking_record(r), by_date)) for r in records]
            script = page.evaluate("([v, rs, d]) => rs.map(r => zwgkSearch.rankKey(v, r, d))", [variants, records, by_date])
            assert script == python, query
        key = lookup.normalise_code(query)
        assert page.evaluate("k => zwgkSearch.prefixCuts(k)", key) == lookup.prefix_cuts(key), query
        texts = [r.get("excerpt") or r["title"] for r in records[:40]]
        spans = [[list(span) for span in ranking.highlight_spans(text, variants)] for text in texts]
        assert page.evaluate("([ts, v]) => ts.map(t => zwgkSearch.highlightSpans(t, v))", [texts, variants]) == spans
    codes = [lookup.normalise_code(c) for r in records for c in r["codes"]]
    assert page.evaluate("ks => ks.map(zwgkSearch.prefixCuts)", codes) == [lookup.prefix_cuts(c) for c in codes]
    python_keys = [list(lookup.record_prefix_key(r)) for r in records]
    assert page.evaluate("rs => rs.map(zwgkSearch.prefixKey)", records) == python_keys
    page.close()


def _ranking_record(record: dict):
    from zwgk.search.hits import ranking_record

    return ranking_record(record)


@pytest.mark.slow
def test_results_say_what_they_are(browser, server):
    page = browser.new_page()
    page.goto(f"{server}search/?q={quote('食品经营')}")
    _wait_for_results(page)
    first = page.locator("#zwgk-search-results li").first
    text = first.inner_text()
    assert "事项" in text and "行政许可" in text and ("市级" in text or "省级" in text), text
    assert re.search(r"另有 \d+ 个部门实施同一事项", text), text
    assert first.locator(".zwgk-result__others a").count() >= 2
    assert first.locator("mark").count() >= 1 and "食品经营" in first.locator("mark").first.inner_text()
    assert re.search(r"找到 \d+ 条结果", page.inner_text("#zwgk-search-status"))
    # Entries: date, 文号 and 有效性; a withdrawn item is marked.
    page.goto(f"{server}search/?q={quote('皖市场监〔2025〕')}")
    _wait_for_results(page)
    entry = page.locator("#zwgk-search-results li").first.inner_text()
    assert "目录条目" in entry and "生成日期 2025-" in entry and "皖市场监〔2025〕" in entry and "有效性：" in entry, entry
    page.goto(f"{server}search/?q={quote('农药经营许可')}")
    _wait_for_results(page)
    statuses = page.eval_on_selector_all("#zwgk-search-results .zwgk-result__status--withdrawn", "els => els.map(e => e.textContent)")
    assert set(statuses) <= {"已取消", "已合并"} and statuses, statuses
    page.close()


@pytest.mark.slow
def test_more_results_sort_by_date_and_filter_by_kind_and_validity(browser, server):
    page = browser.new_page()
    page.goto(f"{server}search/?q={quote('通知')}")
    _wait_for_results(page)
    before = page.locator("#zwgk-search-results li").count()
    assert before == 10 and page.is_visible("#zwgk-search-more")
    page.click("#zwgk-search-more")
    page.wait_for_function(f"() => document.querySelectorAll('#zwgk-search-results li').length > {before}")
    dated = _browser_results(page, server, "通知", "&sort=date&kind=" + quote("目录条目"))
    assert dated and all(r["kind"] == "entry" for r in dated)
    dates = page.eval_on_selector_all(
        "#zwgk-search-results li .zwgk-result__meta", "els => els.map(e => (e.textContent.match(/\\d{4}-\\d\\d-\\d\\d/) || [''])[0])"
    )
    assert dates == sorted(dates, reverse=True), dates
    assert "sort=date" in page.url and "kind=" in page.url
    cancelled = _browser_results(page, server, "许可", "&validity=" + quote("已取消"))
    assert cancelled and all(r["status"] == "已取消" for r in cancelled)
    page.close()


def _all_results(page, server: str, query: str, extra: str = "") -> list[dict]:
    """Every result of a search on the search page, "more" pressed until none are left."""
    found = _browser_results(page, server, query, extra)
    while page.is_visible("#zwgk-search-more"):
        page.click("#zwgk-search-more")
        page.wait_for_function(f"() => document.querySelectorAll('#zwgk-search-results li').length > {len(found)}")
        found = page.eval_on_selector_all("#zwgk-search-results li", RESULTS)
    return found


@pytest.mark.slow
def test_a_partial_index_number_finds_every_entry_it_begins(browser, server, sample_data):
    """A publisher's code and year find all its entries of the year, with their own excerpts: the first
    through the prefix lookup, the others through the token their catalogue pages carry once
    (zwgk/site/search_tokens.py page_index_tokens, zwgk-search.js indexSubResults)."""
    start = "1134000000010001XX/2025"
    expected = {e.index: e for e in sample_data.entries if e.index.startswith(start)}
    assert len(expected) > 20  # more than the prefix lookup's first records
    page = browser.new_page()
    found = _all_results(page, server, start)
    entries = [r for r in found if r["kind"] == "entry"]
    assert set(expected) <= {r["code"] for r in entries} and all(r["code"].startswith(start) for r in entries)
    assert len({r["code"] for r in entries}) == len(entries)  # each once
    for result in entries:
        entry = expected[result["code"]]
        assert result["url"] == server + sample_data.entry_url(entry) and result["title"] == entry.title
    excerpts = page.eval_on_selector_all(
        "#zwgk-search-results li[data-kind=entry]",
        "els => els.map(li => [li.dataset.code, li.querySelector('.zwgk-result__excerpt').textContent])",
    )
    for code, excerpt in excerpts:
        summary = expected[code].summary
        assert summary and len(excerpt) >= 8 and summary.startswith(excerpt.rstrip("…. ")[:8]), (code, excerpt)
    # an entry found in the text shows its whole 索引号 (the page's start + its serial)
    entry = next(e for e in sample_data.entries if e.summary and e.doc_number)
    text = _browser_results(page, server, entry.title, "&kind=" + quote("目录条目"))
    same = [r for r in text if r["url"] == server + sample_data.entry_url(entry)]
    assert same and same[0]["code"] == entry.index, text[:3]
    page.close()


@pytest.mark.slow
def test_without_javascript_the_search_page_offers_the_browse_pages(browser, server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{server}search/?q={quote('开饭店')}")
    note = page.locator(".zwgk-search__noscript")
    assert note.is_visible() and "JavaScript" in note.inner_text()
    links = note.locator("a").evaluate_all("els => els.map(a => a.getAttribute('href'))")
    assert {"../", "../types/", "../topics/"} <= set(links)
    assert page.get_attribute("#zwgk-search-page-form", "method") == "get" and page.get_attribute("#zwgk-q", "name") == "q"
    page.fill("#zwgk-q", "低保")
    page.press("#zwgk-q", "Enter")
    page.wait_for_url(re.compile(r"search/\?q=%E4%BD%8E%E4%BF%9D"))  # the query stays in the address
    context.close()


@pytest.mark.slow
def test_an_exact_code_in_the_header_box_opens_its_record(browser, server, sample_data):
    entry = next(e for e in sample_data.entries if e.doc_number)
    item = next(i for i in sample_data.items if sum(j.basic_code == i.basic_code for j in sample_data.items) == 1)
    cases = [
        (entry.index, sample_data.entry_url(entry)),
        (entry.doc_number.replace("〔", "[").replace("〕", "]"), sample_data.entry_url(entry)),
        (item.basic_code, urls.item(item.dept_id, item.basic_code)),
    ]
    page = browser.new_page()
    for typed, url in cases:
        page.goto(server + "departments/340000-amr/")
        page.fill("#zwgk-search-box-input", typed)
        page.press("#zwgk-search-box-input", "Enter")
        page.wait_for_url(server + url, timeout=10_000)
        if "#" in url:
            assert page.evaluate("document.querySelector(':target').id") == url.split("#")[1]
    page.close()


@pytest.mark.slow
def test_filters_narrow_the_results(browser, server, sample_data):
    page = browser.new_page()
    page.goto(f"{server}search/?q=%E8%AE%B8%E5%8F%AF")  # 许可
    _wait_for_results(page)
    page.focus("select[data-filter=department]")  # the filters' values are fetched when someone opens them
    page.wait_for_function("() => document.querySelector('select[data-filter=department]').options.length > 1")
    page.select_option("select[data-filter=department]", "省市场监管局")
    _wait_for_results(page)
    departments = page.eval_on_selector_all("#zwgk-search-results li", "els => els.map(e => e.dataset.department)")
    assert departments and all(d == "省市场监管局" for d in departments), departments
    assert "department=" in page.url
    page.goto(f"{server}search/?q=%E9%80%9A%E7%9F%A5&year=2025")  # 通知, 2025 only
    _wait_for_results(page)
    links = page.eval_on_selector_all("#zwgk-search-results li a.zwgk-result__title", "els => els.map(e => e.getAttribute('href'))")
    assert links and all(re.search(r"/catalogue/[^/]+/2025\d\d/", link) for link in links), links
    page.close()


@pytest.mark.slow
def test_the_browser_computes_codes_and_bigrams_as_the_build_does(browser, server):
    page = browser.new_page()
    page.goto(server + "search/")
    samples = [
        "皖发展改[2026]9号",
        "  １１３４０００ ０００６０００３０３/202601-00006 ",
        "食品经营许可（新办）",
        "《安徽省公安民生实事实施方案》政策解读",
        "ABC",
    ]
    for text in samples:
        assert page.evaluate("t => zwgkSearch.normaliseCode(t)", text) == search_tokens.normalise_code(text)
        assert page.evaluate("t => zwgkSearch.gramTokens(t)", text) == list(dict.fromkeys(search_tokens.gram_tokens(text)))
        shards = int(page.get_attribute("#zwgk-search-script", "data-shards"))
        key = search_tokens.normalise_code(text)
        assert page.evaluate("k => zwgkSearch.shardOf(k)", key) == search_tokens.shard_of(key, shards)
    page.close()


@pytest.mark.slow
def test_the_province_table_sorts_by_any_column(browser, server):
    page = browser.new_page()
    page.goto(server + "monitoring/")
    names = "() => [...document.querySelectorAll('table.zwgk-sortable tbody tr')].map(r => r.cells[0].textContent)"
    page.click("table.zwgk-sortable thead th:nth-child(1) button")
    descending = page.evaluate(names)
    assert page.get_attribute("table.zwgk-sortable thead th:nth-child(1)", "aria-sort") == "descending"
    page.keyboard.press("Enter")  # the focused heading button: keyboard works too
    ascending = page.evaluate(names)
    assert ascending == list(reversed(descending))
    assert page.get_attribute("table.zwgk-sortable thead th:nth-child(1)", "aria-sort") == "ascending"
    page.close()
