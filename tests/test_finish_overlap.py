"""The build's last step runs Pagefind beside the exports (zwgk.build.finish, zwgk.build.search.StaticSearch):
the site's sweep leaves Pagefind's folder to it, and a page the build writes itself may not be searchable,
since Pagefind was given MkDocs's pages before those were written."""

from __future__ import annotations

import pytest
from mkdocs.exceptions import PluginError

from zwgk.build.keep import sweep
from zwgk.build.search import no_searchable_written


def test_a_searchable_page_the_build_writes_itself_fails_the_build():
    redirect = b'<html><head><meta http-equiv="refresh" content="0; url=../x/"></head><body></body></html>'
    searchable = b"<html><body><div data-pagefind-body><h1>\xe9\xa1\xb5</h1></div></body></html>"
    no_searchable_written({"catalogue/a/index.html": redirect, "exports/a.json": b"{}"})
    with pytest.raises(PluginError, match=r"catalogue/b/index\.html"):
        no_searchable_written({"catalogue/a/index.html": redirect, "catalogue/b/index.html": searchable})


def test_the_sweep_leaves_the_folder_it_is_told_to_and_clears_the_rest(tmp_path):
    site = tmp_path / "site"
    for rel in ("pagefind/pagefind.js", "pagefind/parts/p01/x.pf_meta", "old/page.html", "items/stale.html", "items/kept.html"):
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text("x", encoding="utf-8")
    removed, trash = sweep(site, {"items/kept.html"}, leave=frozenset({"pagefind"}))
    trash.wait()
    assert removed == 1
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()) == [
        "items/kept.html",
        "pagefind/pagefind.js",
        "pagefind/parts/p01/x.pf_meta",
    ]
    removed, trash = sweep(site, {"items/kept.html"})
    trash.wait()
    assert not (site / "pagefind").exists()
