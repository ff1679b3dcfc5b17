from __future__ import annotations

import copy
import datetime as dt
import functools
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from zwgk.rules.run import check
from zwgk.sample import generate as synth
from zwgk.sample.plan import Plan

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "catalog"
AS_OF = dt.date(2026, 11, 26)
SMALL_PLAN = Plan(provincial=3, cities=2, items=40, entries=80, years=(2025, 2026), seed=7)
SITE_URL = "https://example.org/zwgk/"
CHROMIUM = "/usr/bin/chromium"  # Debian's, driven by Playwright (tests of what the public sees)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


class Raw(bytes):
    """File content written as-is, for input that YAML cannot express (bad encodings, tabs, syntax)."""


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("sample") / "site"
    result = build(site)
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture(scope="module")
def server(sample_site):
    """The built sample site on loopback."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(sample_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed: run FOR_TESTS=1 bash scripts/setup.sh")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def sample_data():
    """The bundled sample, checked and arranged for the site."""
    from zwgk.site.data import site_data

    return site_data(check(SAMPLE))


class Link(str):
    """A symbolic link to this target, for what no file content can express (the rule file.symlink)."""


class Fifo:
    """A named pipe in place of a file (the rule file.unreadable)."""


def write_catalog(files: dict, root: Path) -> Path:
    for rel, value in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(value, Link | Fifo):
            path.symlink_to(value) if isinstance(value, Link) else os.mkfifo(path)
            continue
        path.write_bytes(value if isinstance(value, bytes) else synth.dump(value).encode("utf-8"))
    return root


def run_check(root: Path):
    return check(root, as_of=AS_OF, cache_dir=None, workers=1)


@pytest.fixture(scope="session")
def small_files() -> dict:
    return synth.generate(SMALL_PLAN)


@pytest.fixture
def fresh_files(small_files) -> dict:
    return copy.deepcopy(small_files)


def build(site_dir: Path, catalog: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", ZWGK_CACHE_DIR=str(site_dir.parent / "cache"))
    if catalog is not None:
        env["ZWGK_CATALOG"] = str(catalog)
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(site_dir)]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
