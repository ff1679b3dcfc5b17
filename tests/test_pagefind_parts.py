"""The Pagefind bundles assembled from the cache (zwgk.site.pagefind_parts): a few changed pages are
indexed in a small part of their own and their old versions are passed over; more changes re-index
their part. Real Pagefind runs over a copy of the built sample."""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import threading
from urllib.parse import quote

import pytest

from zwgk.site import pagefind, pagefind_parts
from zwgk.site.search_tokens import gram_tokens


def _retitle(page, old: str, new: str) -> None:
    html = page.read_text(encoding="utf-8")
    assert old in html
    page.unlink()  # a new file, as MkDocs writes it (the old one may be linked elsewhere)
    page.write_text(html.replace(old, new), encoding="utf-8")


def _words(text: str) -> str:
    """Text in a page's heading with the bigram tokens the build writes beside a title."""
    return f"<span>{text} {' '.join(gram_tokens(text))}</span>"


def _pages_of_part(site, name):
    return [path for rel, path, _ in pagefind_parts.site_pages(site)[name]]


@pytest.fixture(scope="module")
def changed_site(sample_site, tmp_path_factory):
    """The sample with a department's name changed after its bundles were cached, and the bundle
    results: the first build, a build without changes, the build after the change."""
    tmp_path = tmp_path_factory.mktemp("changed")
    site, cache = tmp_path / "site", tmp_path / "cache"
    shutil.copytree(sample_site, site)
    page = site / "departments/340000-amr/index.html"
    _retitle(page, "</h1>", _words("鹦鹉螺") + "</h1>")
    searchable = sum(len(pages) for pages in pagefind_parts.site_pages(site).values())
    first, unchanged = pagefind_parts.bundle(site, cache), pagefind_parts.bundle(site, cache)
    assert pagefind.pages_for_token(site, gram_tokens("鹦鹉")[0]) == {"/departments/340000-amr/"}
    _retitle(page, _words("鹦鹉螺"), _words("蝾螈蜥"))
    return site, searchable, [first, unchanged, pagefind_parts.bundle(site, cache)]


def test_a_changed_page_is_indexed_on_its_own_and_its_old_version_is_stale(changed_site):
    site, searchable, runs = changed_site
    assert runs[0] == (searchable, pagefind.PART_COUNT, 0, 0)
    assert runs[1] == (searchable, pagefind.PART_COUNT, pagefind.PART_COUNT, 0)
    assert runs[2] == (searchable, pagefind.PART_COUNT, pagefind.PART_COUNT, 1)
    listed = json.loads((site / "pagefind/parts.json").read_text(encoding="utf-8"))
    assert listed["parts"][-1] == pagefind_parts.FRESH and len(listed["parts"]) == pagefind.PART_COUNT
    assert len(listed["stale"]) == 1
    url = "/departments/340000-amr/"
    assert url in pagefind.pages_for_token(site, gram_tokens("蝾螈")[0])  # the new text, from `fresh`
    assert url not in pagefind.pages_for_token(site, gram_tokens("鹦鹉")[0])  # the old text, stale
    assert pagefind.silent_titles(site, [("蝾螈蜥", "departments/340000-amr/")]) == []
    assert pagefind.silent_titles(site, [("鹦鹉螺", "departments/340000-amr/")]) == ["鹦鹉螺"]


def test_many_changes_in_a_part_index_it_again(sample_site, tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    shutil.copytree(sample_site, site)
    searchable = sum(len(pages) for pages in pagefind_parts.site_pages(site).values())
    pagefind_parts.bundle(site, cache)
    name = pagefind.part_of("departments/340000-amr/index.html")
    pages = [path for path in _pages_of_part(site, name) if "/items/" in path.as_posix()]
    changed = pages[: pagefind_parts.STALE_MIN + 1]
    assert len(changed) > pagefind_parts.STALE_MIN and len(changed) > len(_pages_of_part(site, name)) // pagefind_parts.STALE_SHARE
    for path in changed:
        _retitle(path, "</h1>", "重编</h1>")
    indexed, _, reused, fresh = pagefind_parts.bundle(site, cache)
    assert (indexed, reused, fresh) == (searchable, pagefind.PART_COUNT - 1, 0)
    listed = json.loads((site / "pagefind/parts.json").read_text(encoding="utf-8"))
    assert listed["stale"] == [] and pagefind_parts.FRESH not in listed["parts"]


def test_the_browser_finds_the_new_text_and_not_the_old(changed_site, browser):
    site = changed_site[0]
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    server = f"http://127.0.0.1:{httpd.server_address[1]}/"
    page = browser.new_page()
    try:
        found = {}
        for query in ("蝾螈蜥", "鹦鹉螺"):
            page.goto(f"{server}search/?q={quote(query)}")
            page.wait_for_function("() => !/正在|请输入/.test(document.getElementById('zwgk-search-status').textContent)", timeout=15_000)
            found[query] = page.eval_on_selector_all("#zwgk-search-results li a", "links => links.map(a => a.pathname)")
    finally:
        page.close()
        httpd.shutdown()
    assert "/departments/340000-amr/" in found["蝾螈蜥"]
    assert "/departments/340000-amr/" not in found["鹦鹉螺"]  # only the stale version holds it


def test_bundles_cached_without_a_manifest_get_one(sample_site, tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    shutil.copytree(sample_site, site)
    pagefind_parts.bundle(site, cache)
    manifests = sorted((cache / "pagefind").glob(f"*/{pagefind_parts.MANIFEST}"))
    assert len(manifests) == pagefind.PART_COUNT
    for path in manifests:
        path.unlink()
    assert pagefind_parts.bundle(site, cache)[2] == pagefind.PART_COUNT
    assert sorted((cache / "pagefind").glob(f"*/{pagefind_parts.MANIFEST}")) == manifests


def _site_files(site) -> list[str]:
    return [path.relative_to(site).as_posix() for path in site.rglob("*") if path.is_file()]


def test_the_builds_list_of_pages_gives_the_parts_a_walk_gives(sample_site):
    """The build hands the split its list of written files instead of walking the site: the same
    searchable pages in the same parts, and only what the list holds."""
    listed = _site_files(sample_site)
    assert pagefind_parts.site_pages(sample_site, listed=listed) == pagefind_parts.site_pages(sample_site)
    assert sorted(pagefind_parts.html_files(sample_site)) == sorted(
        rel for rel in listed if rel.endswith(".html") and not rel.startswith("pagefind/")
    )
    left_out = "departments/340000-amr/index.html"
    parts = pagefind_parts.site_pages(sample_site, listed=[rel for rel in listed if rel != left_out])
    assert left_out not in {rel for pages in parts.values() for rel, _, _ in pages}


def test_a_page_in_the_site_but_not_in_the_list_fails_the_build(sample_site):
    """The guard of the list (zwgk.build.search.check_listed, fed by the link check's walk)."""
    from mkdocs.exceptions import PluginError

    from zwgk.build.linkcheck import site_files
    from zwgk.build.search import check_listed

    files = site_files(sample_site)
    listed = {rel for rel in files if not rel.startswith("pagefind/")}
    check_listed(listed, files)
    check_listed(None, files)  # no list given: the site was walked
    with pytest.raises(PluginError, match=re.escape("没有交给静态检索索引核对：departments/340000-amr/index.html")):
        check_listed(listed - {"departments/340000-amr/index.html"}, files)
    with pytest.raises(PluginError, match=re.escape("不在网站中：stray/index.html")):
        check_listed(listed | {"stray/index.html"}, files)


def test_bundles_are_placed_as_links_with_cp_and_without(tmp_path, monkeypatch):
    """_place links every file of a bundle into the site, by cp -al or, where there is no cp, from Python."""
    source = tmp_path / "cache" / "bundle"
    (source / "fragment").mkdir(parents=True)
    (source / "pagefind.js").write_text("js", encoding="utf-8")
    (source / "fragment" / "a.pf_fragment").write_bytes(b"\x1f\x8b")
    for name, path in (("cp", None), ("python", "")):
        if path is not None:
            monkeypatch.setenv("PATH", path)
        target = tmp_path / name / "pagefind"
        pagefind_parts._place([(source, target)])()
        for rel in ("pagefind.js", "fragment/a.pf_fragment"):
            assert (target / rel).stat().st_ino == (source / rel).stat().st_ino
    assert (source / "pagefind.js").stat().st_nlink == 3


def test_the_title_check_runs_in_a_process_and_reports_what_is_missing(sample_site, sample_data, tmp_path):
    from mkdocs.exceptions import PluginError

    from zwgk.build.search import check_titles
    from zwgk.site.title_check import TitleCheck, TitleCheckError

    assert TitleCheck(sample_site, sample_data).result() == []
    site = tmp_path / "site"
    shutil.copytree(sample_site / "codes", site / "codes")
    first = sorted((site / "codes/records").glob("*.json"), key=lambda path: int(path.stem))[0]
    first.write_text("[]", encoding="utf-8")  # the first chunk's records gone
    assert TitleCheck(site, sample_data).result()
    with pytest.raises(PluginError, match=r"标题检索索引查不到 \d+ 条记录的标题"):  # what fails the build
        check_titles(TitleCheck(site, sample_data))
    (site / "codes/search.json").unlink()
    with pytest.raises(TitleCheckError, match="标题检索索引的核对失败"):
        TitleCheck(site, sample_data).result()
    with pytest.raises(PluginError, match="标题检索索引的核对失败"):
        check_titles(TitleCheck(site, sample_data))


def test_the_title_check_reads_only_the_files_the_build_writes_before_starting_it(sample_site, sample_data, tmp_path):
    from zwgk.site.title_check import reads
    from zwgk.site.title_index import expected_titles, unfound_titles_of

    site = tmp_path / "site"
    for path in sample_site.rglob("*"):
        rel = path.relative_to(sample_site).as_posix()
        if path.is_file() and reads(rel):
            (site / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, site / rel)
    assert unfound_titles_of(site, expected_titles(sample_data)) == []


def _bundle_contents(bundle) -> dict:
    """A bundle's content, independent of Pagefind's file names for filters (which vary from run to
    run with the same input): the metadata, each filter's values and pages, every fragment and index chunk."""
    meta, _ = pagefind._cbor(pagefind.read_bundle_file(next(bundle.glob("pagefind.*.pf_meta"))))
    filters = {}
    for name, file in meta[3]:
        (field, values), _ = pagefind._cbor(pagefind.read_bundle_file(bundle / "filter" / f"{file}.pf_filter"))
        filters[name] = (field, sorted((value, pages) for value, pages in values))
    meta[3] = sorted(name for name, _ in meta[3])
    files = {path.relative_to(bundle).as_posix(): pagefind.read_bundle_file(path) for path in bundle.glob("[fi][rn]*/*.pf_*")}
    return {"meta": meta, "filters": filters, "files": {name: data for name, data in files.items() if not name.startswith("filter/")}}


def test_pagefind_given_the_pages_bodies_alone_writes_the_same_bundle(sample_site, tmp_path):
    """pagefind.indexed_view leaves out the page frame Pagefind throws away and the elements its
    EXCLUDED selectors would leave out: the bundle Pagefind writes from the views, without selectors,
    is the one the whole pages give with them (every fragment with its title, image and records meta,
    every word, filter, sort)."""
    pages = [(rel, path) for part in pagefind_parts.site_pages(sample_site).values() for rel, path, _ in part]
    whole, bodies = tmp_path / "whole", tmp_path / "bodies"
    for rel, path in pages:
        for folder, content in ((whole, path.read_bytes()), (bodies, pagefind.indexed_view(path.read_bytes()))):
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_bytes(content)
    given = {folder: sum(path.stat().st_size for path in folder.rglob("*.html")) for folder in (whole, bodies)}
    assert given[bodies] < 0.85 * given[whole]
    assert any(b"zwgk-entries" in pagefind.indexed_view(path.read_bytes()) for _, path in pages)
    counts = [
        pagefind.run_pagefind(whole, tmp_path / "whole-bundle"),
        pagefind.run_pagefind(bodies, tmp_path / "bodies-bundle", excluded=()),
    ]
    assert counts == [len(pages), len(pages)]
    expected = _bundle_contents(tmp_path / "whole-bundle")
    assert any(b'"image"' in data for data in expected["files"].values())  # the frame's image is kept
    assert _bundle_contents(tmp_path / "bodies-bundle") == expected


def test_the_cut_leaves_out_what_the_selectors_name_and_only_that():
    """pagefind.cut_excluded on a table of each shape the selectors reach: cells counted by position
    among every element (a row's <th> too), the related links, the fields' labels and all fields but
    the first inside a <details>; a <dl> elsewhere, another table and the header row are left whole."""
    row = (
        b"<tr><td><a href='#1'>I</a></td><td><details><summary><h2 id='1'>T</h2></summary><dl><dt>L</dt>"
        b"<dd>S</dd><dt>K</dt><dd>W <time>d</time></dd></dl></details>"
        b'<span class="zwgk-related">R: <a href="x">O</a></span><span hidden>g</span></td>'
        b"<td>D</td><td>N</td><td>C</td><td>V</td></tr>"
    )
    table = b'<table class="zwgk-data zwgk-entries"><thead><tr><th>a</th><th>b</th></tr></thead><tbody>' + row
    page = (
        b'<h1>H<a class="headerlink" href="#h" title="t">&para;</a></h1>' + table + b"</tbody></table>"
        b"<dl><dt>kept</dt><dd>1</dd><dd>2</dd></dl><table class='other'><tr><td>x</td><td>y</td></tr></table>"
    )
    cut = pagefind.cut_excluded(page)
    assert cut == (
        b'<h1>H</h1><table class="zwgk-data zwgk-entries"><thead><tr><th>a</th><th>b</th></tr></thead><tbody>'
        b"<tr><td><details><summary><h2 id='1'>T</h2></summary><dl><dd>S</dd></dl></details>"
        b"<span hidden>g</span></td><td>N</td></tr></tbody></table>"
        b"<dl><dt>kept</dt><dd>1</dd><dd>2</dd></dl><table class='other'><tr><td>x</td><td>y</td></tr></table>"
    )
    # A row header is the first element of its row: the cells after it move up one position.
    headed = pagefind.cut_excluded(table.replace(b"<tr><td><a", b"<tr><th scope='row'>h</th><td><a") + b"</tbody></table>")
    assert b"<tr><th scope='row'>h</th><td><a href='#1'>I</a></td><td>D</td><td>V</td></tr>" in headed
    assert pagefind.cut_excluded(b"<p>no table</p>") == b"<p>no table</p>"


def test_staging_a_page_that_cannot_be_read_fails_with_the_reason(tmp_path):
    """The staging process (zwgk.site.pagefind_stage) writes the views it is given; a page it cannot
    read fails the step with a Chinese message carrying the reason, no page is passed over."""
    from zwgk.site.pagefind_stage import stage_apart

    page = tmp_path / "site" / "a" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_bytes(
        b'<html lang="zh"><body><article><div data-pagefind-body><h1>A<a class="headerlink" href="#a">&para;</a></h1></div></article></body></html>'
    )
    stage_apart(tmp_path / "staged", [("a/index.html", page)])
    assert (tmp_path / "staged" / "a" / "index.html").read_bytes() == pagefind.indexed_view(page.read_bytes())
    assert b"headerlink" not in (tmp_path / "staged" / "a" / "index.html").read_bytes()
    with pytest.raises(pagefind.StaticSearchError, match=r"(?s)为 Pagefind 准备页面失败.*FileNotFoundError"):
        stage_apart(tmp_path / "staged2", [("a/index.html", page), ("b/index.html", tmp_path / "missing.html")])


def test_a_page_pagefind_reads_outside_its_body_is_given_whole():
    page = (
        b'<!doctype html><html lang="zh" class="x"><head><title>T</title><link rel="icon" href="i.png"></head>'
        b'<body><nav>navigation</nav><img src="logo.svg" alt=""><article><div data-pagefind-body><h1>H</h1>'
        b'<p>text</p></div></article><footer><img src="mark.svg" alt="mark">footer</footer></body></html>'
    )
    view = pagefind.indexed_view(page)
    assert view == (
        b'<!doctype html><html lang="zh" class="x"><head><meta charset="utf-8"><title>T</title></head><body>'
        b'<img src="logo.svg" alt=""><div data-pagefind-body><h1>H</h1><p>text</p></div>'
        b'<img src="mark.svg" alt="mark"></body></html>'
    )
    for changed in (
        page.replace(b"<title>", b'<meta data-pagefind-meta="a:b"><title>'),  # meta in the head
        page.replace(b"footer</footer>", b'<span data-pagefind-filter="f">v</span></footer>'),  # a filter after it
        page.replace(b"<p>text</p>", b"<div data-pagefind-body>2</div>"),  # two bodies
        page.replace(b"</article>", b""),  # no end found
    ):
        assert pagefind.indexed_view(changed) == changed
