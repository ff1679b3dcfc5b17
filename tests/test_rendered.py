"""The cache of rendered pages (zwgk/site/rendered.py): a build that takes pages from it writes the same
site, byte for byte, as a build without it, also after a change."""

from __future__ import annotations

import gzip
import re
import shutil
from pathlib import Path

from conftest import SMALL_PLAN, build, write_catalog

from zwgk.sample import generate as synth
from zwgk.site import pagefind
from zwgk.site.search_tokens import gram_tokens


def _pages(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in site.rglob("*.html") if "pagefind" not in path.parts}


def test_cached_pages_equal_rendered_pages(tmp_path):
    files = synth.generate(SMALL_PLAN)
    base = write_catalog(files, tmp_path / "base")
    entries_file = next(rel for rel in sorted(files) if "/disclosure/" in rel)
    files[entries_file][0]["title"] = "关于缓存页面核对的通知"
    changed = write_catalog(files, tmp_path / "changed")
    warm = tmp_path / "warm"  # one cache (warm/cache) for both builds
    assert build(warm / "first", base).returncode == 0
    cached = build(warm / "second", changed)
    assert cached.returncode == 0, cached.stderr
    # A cache of its own without rendered pages, but with the same flowcharts: Graphviz lays a chart's
    # clusters out in an order that depends on the batch it was drawn in.
    shutil.copytree(warm / "cache" / "flowcharts", tmp_path / "fresh" / "cache" / "flowcharts")
    fresh = build(tmp_path / "fresh" / "site", changed)
    assert fresh.returncode == 0, fresh.stderr
    rendered = list((warm / "cache" / "rendered").glob("*/*.html"))
    assert len(rendered) > 100
    second, expected = _pages(warm / "second"), _pages(tmp_path / "fresh" / "site")
    assert sorted(second) == sorted(expected)
    assert [rel for rel in expected if second[rel] != expected[rel]] == []
    assert "关于缓存页面核对的通知" in "".join(page.decode() for page in second.values())
    # Pages copied from the cache are in sitemap.xml as the rendered ones are.
    listed = [
        set(re.findall(r"<loc>([^<]+)</loc>", (site / "sitemap.xml").read_text(encoding="utf-8")))
        for site in (warm / "second", tmp_path / "fresh" / "site")
    ]
    assert len(listed[1]) > 100 and listed[0] == listed[1]
    packed = gzip.decompress((warm / "second" / "sitemap.xml.gz").read_bytes()).decode()
    assert packed == (warm / "second" / "sitemap.xml").read_text(encoding="utf-8")
    # The cache holds the pages of the last build only: the changed page's old version is gone.
    assert len(rendered) == len(list((tmp_path / "fresh" / "cache" / "rendered").glob("*/*.html")))


def _files(site: Path) -> dict[str, bytes]:
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in site.rglob("*")
        if path.is_file() and "pagefind" not in path.parts and not path.name.startswith("sitemap.xml")
    }


def test_a_site_built_again_in_its_folder_equals_a_fresh_build(tmp_path):
    """The build keeps the site folder in place (zwgk/build/keep.py): after a change, the folder holds
    exactly what a build into an empty folder writes: no file left over, none missing, same bytes."""
    files = synth.generate(SMALL_PLAN)
    base = write_catalog(files, tmp_path / "base")
    entries_file = next(rel for rel in sorted(files) if "/disclosure/" in rel)
    files[entries_file][0]["title"] = "关于原地重建网站的通知"
    changed = write_catalog(files, tmp_path / "changed")
    site = tmp_path / "kept" / "site"
    assert build(site, base).returncode == 0
    (site / "stray").mkdir()
    (site / "stray" / "index.html").write_text("<p>上次留下的页面</p>", encoding="utf-8")
    (site / "exports" / "old.csv").write_text("上次留下的导出文件", encoding="utf-8")
    (site / ".keep").write_text("hidden files stay, as MkDocs leaves them", encoding="utf-8")
    again = build(site, changed)
    assert again.returncode == 0, again.stderr
    assert "个文件内容未变、留在原处" in again.stderr
    # The static search took the build's list of pages and what it knew of them: it read only the
    # pages without a rendered-HTML key (the Markdown pages) and the changed ones, not the 索引号
    # redirect pages the build writes itself (zwgk.build.search.static_search).
    read = int(re.search(r"读取了 (\d+) 个页面", again.stderr).group(1))
    pages = [path for path in site.rglob("*.html") if "pagefind" not in path.parts]
    resolvers = sum('http-equiv="refresh"' in path.read_text(encoding="utf-8") for path in pages)
    assert resolvers > 40 and 0 < read < 30, again.stderr[-3000:]
    shutil.copytree(tmp_path / "kept" / "cache" / "flowcharts", tmp_path / "fresh" / "cache" / "flowcharts")
    fresh = build(tmp_path / "fresh" / "site", changed)
    assert fresh.returncode == 0, fresh.stderr
    kept, expected = _files(site), _files(tmp_path / "fresh" / "site")
    assert sorted(set(kept) - set(expected)) == [".keep"] and sorted(set(expected) - set(kept)) == []
    assert [rel for rel in expected if kept[rel] != expected[rel]] == []
    assert "关于原地重建网站的通知" in kept["exports/entries.csv"].decode("utf-8-sig")
    assert not list(site.parent.glob(".site.zwgk-*")) and not list(site.glob(".zwgk-kept-*"))
    # Pagefind's bundle was written afresh and the index still finds every page it must (checked by the build).
    assert (site / "pagefind").is_dir()
    # The changed page's part was indexed again (the split reads kept facts of unchanged pages only):
    # the new title's words are in the index, on the changed page only.
    found = pagefind.pages_for_token(site, gram_tokens("原地重建")[1])
    assert found
    assert all("关于原地重建网站的通知" in (site / url.strip("/") / "index.html").read_text(encoding="utf-8") for url in found)
    # Pages taken from the cache are the cache's files (hard links): a third build has none to link again.
    cached = {path.stat().st_ino for path in (tmp_path / "kept" / "cache" / "rendered").glob("*/*.html")}
    in_site = [path for path in site.rglob("*.html") if "pagefind" not in path.parts]
    assert len(cached) > 100 and sum(path.stat().st_ino in cached for path in in_site) == len(cached)


_NAV_HOOK = """
from pathlib import Path

from zwgk.build.render import cache_nav

CACHE = {cache}
renders = []


def on_env(env, config, files):
    template = env.get_template("partials/nav.html")
    render = template.root_render_func

    def counted(context):
        renders.append(context["page"].url if context.get("page") else None)
        yield from render(context)

    template.root_render_func = counted
    if CACHE:
        cache_nav(env)
    return env


def on_post_build(config):
    Path(config.site_dir, "renders.txt").write_text(str(len(renders)), encoding="utf-8")
"""


def _nav_site(tmp_path: Path, cache: bool) -> Path:
    """A small Material site whose pages outside the navigation sit at several depths, some under the
    navigation's own folders (their links to those pages are shorter), one a file URL (404.html has none)."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    root = tmp_path / ("cached" if cache else "plain")
    pages = ["index.md", "a/index.md", "a/b.md", "x.md", "a/c.md", "a/b/deep.md", "q/r/s.md", "q/r/t.md", "a/b/c/d.md", "z/y.md", "z/w.md"]
    for rel in pages:
        (root / "docs" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "docs" / rel).write_text(f"# {rel}\n\n## 一节\n\n正文。\n", encoding="utf-8")
    (root / "hooks.py").write_text(_NAV_HOOK.format(cache=cache), encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: 导航\nsite_url: https://example.org/nav/\ntheme:\n  name: material\n  language: zh\n  font: false\n"
        "  features: [navigation.sections]\nhooks: [hooks.py]\nplugins: []\n"
        "nav:\n  - 首页: index.md\n  - 一组:\n      - a/index.md\n      - 二: a/b.md\n  - 外部: https://example.org/elsewhere/\n",
        encoding="utf-8",
    )
    mkdocs_build(load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(root / "site")))
    return root / "site"


def test_the_navigation_rendered_once_per_set_of_links_equals_every_page_rendering_its_own(tmp_path):
    plain, cached = _nav_site(tmp_path, cache=False), _nav_site(tmp_path, cache=True)
    pages = {rel: content for rel, content in _pages(plain).items()}
    assert len(pages) == 12  # eleven pages and 404.html
    assert _pages(cached) == pages
    # Every page rendered its own navigation without the cache; with it, the pages outside the
    # navigation with the same links (q/r/s and q/r/t; z/y and z/w: same depth, under no navigation
    # folder) share one.
    assert int((plain / "renders.txt").read_text()) == 12
    assert int((cached / "renders.txt").read_text()) == 10
    deep = pages["a/b/c/d/index.html"].decode()
    assert 'href="../../" class="md-nav__link"' in deep and 'href="https://example.org/elsewhere/"' in deep


def test_generated_pages_converted_without_python_markdown_equal_its_conversion(tmp_path):
    """zwgk.build.render.PlainPages: headings and block placeholders converted by the build give what
    Python-Markdown and MkDocs give (HTML, table of contents, title, anchors, links); anything else is
    left to Python-Markdown."""
    import os

    from mkdocs.config import load_config
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.pages import Page

    from zwgk.build.render import PlainPages

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    config = load_config(config_file=str(Path(__file__).parent.parent / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    config.plugins._current_plugin = None  # as while MkDocs runs a hook (File.generated reads it)
    plain_docs = [
        "# 食品经营许可\n\n<!-- zwgk-block 0 -->\n\n## 八公开\n\n<!-- zwgk-block 1 -->\n\n## 依据\n\n<!-- zwgk-block 2 -->\n",
        "<!-- zwgk-block 0 -->\n\n# 主题：农业（共 1880 条）\n\n<!-- zwgk-block 1 -->\n\n<!-- zwgk-block 2 -->",
        "# 2023 年 Report x\n\n## 2023 年 Report x\n\n### (一) 概述 - v1.2\n\n## 乙\n\n#### 丙",
        "## 不是一级标题\n\n# 一级",
        "<!-- zwgk-block 0 -->",
    ]
    markup_docs = [
        "# a*b*\n",
        "# 甲 {: #x }\n",
        "# 甲 &amp; 乙\n",
        "# 甲\n乙\n",
        "# 甲\n\n正文。\n",
        "#  甲\n",
        "# 甲 #\n",
        "# <b>甲</b>\n",
    ]
    plain = PlainPages(config)
    assert plain.state == "check"
    for number, text in enumerate(plain_docs + markup_docs):
        converted = []
        for fast in (False, True):
            page = Page(
                None, File.generated(config, f"p{number}/index.md", content=f'---\n{{"title": "页{number}"}}\n---\n\n{text}'), config
            )
            page.read_source(config)
            before = plain.count
            if fast:
                plain.take(page.markdown, page)
            page.render(config, Files([]))
            links = {file.src_uri: anchors for file, anchors in (page.links_to_anchors or {}).items()}
            converted.append((page.content, str(page.toc), page._title_from_render, page.present_anchor_ids, links, page.title))
        assert converted[0] == converted[1], text
        assert plain.count == before + (fast and text in plain_docs), text
    assert plain.state == "on" and plain.count == len(plain_docs)


def test_a_generated_page_front_matter_read_as_json_gives_what_mkdocs_reads_as_yaml():
    """zwgk.build.render._front_matter_apart: the Markdown MkDocs is given and the meta set from the
    JSON line equal what MkDocs's own reading of the whole source gives; other sources go as they are."""
    import json

    from markupsafe import Markup
    from mkdocs.utils import meta

    from zwgk.build.render import _front_matter_apart
    from zwgk.site.pages.common import page

    sources = [
        page("食品经营许可 - 省市场监管局", Markup("<p>正文</p>"), description="说明：“引号” & <尖括号>", searchable=False, wide=True),
        page("主题：农业、林业、水利（共 1880 条）", Markup(""), gov_tags={"ArticleTitle": "标题\\反斜杠", "PubDate": "2026-10-07 00:00"}),
    ]
    for source in sources:
        front: dict[str, str] = {}
        body = _front_matter_apart(source, "p/index.md", front)
        assert meta.get_data(source) == (body, json.loads(front["p/index.md"]))
        assert json.loads(front["p/index.md"])["title"]
    for other in ["# 没有前言\n", "---\ntitle: 不是 JSON\n---\n\n# 甲\n", "---\n{}\n"]:
        front = {}
        assert _front_matter_apart(other, "p/index.md", front) == other and front == {}
