"""What the public sees, in a real browser: Debian's Chromium driven by Playwright, on loopback.

Each page opens with no console errors and no request to any host but 127.0.0.1, and axe-core finds
no serious or critical accessibility violation.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

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
        pytest.fail("Debian chromium is not installed: run WITH_BROWSER=1 bash scripts/setup.sh")
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
    assert any(url.endswith("/assets/javascripts/vendor/resize-observer-polyfill.js") for url in requests), requests
    assert all(urlparse(url).hostname == "127.0.0.1" for url in requests), requests
    assert page.evaluate("typeof ResizeObserver") == "function"
    context.close()
