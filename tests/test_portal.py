"""The public portal as an inspector and a citizen on a phone see it, in Debian's Chromium at 390 px
(a phone) and 1366 px (a laptop): site identity and page tags, the site map and the 404 page, 长者模式,
keyboard use, axe-core, tables as cards and on paper, charts readable on a phone.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import subprocess
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT

from zwgk.site import urls

axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
FOOTER_LINKS = ["网站地图", "联系我们", "版权声明", "隐私声明", "无障碍声明", "我要纠错"]


def _kinds(site: Path) -> dict[str, str]:
    """One page of every kind, by name."""
    item = next(p for p in sorted((site / "items").rglob("index.html")) if 'class="zwgk-flowchart"' in p.read_text(encoding="utf-8"))
    catalogue = sorted((site / "catalogue").rglob("index.html"))[0]
    scorecard = sorted(p for p in (site / "monitoring").glob("*/index.html") if p.parent.name != "inspection")[0]
    report = sorted((site / "annual").glob("*/[0-9][0-9][0-9][0-9]/index.html"))[0]
    region = sorted((site / "annual/regions").glob("*/index.html"))[0]
    return {
        "home": "",
        "department": "departments/340000-amr/",
        "item": item.parent.relative_to(site).as_posix() + "/",
        "catalogue": catalogue.parent.relative_to(site).as_posix() + "/",
        "search": "search/?q=食品经营许可",
        "monitoring": "monitoring/",
        "scorecard": scorecard.parent.relative_to(site).as_posix() + "/",
        "annual": "annual/",
        "annual_report": report.parent.relative_to(site).as_posix() + "/",
        "region": region.parent.relative_to(site).as_posix() + "/",
        "inspection": "monitoring/inspection/",
        "type": "types/01/",
        "topic": "topics/",
        "sitemap": "sitemap/",
        "accessibility": "about/accessibility/",
        "correction": "about/correction/",
    }


def _open(browser, url: str, viewport: dict, elder: bool = False, **options):
    context = browser.new_context(viewport=viewport, locale="zh-CN", **options)
    if elder:
        context.add_init_script("try { localStorage.setItem('zwgk-elder', '1'); } catch (e) {}")
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    return context, page


def _meta(page) -> dict[str, str]:
    return page.evaluate("Object.fromEntries([...document.querySelectorAll('meta[name]')].map(m => [m.name, m.content]))")


# ---- 1. Site identity, page tags, site map, 404 -------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1366"])
def test_every_page_shows_the_site_identity_and_its_page_tags(browser, server, sample_site, viewport):
    for kind, path in _kinds(sample_site).items():
        context, page = _open(browser, server + path, viewport)
        footer = page.locator("footer.zwgk-footer")
        text = footer.inner_text()
        for label in [*FOOTER_LINKS, "主办单位", "网站标识码", "ICP备", "公网安备", "示例"]:
            assert label in text, f"{kind}: footer lacks {label}"
        for label in FOOTER_LINKS:
            link = footer.get_by_role("link", name=label)
            assert link.is_visible(), f"{kind}: {label} not visible"
            href = link.get_attribute("href")
            assert (sample_site / urls.page_source(_resolve(path, href)).replace(".md", ".html")).is_file(), f"{kind}: {label} → {href}"
        mark = footer.locator("img.zwgk-footer__mark")
        assert mark.get_attribute("alt").startswith("党政机关网站标识")
        assert page.evaluate("[...document.querySelectorAll('footer img')].every(i => i.complete && i.naturalWidth > 0)"), kind
        assert page.evaluate("[...document.querySelectorAll('footer img')].every(i => new URL(i.src).host === location.host)"), kind
        meta = _meta(page)
        assert meta["SiteName"] == "安徽省政务公开目录" and meta["SiteIDCode"] == "3400000000" and meta["SiteDomain"], kind
        context.close()


def _resolve(page_path: str, href: str) -> str:
    """The site path of a relative link on a page at `page_path` (a directory URL)."""
    parts = [p for p in page_path.split("?")[0].split("/") if p]
    for part in href.split("#")[0].split("/"):
        if part == "..":
            parts.pop()
        elif part and part != ".":
            parts.append(part)
    return "/".join(parts) + "/" if parts else ""


@pytest.mark.slow
def test_item_and_list_pages_carry_article_and_column_tags(browser, server, sample_site):
    kinds = _kinds(sample_site)
    context, page = _open(browser, server + kinds["item"], LAPTOP)
    meta = _meta(page)
    for name in ("ArticleTitle", "PubDate", "ContentSource", "Keywords", "Author", "Description", "Url"):
        assert meta.get(name), f"item page lacks {name}"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", meta["PubDate"]), meta["PubDate"]
    assert meta["Url"].startswith("https://example.org/zwgk/items/")
    for kind in ("catalogue", "department", "type", "topic", "monitoring"):
        page.goto(server + kinds[kind], wait_until="networkidle")
        meta = _meta(page)
        assert meta.get("ColumnName") and meta.get("ColumnType"), f"{kind} lacks column tags"
    page.goto(server + kinds["catalogue"], wait_until="networkidle")
    meta = _meta(page)
    assert meta.get("ArticleTitle") and re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", meta.get("PubDate", "")), (
        "entries shown: article tags"
    )
    context.close()


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")


def test_the_site_map_links_every_department_type_topic_and_catalogue_year(sample_site, sample_data):
    parser = _Links()
    parser.feed((sample_site / "sitemap/index.html").read_text(encoding="utf-8"))
    linked = {_resolve("sitemap/", href) for href in parser.hrefs if not href.startswith(("http", "mailto:", "#"))}
    for target in linked:
        assert (sample_site / target / "index.html").is_file() or target == "", f"site map links a missing page: {target}"
    expected = {urls.department(d) for d in sample_data.departments}
    expected |= {urls.power_type(code) for code in sample_data.scheme.power_types}
    expected |= {urls.topic(code) for code in sample_data.scheme.topics}
    expected |= {urls.catalogue_page(e.dept_id, sample_data.numbers[id(e)].period) for e in sample_data.entries}
    assert expected - linked == set()
    years = {(e.dept_id, e.date.year) for e in sample_data.entries}
    text = (sample_site / "sitemap/index.html").read_text(encoding="utf-8")
    assert all(f"{year} 年目录" in text for _, year in years)


@pytest.fixture(scope="module")
def prefixed_server(sample_site, tmp_path_factory):
    """The site at the server root, under /zwgk/ (its site_url) and under /other/, with 404.html for any
    missing path (as GitHub Pages and most servers are configured)."""
    root = tmp_path_factory.mktemp("served") / "root"
    skip = shutil.ignore_patterns("pagefind", "exports", "feeds", "i", "codes", "catalogue", "items")
    shutil.copytree(sample_site, root, ignore=skip)
    for prefix in ("zwgk", "other"):
        shutil.copytree(sample_site, root / prefix, ignore=skip)
    not_found = (sample_site / "404.html").read_bytes()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def send_error(self, code, message=None, explain=None):
            if code != 404:
                return super().send_error(code, message, explain)
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(not_found)))
            self.end_headers()
            self.wfile.write(not_found)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.mark.slow
@pytest.mark.parametrize("prefix", ["zwgk/", "other/", ""])
def test_the_404_page_is_chinese_and_styled_under_any_base_path(browser, prefixed_server, prefix):
    context, page = _open(browser, f"{prefixed_server}{prefix}no/such/deep/page/", PHONE)
    assert page.locator("h1").inner_text().startswith("页面不存在")
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") in ("sticky", "fixed"), "theme CSS loaded"
    assert page.locator("footer.zwgk-footer").inner_text().count("网站标识码") == 1
    home = page.get_by_role("link", name="返回首页")
    assert page.evaluate("el => el.href", home.element_handle()) == f"{prefixed_server}{prefix}"
    home.click()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("location.href") == f"{prefixed_server}{prefix}" and "安徽省政务公开目录" in page.title()
    context.close()


# ---- 4. 长者模式 and keyboard ---------------------------------------------------------------------


def _text_metrics(page) -> dict:
    return page.evaluate(
        """() => {
          const p = document.querySelector('.md-content .md-typeset p');
          const cs = getComputedStyle(p);
          const bg = getComputedStyle(document.body).backgroundColor;
          return {size: parseFloat(cs.fontSize), line: parseFloat(cs.lineHeight), gap: parseFloat(cs.marginBottom),
                  color: cs.color, bg, search: parseFloat(getComputedStyle(document.getElementById('zwgk-search-box-input')).fontSize)};
        }"""
    )


def _luminance(css: str) -> float:
    values = [float(v) for v in re.findall(r"[\d.]+", css)[:3]]
    alpha = float(re.findall(r"[\d.]+", css)[3]) if css.startswith("rgba") else 1.0
    values = [v * alpha + 255 * (1 - alpha) for v in values]  # over white
    channels = [(v / 255 / 12.92) if v / 255 <= 0.03928 else ((v / 255 + 0.055) / 1.055) ** 2.4 for v in values]
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def _contrast(fg: str, bg: str) -> float:
    bg = "rgb(255, 255, 255)" if bg in ("rgba(0, 0, 0, 0)", "transparent") else bg
    high, low = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.slow
@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1366"])
def test_elder_mode_enlarges_spaces_and_contrasts_and_persists(browser, server, sample_site, viewport):
    kinds = _kinds(sample_site)
    context, page = _open(browser, server + kinds["department"], viewport)
    normal = _text_metrics(page)
    assert normal["search"] >= 16, "header search text at least 16 px"
    button = page.get_by_role("button", name=re.compile("长者模式"))
    assert button.is_visible() and button.get_attribute("aria-pressed") == "false"
    button.click()
    elder = _text_metrics(page)
    assert button.get_attribute("aria-pressed") == "true"
    assert elder["size"] >= 1.3 * normal["size"], (normal, elder)
    assert elder["line"] >= 1.3 * elder["size"], elder
    assert elder["gap"] >= 1.3 * elder["line"], elder
    assert _contrast(elder["color"], elder["bg"]) >= 7, elder
    for kind in ("item", "catalogue", "monitoring", "home", "annual_report", "region", "inspection"):
        page.goto(server + kinds[kind], wait_until="networkidle")
        assert page.evaluate("document.documentElement.classList.contains('zwgk-elder')"), f"{kind}: the choice persists"
        assert _text_metrics(page)["size"] >= 1.3 * normal["size"], kind
    page.get_by_role("button", name=re.compile("长者模式")).click()
    page.reload(wait_until="networkidle")
    assert not page.evaluate("document.documentElement.classList.contains('zwgk-elder')"), "switched off, it stays off"
    context.close()


def test_elder_mode_is_set_before_the_first_paint(sample_site):
    """The class is set by an inline script in <head>, before any stylesheet or the body is parsed."""
    for path in ("index.html", "404.html", "departments/340000-amr/index.html"):
        text = (sample_site / path).read_text(encoding="utf-8")
        head = text.split("<body", 1)[0]
        script = head.index('localStorage.getItem("zwgk-elder")')
        assert 0 < script < text.index("<body"), path


def _tab_walk(page, stops: int) -> list[dict]:
    walked = []
    for _ in range(stops):
        page.keyboard.press("Tab")
        walked.append(
            page.evaluate(
                """() => {
                  const el = document.activeElement; const r = el.getBoundingClientRect(); const cs = getComputedStyle(el);
                  return {name: (el.getAttribute('aria-label') || el.innerText || el.value || el.tagName).trim().slice(0, 30),
                          cls: el.className && el.className.baseVal === undefined ? el.className : '',
                          inDrawer: !!el.closest('.md-sidebar--primary'),
                          visible: r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && r.bottom > 0 && r.right > 0 && r.left < innerWidth};
                }"""
            )
        )
    return walked


@pytest.mark.slow
@pytest.mark.parametrize("viewport, scale", [(PHONE, 1), ({"width": 683, "height": 450}, 2)], ids=["390", "1366-at-200-percent"])
@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
def test_the_menu_button_is_reachable_by_tab_and_nothing_invisible_takes_focus(browser, server, sample_site, viewport, scale, elder):
    kinds = _kinds(sample_site)
    for kind in ("department", "catalogue", "annual_report", "region", "inspection"):
        context, page = _open(browser, server + kinds[kind], viewport, elder=elder, device_scale_factor=scale)
        walked = _tab_walk(page, 12)
        assert all(stop["visible"] for stop in walked), f"{kind}: an invisible element took focus: {walked}"
        assert not any(stop["inDrawer"] for stop in walked), f"{kind}: a closed drawer's link took focus: {walked}"
        menu = next((n for n, stop in enumerate(walked) if "zwgk-menu-button" in stop["cls"]), None)
        assert menu is not None and menu <= 3, f"{kind}: menu button not among the first Tab stops: {walked}"
        page.focus(".zwgk-menu-button")
        page.keyboard.press("Enter")
        assert page.evaluate("document.getElementById('__drawer').checked"), "Enter opens the drawer"
        assert page.locator(".zwgk-menu-button").get_attribute("aria-expanded") == "true"
        page.wait_for_timeout(300)
        inside = _tab_walk(page, 2)
        assert all(stop["inDrawer"] and stop["visible"] for stop in inside), f"{kind}: the open drawer takes focus: {inside}"
        page.keyboard.press("Escape")
        assert not page.evaluate("document.getElementById('__drawer').checked"), "Escape closes the drawer"
        context.close()


@pytest.mark.slow
@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1366"])
@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
def test_axe_finds_no_serious_violation_on_any_kind_of_page(browser, server, sample_site, viewport, elder):
    axe = axe_module.Axe()
    failures = []
    for kind, path in _kinds(sample_site).items():
        context, page = _open(browser, server + path, viewport, elder=elder)
        if kind == "search":
            page.wait_for_function("() => !/正在|请输入/.test(document.getElementById('zwgk-search-status').textContent)", timeout=15_000)
        results = axe.run(page)
        serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        failures += [f"{kind}: {v['id']} {v['help']} ({len(v['nodes'])}: {v['nodes'][0]['target']})" for v in serious]
        context.close()
    assert failures == []


# ---- 3. Tables on a phone, a laptop and paper ---------------------------------------------------


@pytest.mark.slow
def test_tables_are_labelled_cards_at_390_without_sideways_scrolling(browser, server, sample_site):
    kinds = _kinds(sample_site)
    for kind in (
        "home",
        "department",
        "catalogue",
        "item",
        "monitoring",
        "scorecard",
        "annual",
        "type",
        "annual_report",
        "region",
        "inspection",
    ):
        context, page = _open(browser, server + kinds[kind], PHONE)
        report = page.evaluate(
            """() => ({
              page: document.documentElement.scrollWidth,
              wide: [...document.querySelectorAll('.zwgk-table')].filter(w => w.scrollWidth > w.clientWidth + 1).length,
              unlabelled: [...document.querySelectorAll('table.zwgk-data td')].filter(td => !td.dataset.label).length,
              labels: [...document.querySelectorAll('table.zwgk-data td')].slice(0, 3).map(td => getComputedStyle(td, '::before').content),
              hints: document.querySelectorAll('.zwgk-scroll-hint').length,
            })"""
        )
        assert report["page"] <= PHONE["width"], f"{kind}: the page scrolls sideways ({report})"
        assert report["wide"] == 0 and report["hints"] == 0, f"{kind}: a table scrolls sideways ({report})"
        assert report["unlabelled"] == 0, f"{kind}: cells without their column's label ({report})"
        assert all(label not in ("none", "normal") for label in report["labels"]), report
        context.close()


@pytest.mark.slow
def test_entry_cards_are_labelled_by_their_columns_without_scripts(browser, server, sample_site):
    """Entry tables carry no data-label (700,000 cells at province scale): the stylesheet labels their
    cards by column, so a phone without JavaScript still shows each value's name."""
    kinds = _kinds(sample_site)
    html = (sample_site / kinds["catalogue"] / "index.html").read_text(encoding="utf-8")
    assert "zwgk-entries" in html and "data-label" not in html
    context, page = _open(browser, server + kinds["catalogue"], PHONE, java_script_enabled=False)
    labels = page.evaluate(
        """() => [...document.querySelector('table.zwgk-entries > tbody > tr').cells]
              .map(td => [td.hasAttribute('data-label'), getComputedStyle(td, '::before').content])"""
    )
    context.close()
    expected = ["索引号：", "信息名称：", "生成日期：", "文号：", "主题分类：", "有效性："]
    assert labels == [[False, f'"{label}"'] for label in expected], labels


@pytest.mark.slow
def test_no_key_column_is_hidden_at_1366(browser, server, sample_site):
    kinds = _kinds(sample_site)
    for kind in ("catalogue", "department", "monitoring", "annual", "home", "scorecard", "annual_report", "region", "inspection"):
        context, page = _open(browser, server + kinds[kind], LAPTOP)
        wide = page.evaluate(
            "[...document.querySelectorAll('.zwgk-table')].filter(w => w.scrollWidth > w.clientWidth + 1)"
            ".map(w => w.getAttribute('aria-label'))"
        )
        assert wide == [], f"{kind}: tables scroll at 1366 px: {wide}"
        context.close()


@pytest.mark.slow
def test_a_permalink_keeps_the_first_column_in_view(browser, server, sample_site):
    catalogue = _kinds(sample_site)["catalogue"]
    for viewport in (PHONE, {"width": 800, "height": 900}, LAPTOP):
        context, page = _open(browser, f"{server}{catalogue}#00002", viewport)
        state = page.evaluate(
            """() => { const t = document.querySelector(':target'); const row = t.closest('tr'); const first = row.cells[0].getBoundingClientRect();
                       const wrap = t.closest('.zwgk-table');
                       return {left: first.left, right: first.right, width: innerWidth, scroll: wrap.scrollLeft,
                               highlighted: getComputedStyle(row).backgroundColor, top: row.getBoundingClientRect().top}; }"""
        )
        assert state["scroll"] == 0 and 0 <= state["left"] < state["width"], state
        assert state["highlighted"] not in ("rgba(0, 0, 0, 0)", "transparent"), state
        assert 0 <= state["top"] < viewport["height"], state
        context.close()


def _pdf_text(pdf: bytes, tmp_path: Path, name: str) -> list[str]:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftotext", "-layout", str(path)], check=True)
    return path.with_suffix(".txt").read_text(encoding="utf-8").split("\f")[:-1]


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["catalogue", "department", "monitoring", "annual", "annual_report", "region", "inspection"])
def test_printed_pages_keep_every_column_and_no_page_is_blank(browser, server, sample_site, tmp_path, kind):
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is not installed: apt-get install -y poppler-utils")
    context, page = _open(browser, server + _kinds(sample_site)[kind], LAPTOP)
    headers = page.evaluate(
        "[...document.querySelectorAll('table.zwgk-data thead th')].map(th => th.innerText.replace(/\\s+/g, '').replace(/[⇅▲▼]/g, ''))"
    )
    page.emulate_media(media="print")
    assert page.evaluate(
        "[...document.querySelectorAll('.md-header, .md-sidebar, .md-footer')].every(e => getComputedStyle(e).display === 'none')"
    )
    repeats = page.evaluate(
        "[...document.querySelectorAll('table.zwgk-data thead')].every(t => getComputedStyle(t).display === 'table-header-group')"
    )
    assert repeats, "header rows repeat on every printed page"
    for name, options in (("css", {"prefer_css_page_size": True}), ("a4", {"format": "A4"})):
        pages = _pdf_text(page.pdf(print_background=True, **options), tmp_path, f"{kind}-{name}")
        assert all(text.strip() for text in pages), f"{kind} ({name}): a blank page among {len(pages)}"
        printed = re.sub(r"\s+", "", "".join(pages))
        missing = [header for header in headers if header and header not in printed]
        assert missing == [], f"{kind} ({name}): column headers lost in print: {missing}"
    context.close()


@pytest.mark.slow
def test_a_catalogue_page_printed_in_elder_mode_stays_large_and_short(browser, server, sample_site, tmp_path):
    """长者模式 prints its tables larger than the normal 8pt, without the screen's enlarged root size
    that spread a page of four entries over nine sheets."""
    context, page = _open(browser, server + _kinds(sample_site)["catalogue"], LAPTOP, elder=True)
    page.emulate_media(media="print")
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('table.zwgk-data td')).fontSize)")
    rows = page.evaluate("document.querySelectorAll('table.zwgk-entries > tbody > tr').length")
    pages = _pdf_text(page.pdf(format="A4"), tmp_path, "elder")
    assert size >= 14, size  # 11pt = 14.7px; normal print is 8pt
    assert len(pages) <= max(2, rows), (len(pages), rows)
    context.close()


# ---- 5. Charts readable on a phone --------------------------------------------------------------

# The smallest text of the chart shown (an inline <svg>, or an <img> whose SVG file is read), in CSS px.
_SMALLEST_TEXT = """async sel => { const shown = [...document.querySelectorAll(sel)].find(s => s.getBoundingClientRect().width > 0);
  const svg = shown.tagName === 'IMG'
    ? new DOMParser().parseFromString(await (await fetch(shown.src)).text(), 'image/svg+xml').documentElement : shown;
  const scale = shown.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const sizes = [...svg.querySelectorAll('text')].map(t => parseFloat(t.getAttribute('font-size') || getComputedStyle(t).fontSize) * scale);
  return {texts: sizes.length, smallest: Math.min(...sizes), right: shown.getBoundingClientRect().right}; }"""


@pytest.mark.slow
def test_charts_text_is_at_least_12px_at_390(browser, server, sample_site):
    kinds = _kinds(sample_site)
    context, page = _open(browser, server + kinds["item"], PHONE)
    chart = page.evaluate(_SMALLEST_TEXT, ".zwgk-flowchart img")
    assert chart["texts"] > 0 and chart["smallest"] >= 12 and chart["right"] <= PHONE["width"], chart
    page.goto(server + "monitoring/", wait_until="networkidle")
    trend = page.evaluate(_SMALLEST_TEXT, "svg.zwgk-trend")
    assert trend["smallest"] >= 12 and trend["right"] <= PHONE["width"], trend
    clipped = page.evaluate(
        """() => { const svg = document.querySelector('svg.zwgk-trend'); const box = svg.getBoundingClientRect();
                   return [...svg.querySelectorAll('text')].filter(t => { const r = t.getBoundingClientRect();
                     return r.left < box.left - 0.5 || r.right > box.right + 0.5; }).map(t => t.textContent); }"""
    )
    assert clipped == [], f"trend labels cut off: {clipped}"
    context.close()


@pytest.mark.slow
def test_no_arrow_crosses_a_lane_label(browser, server, sample_site):
    context, page = _open(browser, server + _kinds(sample_site)["item"], LAPTOP)
    page.goto(page.evaluate("document.querySelector('.zwgk-flowchart__wide').src"))  # the drawing's own file
    crossings = page.evaluate(
        """() => { const svg = document.querySelector('svg'); const hits = [];
          const lanes = [...svg.querySelectorAll('g.node')].filter(g => !g.querySelector('polygon, ellipse, path'));  // plaintext: lane labels
          const edges = [...svg.querySelectorAll('g.edge path')];
          for (const lane of lanes) { const b = lane.getBBox();
            for (const path of edges) { const length = path.getTotalLength();
              for (let d = 0; d <= length; d += 2) { const p = path.getPointAtLength(d);
                if (p.x > b.x && p.x < b.x + b.width && p.y > b.y && p.y < b.y + b.height) { hits.push(lane.textContent.trim()); break; } } } }
          return {lanes: lanes.length, hits}; }"""
    )
    assert crossings["lanes"] > 0 and crossings["hits"] == [], crossings
    context.close()


# ---- 2, 6, 7, 8, 9. Entries in full, a citizen's way in, departments, typography, plain words -------


@pytest.mark.slow
@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1366"])
def test_every_entry_is_readable_in_full_and_its_permalink_opens_it(browser, server, sample_site, sample_data, viewport):
    entry = next(e for e in sample_data.entries if e.summary and e.keywords)
    url = sample_data.entry_url(entry)
    context, page = _open(browser, server + url, viewport)
    target = page.locator(":target")
    row = page.locator("tr:has(:target)")
    assert target.is_visible() and row.is_visible()
    details = row.locator("details")
    assert details.get_attribute("open") is not None, "the permalink opens its entry"
    text = row.inner_text()
    for value in (entry.summary, *entry.keywords, entry.index, str(entry.date)):
        assert value in text, f"{value} not shown"
    if entry.url:
        assert row.locator(f'a[href="{entry.url}"]').count() == 1
    other = page.locator("tr:not(:has(:target)) details").first
    assert other.get_attribute("open") is None
    other.locator("summary").click()
    assert other.get_attribute("open") is not None, "any entry opens on a tap"
    context.close()


@pytest.mark.slow
@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1366"])
def test_a_citizen_starts_from_a_large_search_box_and_ways_in(browser, server, sample_site, viewport):
    context, page = _open(browser, server, viewport)
    box = page.locator("main input[type=search]")
    assert box.is_visible() and page.evaluate("el => parseFloat(getComputedStyle(el).fontSize)", box.element_handle()) >= 18
    first = page.evaluate("[...document.querySelectorAll('.md-content h2, .md-content form')].map(e => e.tagName)[0]")
    assert first == "FORM", "the search box leads the home page"
    for name in ("个人办事", "法人办事"):
        link = page.get_by_role("link", name=re.compile(name))
        assert link.first.is_visible(), name
    link = page.get_by_role("link", name=re.compile("个人办事")).first
    link.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("table.zwgk-data tbody tr").count() > 0
    assert _meta(page).get("ColumnName")
    page.goto(server, wait_until="networkidle")
    box = page.locator("main input[type=search]")
    box.fill("食品经营许可")
    box.press("Enter")
    page.wait_for_load_state("networkidle")
    assert "search/" in page.url and "q=" in page.url
    context.close()


@pytest.mark.slow
def test_an_item_page_names_its_department_and_how_to_apply(browser, server, sample_site, sample_data):
    item = next(
        i
        for i in sample_data.items
        if i.is_active and i.online_url and i.location and i.hours and sum(j.basic_code == i.basic_code for j in sample_data.items) > 1
    )
    others = [j for j in sample_data.items if j.basic_code == item.basic_code and j.dept_id != item.dept_id]
    context, page = _open(browser, server + urls.item(item.dept_id, item.basic_code), PHONE)
    header = page.locator(".md-content h1").inner_text() + page.locator(".zwgk-lede").inner_text()
    assert item.name in header and sample_data.departments[item.dept_id].name in header
    text = page.locator(".md-content").inner_text()
    for label, value in (("办理地点", item.location), ("办理时间", item.hours)):
        assert label in text and value in text
    phone = page.locator(f'a[href="tel:{item.contact.consult_phone}"]')
    assert phone.count() >= 1 and phone.first.is_visible()
    online = page.get_by_role("link", name=re.compile("在线办理"))
    assert online.first.get_attribute("href") == item.online_url
    for other in others:
        assert page.locator(f'a[href$="{urls.item(other.dept_id, other.basic_code)}"]').count() >= 1, other.dept_id
    assert page.locator(f'a[href$="{urls.power_type(item.type)}"]').count() >= 1
    context.close()


@pytest.mark.slow
def test_a_department_page_counts_alike_links_its_exports_and_explains_empty_months(browser, server, sample_site, sample_data):
    dept_id = "340000-amr"
    items = sample_data.items_by_dept[dept_id]
    active = sum(1 for i in items if i.is_active)
    context, page = _open(browser, server + urls.department(dept_id), LAPTOP)
    text = page.locator(".md-content").inner_text()
    assert f"现行有效 {active} 项" in text
    powers = page.locator('.zwgk-table[aria-label^="权责清单"]')
    assert powers.count() == 1, "one power-list table"
    assert powers.locator("tbody tr").count() == len(items), "every item, cancelled ones too, in the one table"
    widths = page.evaluate(
        "[...document.querySelector('.zwgk-table[aria-label^=\"权责清单\"] table').rows].map(r => r.cells[1].getBoundingClientRect().left)"
    )
    assert len(set(round(w) for w in widths)) == 1, "aligned columns"
    assert ", " not in powers.inner_text() and ", " not in text.split("现行有效", 1)[1][:200], "Chinese punctuation"
    # The department's own download is its workbook; the CSV and JSON files hold the whole province once.
    workbook = f"exports/departments/{dept_id}/{dept_id}.xlsx"
    for export in (workbook, "exports/entries.csv", "exports/items.csv", "exports/catalogue.json.gz"):
        link = page.locator(f'.md-content a[href$="{export}"]')
        assert link.count() == 1, export
        assert (sample_site / export).stat().st_size > 0, export
    head = page.locator(f'link[rel~="alternate"][href$="{workbook}"]')
    assert head.count() == 1 and "spreadsheetml.sheet" in head.get_attribute("type")
    assert not (sample_site / "exports/departments" / dept_id / "entries.csv").exists(), "no second copy of the province's rows"
    alternate = page.locator('link[rel~="alternate"][type="application/atom+xml"]')
    assert alternate.count() >= 1 and alternate.first.get_attribute("href").endswith(f"feeds/departments/{dept_id}.xml")
    assert "备注说明" in text or "无新公开" in text, "months with nothing published say so"
    for words in ("20 个工作日", "依申请公开", "政府信息公开指南"):
        assert words in text, words
    page.goto(server, wait_until="networkidle")
    assert f"{active}" in page.locator(".md-content").inner_text()
    context.close()


def _month_items(html: str) -> dict[str, str]:
    """The month list items of a page ("2025 年 9 月" -> the item's text)."""
    items = re.findall(r'<ul class="zwgk-periods">(.*?)</ul>', html, flags=re.S)
    found = {}
    for item in re.findall(r"<li\b[^>]*>(.*?)</li>", " ".join(items), flags=re.S):
        text = re.sub(r"<[^>]+>", "", item)
        label = re.match(r"\d{4} 年 \d{1,2} 月", text)
        if label:
            found[label.group(0)] = text
    return found


def test_a_remark_shows_in_place_of_the_month_it_explains(sample_site, sample_data):
    """A month with nothing published is listed in its place among the months, with the 备注说明 from
    department.yml, on the department page and on the catalogue pages of that year."""
    remarked = [(dept, key, text) for dept in sample_data.departments.values() for key, text in dept.remarks.items() if len(key) == 7]
    assert remarked, "the sample has remarks for months"
    for dept, key, text in remarked:
        label = f"{key[:4]} 年 {int(key[5:])} 月"
        page = (sample_site / urls.department(dept.dept_id) / "index.html").read_text(encoding="utf-8")
        months = _month_items(page)
        assert label in months and f"备注说明：{text}" in months[label], (
            dept.dept_id,
            key,
            months.get(label),
        )
        if not any(sample_data.numbers[id(e)].period == key.replace("-", "") for e in sample_data.entries_by_dept[dept.dept_id]):
            assert "无新公开的政府信息" in months[label], months[label]
        same_year = sorted((sample_site / "catalogue" / dept.dept_id).glob(f"{key[:4]}*/index.html"))
        assert same_year, (dept.dept_id, key)
        for path in same_year:
            months = _month_items(path.read_text(encoding="utf-8"))
            assert f"备注说明：{text}" in months.get(label, ""), path
        in_year = [int(m.split(" 年 ")[1].rstrip(" 月")) for m in _month_items(page) if m.startswith(key[:4])]
        assert in_year == sorted(in_year) and int(key[5:]) in in_year, ("in its place among the months", in_year)


def test_codes_times_and_index_numbers_do_not_break_inside(sample_site):
    text = (sample_site / "departments/340000-amr/index.html").read_text(encoding="utf-8")
    assert re.search(r'<span class="zwgk-nowrap">\d{1,2}:\d{2}-\d{1,2}:\d{2}</span>', text), "office hours: times kept whole"
    catalogue = next((sample_site / "catalogue").rglob("index.html")).read_text(encoding="utf-8")
    # The 索引号 is the entries' first cell, kept whole by its place; the 发布日期 a <time>.
    assert re.search(r'<tr>\s*<td><a href="#\d{5}">[^<]+/\d{4,6}-\d{5}</a></td>', catalogue)
    assert re.search(r"<dt>发布日期</dt><dd><time>\d{4}-\d{2}-\d{2}</time></dd>", catalogue)
    css = (sample_site / "assets/zwgk.css").read_text(encoding="utf-8")
    assert ".zwgk-nowrap, .zwgk-code, .zwgk time { white-space: nowrap; }" in css and "text-wrap: balance" in css
    assert re.search(r"\.zwgk :where\(table\.zwgk-entries > tbody > tr\) > td:first-child, [^{]*\{ white-space: nowrap; \}", css)


class _Visible(HTMLParser):
    """The text a reader sees on a page: text nodes and the alt, title, aria-label and placeholder
    attributes, outside scripts, styles, SVG drawings and elements marked hidden (search metadata)."""

    SKIP = frozenset({"script", "style", "svg", "template", "noscript"})
    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
    SHOWN = ("alt", "title", "aria-label", "placeholder")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, bool]] = []
        self.parts: list[str] = []

    def _hidden(self) -> bool:
        return any(hidden for _, hidden in self.open)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in self.VOID:
            self.open.append((tag, tag in self.SKIP or "hidden" in attrs))
        if not self._hidden():
            self.parts += [attrs[name] for name in self.SHOWN if attrs.get(name)]

    def handle_endtag(self, tag):
        while self.open and tag not in self.VOID:
            if self.open.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not self._hidden():
            self.parts.append(data)


def _jargon() -> re.Pattern:
    """File names, catalogue paths, rule ids (the registry's and their shape) and the catalogue's YAML
    keys (every snake_case field name of the model, and the one-word keys a message could name)."""
    import pydantic

    from zwgk import rules
    from zwgk.catalog import model

    fields = {
        name
        for cls in vars(model).values()
        if isinstance(cls, type) and issubclass(cls, pydantic.BaseModel)
        for name in cls.model_fields
        if "_" in name
    }
    words = {"location", "hours", "remarks", "columns", "validity", "interprets", "normative", "publisher", "maintainers", "genres"}
    keys = "|".join(sorted(map(re.escape, fields | words | set(rules.REGISTRY)), key=len, reverse=True))
    return re.compile(
        rf"[\w/<>.-]*\.ya?ml\b|\bdepartments/|\b[a-z]+\.[a-z]+(?:-[a-z]+)+\b|\b(?:topic|type|genre):\d|(?<![\w.-])(?:{keys})(?![\w-])"
    )


def test_public_pages_speak_no_internal_jargon(sample_site):
    """Every built page outside the contributor guide: what a reader sees names records and says
    things in Chinese; file names, YAML keys and rule ids stay in /contributing/."""
    jargon = _jargon()
    pages = [p for p in sorted(sample_site.rglob("*.html")) if not p.relative_to(sample_site).as_posix().startswith("contributing/")]
    assert (
        len(pages) > 300 and any("monitoring/inspection" in p.as_posix() for p in pages) and any("annual/" in p.as_posix() for p in pages)
    )
    found = {}
    for path in pages:
        parser = _Visible()
        parser.feed(path.read_text(encoding="utf-8"))
        text = " ".join(parser.parts)
        hits = sorted({m.group(0) for m in jargon.finditer(text)})
        if hits:
            found[path.relative_to(sample_site).as_posix()] = hits[:5]
    assert found == {}, f"{len(found)} pages: {dict(list(found.items())[:8])}"


@pytest.mark.slow
@pytest.mark.parametrize("query", ["食品经营许可", "许可", "通知"])
def test_search_results_show_no_search_tokens_or_jargon(browser, server, query):
    """Results are drawn in the browser, so the static scan cannot see them: their excerpts carry
    no search-only tokens (zg…, zi…) and no jargon."""
    context, page = _open(browser, f"{server}search/?q={query}", PHONE)
    page.wait_for_function("() => !/正在|请输入/.test(document.getElementById('zwgk-search-status').textContent)", timeout=15_000)
    text = page.locator("#zwgk-search-results, .zwgk-search__results").first.inner_text()
    assert text.strip(), query
    assert not re.search(r"(?<![0-9A-Za-z])z[gi][0-9A-Za-z]{4,}", text), text[:400]
    assert not _jargon().search(text), _jargon().search(text).group(0)
    context.close()


def test_the_jargon_scan_can_fail():
    """The scan sees what a finding's old wording showed, and not what is hidden from readers."""
    jargon = _jargon()
    for leaked in (
        "departments/340000-amr/disclosure/2025.yml:90",
        "entry.published-late",
        "scheme.yml 的 service_types",
        "请写 validity",
        "annual/<年份>.yml",
        "topic:05",
        "写明 consult_phone",
    ):
        assert jargon.search(leaked), leaked
    parser = _Visible()
    parser.feed('<p>按时公开：请写有效性。<span hidden>entry.published-late</span><script>x.yml</script><a title="scheme.yml">链接</a></p>')
    assert [m.group(0) for m in jargon.finditer(" ".join(parser.parts))] == ["scheme.yml"]


# ---- 9. The contributor guide links every document and form it names -----------------------------

# What the guide names, by its link text: the project's own documents, data files and forms.
GUIDE_NAMES = [
    "《目录格式说明》",
    "规则参考",
    "权责清单模板.xlsx",
    "政府信息公开目录模板.xlsx",
    *(f"{name}.schema.json" for name in ("scheme", "department", "item", "disclosure", "annual")),
    "“报告事项信息有误”",
    "“提议新增事项或目录条目”",
    "拉取请求说明模板",
    ".github/CODEOWNERS",
    "exports/annual.json",
    "exports/annual.csv",
    "网站地图",
]


class _Anchors(HTMLParser):
    """Links (href, text) and the code spans outside links and preformatted blocks."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[list[str]] = []
        self.loose_code: list[str] = []
        self.depth = {"a": 0, "pre": 0, "code": 0}
        self.code = ""

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append([dict(attrs).get("href") or "", ""])
        if tag in self.depth:
            self.depth[tag] += 1
        if tag == "code":
            self.code = ""

    def handle_endtag(self, tag):
        if tag == "code" and not self.depth["a"] and not self.depth["pre"]:
            self.loose_code.append(self.code)
        if self.depth.get(tag):
            self.depth[tag] -= 1

    def handle_data(self, data):
        if self.depth["a"] and self.links:
            self.links[-1][1] += data
        if self.depth["code"]:
            self.code += data


def _guide_target_exists(sample_site: Path, href: str, repo_url: str) -> bool:
    """A link of the guide (a page at contributing/) opens: a file of the built site, or a file of the
    repository on the configured hosting platform (its page, or the issue form it opens)."""
    from urllib.parse import parse_qs, unquote, urlparse

    if href.startswith(repo_url + "/"):
        rest = urlparse(href)
        if rest.path.endswith("/issues/new"):
            return (ROOT / ".github/ISSUE_TEMPLATE" / parse_qs(rest.query)["template"][0]).is_file()
        path = re.split(r"/(?:blob|tree)/", unquote(rest.path), maxsplit=1)[1].split("/", 1)[1]
        return (ROOT / path).exists()
    if href.startswith(("http:", "https:", "mailto:")):
        return False
    target = _resolve("contributing/", unquote(href))
    return (sample_site / target.rstrip("/")).is_file() or (sample_site / target / "index.html").is_file()


def test_the_contributor_guide_links_every_document_and_form_it_names(sample_site):
    from zwgk import rules

    repo_url = re.search(r"^    repository: (\S+)", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M).group(1).rstrip("/")
    assert repo_url.startswith("https://")
    html = (sample_site / "contributing/index.html").read_text(encoding="utf-8")
    main = html.split('<article class="md-content__inner md-typeset">', 1)[1].split("</article>", 1)[0]
    parser = _Anchors()
    parser.feed(main)
    by_text = {}
    for href, text in parser.links:
        by_text.setdefault(re.sub(r"\s+", "", text), []).append(href)
    for name in GUIDE_NAMES:
        assert name in by_text, f"the guide names {name} without linking it"
        for href in by_text[name]:
            assert _guide_target_exists(sample_site, href, repo_url), f"{name} → {href} does not open"
    for text, hrefs in by_text.items():
        for href in hrefs:
            if href.startswith(repo_url) or not href.startswith(("http", "#", "mailto:")):
                assert _guide_target_exists(sample_site, href.split("#")[0] or "index.html", repo_url), f"{text} → {href}"
    # Whatever else it names in code: a rule id or a file of the repository or the site is a link.
    paths = re.compile(r"^(?:\.github/|schemas/|exports/|zwgk/|content/)[^<>…*\s]*$")
    unlinked = [code for code in parser.loose_code if code in rules.REGISTRY or paths.match(code)]
    assert unlinked == [], f"named in the guide but not linked: {unlinked}"
    for file_name in ("scheme", "department", "item", "disclosure", "annual"):
        published = (sample_site / f"contributing/schemas/{file_name}.schema.json").read_text(encoding="utf-8")
        assert published == (ROOT / f"schemas/{file_name}.schema.json").read_text(encoding="utf-8"), (
            "the published schema is the committed one"
        )
    fields = (sample_site / "contributing/format/index.html").read_text(encoding="utf-8")
    for key in ("basic_code", "consult_phone", "remarks", "validity", "carried_forward"):
        assert f"<code>{key}" in fields or f".{key}</code>" in fields, key
