"""The built site: every record on its page, escaping, offline, exports, feeds, and the build's own
checks (errors fail it, nothing is lost). Real MkDocs builds, parsed with the standard HTML parser."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
import yaml
from conftest import ROOT, SAMPLE, SITE_URL, SMALL_PLAN, build, write_catalog
from mutations import MUTATIONS

from zwgk import rules
from zwgk.catalog.codes import implementation_code, parse_index
from zwgk.catalog.loader import load_catalog
from zwgk.rules.items import EIGHT_DISCLOSURES
from zwgk.sample import generate as synth
from zwgk.site import flowchart, urls

HOSTILE = [
    "<script>alert(1)</script>",
    '" -> x [label="',
    "{{ x }}",
    "{% x %}",
    "[链接](javascript:alert(1))",
    "![图](http://evil.example/x.png)",
    "\\N &amp; &lt;b&gt;",
]


def hostile_files() -> dict:
    files = synth.generate(SMALL_PLAN)
    names: dict[str, str] = {}
    for number, (rel, value) in enumerate(sorted(files.items())):
        text = f"{HOSTILE[number % len(HOSTILE)]}#{number}"
        if "/powers/" in rel:
            value["name"] = names.setdefault(value["basic_code"], f"事项{text}")
            if value.get("flow"):
                value["flow"][0]["name"] = text
                value["flow"][0]["actor"] = HOSTILE[(number + 1) % len(HOSTILE)]
                for step in value["flow"]:
                    for branch in step["next"] if isinstance(step.get("next"), list) else []:
                        branch["when"] = HOSTILE[(number + 2) % len(HOSTILE)]
            value["content"] = text
        elif "/disclosure/" in rel:
            for position, entry in enumerate(value):
                entry["title"] = f"{HOSTILE[position % len(HOSTILE)]}#{position}"
                entry["summary"] = HOSTILE[(position + 3) % len(HOSTILE)]
                entry["keywords"] = [HOSTILE[(position + 1) % len(HOSTILE)]]
        elif rel.endswith("department.yml"):
            value["name"] = f"{text}厅"
            value["disclosure_office"]["address"] = HOSTILE[0]
    return files


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    catalog = write_catalog(hostile_files(), folder / "catalog")
    site = folder / "site"
    result = build(site, catalog)
    assert result.returncode == 0, result.stderr
    return site


class _Elements(HTMLParser):
    """Every element's tag and attributes, plus the page's visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(path: Path) -> _Elements:
    parser = _Elements()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_item_page_shows_codes_disclosures_and_flowchart(sample_site):
    catalog = load_catalog(SAMPLE, workers=1)
    for item in catalog.items:
        page = sample_site / urls.item(item.dept_id, item.basic_code) / "index.html"
        parsed = parse(page)
        text = "".join(parsed.text)
        dept = catalog.departments[item.dept_id]
        assert item.basic_code in text and implementation_code(item.basic_code, dept.region, dept.uscc) in text
        assert item.name in text and catalog.scheme.power_types[item.type] in text
        if not item.is_active:
            assert item.status in text and str(item.status_date) in text and item.status_reason in text
            if item.replaced_by:
                assert any(tag == "a" and f"/{item.replaced_by}/" in attrs.get("href", "") for tag, attrs in parsed.elements)
            continue
        for label in EIGHT_DISCLOSURES.values():
            assert label in text, f"{item.label}: {label}"
        # The drawings are files of the site, shown as images named after the item.
        charts = [attrs for tag, attrs in parsed.elements if tag == "img" and "zwgk-flowchart__" in attrs.get("class", "")]
        assert [a["class"] for a in charts] == ["zwgk-flowchart__wide", "zwgk-flowchart__narrow"], item.label
        for chart in charts:
            assert chart["alt"] == f"{item.name}运行流程图", item.label
            assert flowchart.is_svg((page.parent / chart["src"]).resolve().read_text(encoding="utf-8")), chart["src"]
        assert f"{item.name}运行流程图" in text
        assert any(tag == "ol" and attrs.get("class") == "zwgk-flow-steps" for tag, attrs in parsed.elements)
        assert "application/ld+json" in page.read_text(encoding="utf-8")


def test_every_entry_is_under_its_permalink(sample_site):
    catalog = load_catalog(SAMPLE, workers=1)
    pages: dict[Path, str] = {}
    for entry in catalog.entries:
        number = parse_index(entry.index, catalog.scheme.index_formats)
        url, anchor = urls.entry(entry.dept_id, number).split("#")
        path = sample_site / url / "index.html"
        html = pages.setdefault(path, path.read_text(encoding="utf-8"))
        row = re.search(rf'<tr>((?:(?!</tr>).)*?<summary><h2 id="{anchor}">.*?)</tr>', html)
        assert row and entry.index in row.group(1), entry.label
        resolver = sample_site / urls.index_resolver(number).split("#")[0] / "index.html"
        assert resolver.is_file()


def test_permalinks_never_move_when_entries_are_added():
    number = parse_index("11340000002986061N/201111-00037", ["uscc-yyyymm"])
    before = urls.entry("340000-fgw", number)
    assert before == "catalogue/340000-fgw/201111/#00037"
    later = parse_index("11340000002986061N/201111-00501", ["uscc-yyyymm"])
    assert urls.entry("340000-fgw", later) == "catalogue/340000-fgw/201111/2/#00501"
    assert urls.entry("340000-fgw", number) == before


def test_no_page_has_more_than_500_rows(sample_site):
    for path in sample_site.rglob("index.html"):
        assert path.read_text(encoding="utf-8").count("<summary><h2 id=") <= urls.ROWS_PER_PAGE, path


def test_tombstones_keep_every_item_url(sample_site):
    catalog = load_catalog(SAMPLE, workers=1)
    inactive = [item for item in catalog.items if not item.is_active]
    assert inactive
    for item in inactive:
        assert (sample_site / urls.item(item.dept_id, item.basic_code) / "index.html").is_file()


def test_hostile_strings_come_out_escaped(hostile_site):
    for path in hostile_site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert "<script>alert(1)" not in html, path
        assert 'src="http://evil.example' not in html, path
        hrefs = re.findall(r'href="([^"]*)"', html)
        assert not any(href.strip().lower().startswith("javascript:") for href in hrefs), path
    item_pages = list((hostile_site / "items").rglob("index.html"))
    text = "".join("".join(parse(p).text) for p in item_pages)
    for hostile in HOSTILE:
        assert hostile in text, hostile  # shown literally, not interpreted
    # The flowcharts are files of the site (charts/), linked from the item pages: escaped there too.
    charts = [p.read_text(encoding="utf-8") for p in (hostile_site / flowchart.CHART_FOLDER).glob("*.svg")]
    assert charts and not any("<script" in chart for chart in charts)
    svg_text = "".join(re.findall(r"<text[^>]*>([^<]*)</text>", "".join(charts)))
    assert "&lt;script&gt;" in svg_text and "{{ x }}" in svg_text


def test_hostile_titles_cannot_break_out_of_the_title_element(hostile_site):
    for path in hostile_site.rglob("index.html"):
        title = re.search(r"<title>(.*?)</title>", path.read_text(encoding="utf-8"), re.S)
        assert title and "<" not in title.group(1), path


# URLs in the theme's JavaScript that never cause a request from our pages: licence and source
# comments, and API templates used only when mkdocs.yml sets repo_url (it does not).
INERT_JS_URLS = (
    # Pagefind resolves relative result URLs against a dummy base (new URL(url, "https://example.com")).
    "https://example.com${",
    "http://www.mozilla.org/MPL/",
    "https://github.com/",
    "http://snowball.tartarus.org/",
    "http://tartarus.org/",
    "http://code.google.com/p/urim/",
    "https://developer.mozilla.org/",
    "https://clipboardjs.com/",
    "https://bit.ly/2s3ChXG",
    "http://wiki.ecmascript.org/",
    "http://wiki.commonjs.org/",
    "http://underscorejs.org",
    "https://api.github.com/",
    "https://${e}/api/v4/",
    "http://www.w3.org/",
    "http://chasen.org/",
    "http://docs.python.org/",
    "http://en.wikipedia.org/",
    "http://msdn.microsoft.com/",
    "http://narwhaljs.org",
    "http://people.mozilla.org/",
    "http://lunrjs.com",
    "https://drafts.fxtf.org/",
)
RESOURCE_ATTRIBUTES = {"src", "href", "srcset", "action", "data", "poster", "xlink:href", "content"}


def test_no_outside_references(sample_site):
    assert "repo_url" not in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    catalog = load_catalog(SAMPLE, workers=1)
    allowed = {entry.url for entry in catalog.entries if entry.url}
    # Links, not requests: each item's 在线办理 link, and the footer's filing sites (mkdocs.yml extra.zwgk.site).
    allowed |= {item.online_url for item in catalog.items if item.online_url}
    settings = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["extra"]["zwgk"]["site"]
    allowed |= {settings[key] for key in ("icp_url", "police_url", "party_mark_url") if settings.get(key)}
    # The contributor guide's links into the repository (extra.zwgk.repository): forms and files there.
    repository = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["extra"]["zwgk"]["repository"].rstrip("/") + "/"
    outside = []
    for path in sample_site.rglob("*"):
        if path.suffix in (".html", ".svg"):
            for tag, attrs in parse(path).elements:
                for name, value in attrs.items():
                    absolute = name in RESOURCE_ATTRIBUTES and value and re.match(r"^\s*(https?:)?//", value)
                    guide_link = tag == "a" and value.startswith(repository) and path.relative_to(sample_site).parts[0] == "contributing"
                    if absolute and value not in allowed and not value.startswith(SITE_URL) and not guide_link:
                        outside.append(f"{path.relative_to(sample_site)}: <{tag} {name}={value}>")
        elif path.suffix == ".js":
            for value in re.findall(r"https?://[^\"' )`<>]+", path.read_text(encoding="utf-8")):
                if not value.startswith(INERT_JS_URLS):
                    outside.append(f"{path.relative_to(sample_site)}: {value}")
        elif path.suffix == ".css":
            for value in re.findall(r"url\(\s*['\"]?([^'\")]+)", path.read_text(encoding="utf-8")) + re.findall(
                r"@import\s+['\"]([^'\"]+)", path.read_text(encoding="utf-8")
            ):
                if re.match(r"^(https?:)?//", value):
                    outside.append(f"{path.relative_to(sample_site)}: url({value})")
    assert outside == []


def test_exports_are_complete_and_open_in_excel(sample_site):
    catalog = load_catalog(SAMPLE, workers=1)
    raw = (sample_site / "exports/entries.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert {row["index"] for row in rows} == {entry.index for entry in catalog.entries}
    items = list(csv.DictReader(io.StringIO((sample_site / "exports/items.csv").read_bytes().decode("utf-8-sig"))))
    assert len(items) == len(catalog.items)
    whole = json.loads(gzip.decompress((sample_site / "exports/catalogue.json.gz").read_bytes()))
    assert len(whole["entries"]) == len(catalog.entries) and len(whole["items"]) == len(catalog.items)
    # A department's own download is its workbook: every entry of the department is in it.
    for dept_id in catalog.departments:
        workbook = openpyxl.load_workbook(sample_site / f"exports/departments/{dept_id}/{dept_id}.xlsx", read_only=True)
        rows = [row for row in workbook["政府信息公开目录"].iter_rows(values_only=True) if any(row)]
        indexes = {cell for row in rows for cell in row if isinstance(cell, str)}
        assert {entry.index for entry in catalog.entries_of(dept_id)} <= indexes, dept_id
        assert not (sample_site / f"exports/departments/{dept_id}/entries.csv").exists()


def test_datapackage_validates_with_frictionless(sample_site):
    result = subprocess.run(
        [sys.executable, "-m", "frictionless", "validate", "--json", str(sample_site / "exports/datapackage.json")],
        capture_output=True,
        text=True,
    )
    report = json.loads(result.stdout)
    assert report["valid"], result.stdout[:2000]


def test_atom_feeds(sample_site):
    catalog = load_catalog(SAMPLE, workers=1)
    namespace = {"a": "http://www.w3.org/2005/Atom"}
    whole = ET.parse(sample_site / "feeds/all.xml").getroot()
    assert len(whole.findall("a:entry", namespace)) == 50
    for dept_id in catalog.departments:
        feed = ET.parse(sample_site / f"feeds/departments/{dept_id}.xml").getroot()
        assert feed.find("a:title", namespace).text
    topics = {entry.topic for entry in catalog.entries if entry.topic}
    assert all((sample_site / f"feeds/topics/{code}.xml").is_file() for code in topics)


def test_sitemap_lists_every_page(sample_site):
    sitemap = (sample_site / "sitemap.xml").read_text(encoding="utf-8")
    listed = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    pages = set()
    for path in sample_site.rglob("index.html"):
        rel = path.parent.relative_to(sample_site).as_posix()
        if rel.split("/")[0] not in ("i", "search"):  # 索引号 redirects are not pages
            pages.add(SITE_URL + ("" if rel == "." else rel + "/"))
    assert len(pages) > 500
    assert sorted(pages - listed) == []


def test_chinese_font_is_installed():
    # Without a CJK font Graphviz silently lays Chinese labels out too narrow.
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=True).stdout
    assert fonts.strip(), "no Chinese font: install fonts-noto-cjk"


def test_errors_fail_the_build_with_the_findings(tmp_path):
    files = synth.generate(SMALL_PLAN)
    MUTATIONS["index.duplicate"](files)
    result = build(tmp_path / "site", write_catalog(files, tmp_path / "catalog"))
    assert result.returncode != 0 and "index.duplicate" in result.stderr + result.stdout


def test_warnings_do_not_fail_the_build(tmp_path):
    files = synth.generate(SMALL_PLAN)
    MUTATIONS["entry.doc-number"](files)
    result = build(tmp_path / "site", write_catalog(files, tmp_path / "catalog"))
    assert result.returncode == 0, result.stderr
    output = result.stderr + result.stdout
    assert "entry.doc-number" in output
    assert re.search(r"生成完成：5 个部门、40 个权力事项、80 条目录条目、\d+ 张流程图（本次新绘制 \d+ 张）、\d+ 个页面", output), output


def test_rules_reference_page_lists_every_rule(sample_site):
    page = (sample_site / "contributing/rules/index.html").read_text(encoding="utf-8")
    for rule in rules.all_rules():
        assert rule.id in page


def test_cli_build(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from zwgk.cli import cli

    catalog = write_catalog(synth.generate(SMALL_PLAN), tmp_path / "catalog")
    monkeypatch.setenv("ZWGK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ZWGK_CATALOG", "")  # restored after the test: `zwgk build --catalog` sets it
    arguments = ["build", "--catalog", str(catalog), "--site-dir", str(tmp_path / "out"), "--config-file", str(ROOT / "mkdocs.yml")]
    result = CliRunner().invoke(cli, arguments)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out/index.html").is_file() and (tmp_path / "out/exports/datapackage.json").is_file()


def test_the_build_fails_when_a_record_is_missing_from_the_output(tmp_path, monkeypatch):
    import logging

    from mkdocs.config import load_config
    from mkdocs.exceptions import PluginError

    from zwgk import build as site

    catalog = write_catalog(synth.generate(SMALL_PLAN), tmp_path / "catalog")
    monkeypatch.setenv("ZWGK_CATALOG", str(catalog))
    monkeypatch.setenv("ZWGK_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "site"
    assert build(out, catalog).returncode == 0
    config = load_config(config_file=str(ROOT / "mkdocs.yml"), site_dir=str(out))
    built = site.prepare(config, logging.getLogger("test"))
    assert site.verify(built, out)["entries"] == 80
    item = built.data.items[3]
    (out / urls.item(item.dept_id, item.basic_code) / "index.html").unlink()
    entry = built.data.entries[5]
    page = out / built.data.entry_url(entry).split("#")[0] / "index.html"
    serial = built.data.numbers[id(entry)].serial
    page.write_text(page.read_text(encoding="utf-8").replace(f'<summary><h2 id="{serial:05d}">', "<summary><h2>"), encoding="utf-8")
    with pytest.raises(PluginError) as error:
        site.verify(built, out)
    assert item.label in str(error.value) and entry.index in str(error.value)


@pytest.mark.slow
def test_mkdocs_serve_rebuilds_when_the_catalogue_changes(tmp_path):
    import queue
    import socket
    import threading
    import time

    catalog = write_catalog(synth.generate(SMALL_PLAN), tmp_path / "catalog")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", ZWGK_CATALOG=str(catalog), ZWGK_CACHE_DIR=str(tmp_path / "cache"))
    # Live reload on (the default): MkDocs only watches files, and calls on_serve, when it is.
    command = [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", "-f", str(ROOT / "mkdocs.yml")]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in server.stdout], daemon=True).start()
    output: list[str] = []

    def wait_for(text: str, count: int, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                output.append(lines.get(timeout=0.5))
            except queue.Empty:
                continue
            if sum(text in seen for seen in output) >= count:
                return True
        return False

    try:
        assert wait_for("Serving on", 1, 120), "".join(output)
        item = next((catalog / "departments").rglob("powers/*.yml"))
        item.write_text(item.read_text(encoding="utf-8").replace("依法办理", "依法受理并办理", 1), encoding="utf-8")
        assert wait_for("生成完成", 2, 120), "".join(output)
    finally:
        server.terminate()
        server.wait(timeout=30)
