"""What the public sees, in a real browser: Debian's Chromium driven by Playwright, on loopback.

Each page opens with no console errors and no request to any host but 127.0.0.1, and axe-core finds
no serious or critical accessibility violation.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest
import yaml
from conftest import SAMPLE

from zwgk.rules.run import check
from zwgk.site import static_search, urls
from zwgk.site.data import site_data

playwright_api = pytest.importorskip("playwright.sync_api")
axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def server(sample_site):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(sample_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed: run FOR_TESTS=1 bash scripts/setup.sh")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def _pages(sample_site: Path) -> list[str]:
    item = next(p for p in sorted((sample_site / "items").rglob("index.html")) if "<svg" in p.read_text(encoding="utf-8"))
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

QUERIES = yaml.safe_load((Path(__file__).parent / "search_queries.yml").read_text(encoding="utf-8"))


def _wait_for_results(page) -> None:
    page.wait_for_function("() => !/正在|请输入/.test(document.getElementById('zwgk-search-status').textContent)", timeout=15_000)


def _expected_urls(case: dict, data) -> set[str]:
    if "department" in case:
        return set()
    items = {urls.item(i.dept_id, i.basic_code) for i in data.items if i.basic_code == case["code"]}
    entries = {data.entry_url(e) for e in data.entries if e.index == case["code"]}
    return items | entries


@pytest.fixture(scope="module")
def sample_data():
    return site_data(check(SAMPLE))


@pytest.mark.slow
def test_quality_set_in_chromium_top_5(browser, server, sample_data):
    """Every query of the quality set, typed into the static search page, finds its record in the top 5."""
    page = browser.new_page()
    failures = []
    for case in QUERIES:
        page.goto(f"{server}search/?q={quote(case['query'])}")
        _wait_for_results(page)
        top = page.eval_on_selector_all(
            "#zwgk-search-results li", "els => els.slice(0, 5).map(li => [li.querySelector('a').href, li.innerText])"
        )
        found = [href.removeprefix(server) for href, _ in top]
        if "department" in case:
            ok = any(case["department"] in text for _, text in top)
        else:
            ok = bool(_expected_urls(case, sample_data) & set(found))
        if not ok:
            failures.append(f"{case['kind']} {case['query']}: {found}")
    page.close()
    assert failures == [], "\n".join(failures)


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
    metas = page.eval_on_selector_all("#zwgk-search-results li p", "els => els.map(e => e.textContent)")
    assert metas and all("省市场监管局" in meta for meta in metas), metas
    assert "department=" in page.url
    page.goto(f"{server}search/?q=%E9%80%9A%E7%9F%A5&year=2025")  # 通知, 2025 only
    _wait_for_results(page)
    links = page.eval_on_selector_all("#zwgk-search-results li a", "els => els.map(e => e.getAttribute('href'))")
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
        assert page.evaluate("t => zwgkSearch.normaliseCode(t)", text) == static_search.normalise_code(text)
        assert page.evaluate("t => zwgkSearch.gramTokens(t)", text) == list(dict.fromkeys(static_search.gram_tokens(text)))
        shards = int(page.get_attribute("#zwgk-search-script", "data-shards"))
        key = static_search.normalise_code(text)
        assert page.evaluate("k => zwgkSearch.shardOf(k)", key) == static_search.shard_of(key, shards)
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
